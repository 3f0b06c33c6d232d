"""The byte scan of Apple Health's ``export.xml``: its prolog checked, its sleep records found.

The prolog (everything before ``<HealthData``) goes through expat with handlers that refuse any
entity declaration and any external DTD — nothing is ever expanded. The rest is never parsed
element by element: its bytes are searched for ``HKCategoryTypeIdentifierSleepAnalysis``, and
only the start tags of those ``Record`` elements are parsed (their attributes by a strict
pattern, their references limited to XML's five predefined entities and character references).
The limits here keep memory and time bounded however large or hostile the file.

What the byte scan does not do, since Apple never writes it: it does not apply ``ATTLIST``
default values, and it would read a sleep ``Record`` written inside a comment.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NoReturn, Protocol
from xml.parsers import expat

from sleepplan.core.errors import InputError
from sleepplan.core.objective import Skipped
from sleepplan.store.trackers.apple_health_records import (
    VALUES,
    Instant,
    SleepRecords,
    instant_at,
)
from sleepplan.store.trackers.common import Progress

SLEEP_TYPE = b"HKCategoryTypeIdentifierSleepAnalysis"
CHUNK_BYTES = 1024 * 1024
"""Read at a time; progress is told after each."""
MAX_PROLOG_BYTES = 4 * 1024 * 1024
"""Apple's DTD is a few KiB: a file whose root has not begun by then is not an export."""
MAX_TAG_BYTES = 16 * 1024 * 1024
"""No tag (nor text between tags) of an export is this long; memory stays bounded."""
MAX_SLEEP_RECORDS = 3_000_000
"""Decades of several recorders stay well under this (about 70 MB kept)."""

_ATTRIBUTE = rb"[A-Za-z_:][\w:.-]*\s*=\s*(?:\"[^\"]*\"|'[^']*')"
_RECORD_TAG = re.compile(rb"<Record((?:\s+" + _ATTRIBUTE + rb")*)\s*/?>")
_ATTRIBUTES = re.compile(rb"([A-Za-z_:][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_END = re.compile(rb"</HealthData\s*>\s*")
_REFERENCE = re.compile(r"&([^&;]*)(;?)")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": '"'}
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)")


@dataclass(frozen=True, slots=True)
class Where:
    """Where an error is: the file, and for a zip the member, named before the line."""

    source: str
    member: str = ""

    def line(self, number: int) -> str:
        """The place of line ``number``, as an error names it."""
        return f"{self.member}, line {number}" if self.member else f"line {number}"

    def refuse(self, line: int | None, message: str) -> NoReturn:
        """Raise an ``InputError`` at ``line`` (``None``: the file or member as a whole)."""
        place = self.line(line) if line is not None else self.member
        raise InputError.single(self.source, place, message)


class Readable(Protocol):
    """A binary stream: the file, or the zip member."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; none at the end."""
        ...


class Scan:
    """One pass over an export's bytes: the prolog checked, the sleep records picked out.

    Lines are not counted as the bytes go by (that alone would take a sixth of the budget):
    a problem notes its byte offset, and the file is read again to name its line.
    """

    def __init__(
        self,
        where: Where,
        total: int,
        progress: Progress | None,
        reopen: Callable[[], AbstractContextManager[Readable]],
        declared: bool = False,
    ) -> None:
        self.where = where
        self.total = total
        self.progress = progress
        self.reopen = reopen
        """Opens the same bytes again, to find the line of a problem."""
        self.declared = declared
        """Whether ``total`` is a zip's declared size, which the bytes may not exceed."""
        self.records = SleepRecords()
        self.skips: list[tuple[int, str]] = []
        """Sleep records left out: their byte offsets and why."""

    def run(self, stream: Readable) -> tuple[SleepRecords, list[Skipped]]:
        """Scan ``stream`` to its end: the sleep records, and those left out with why."""
        prolog = _Prolog(self.where)
        in_prolog = True
        offset = 0  # of `chunk` in the file
        leftover = b""  # a tag the chunk boundary cut, which ends `offset`
        while chunk := stream.read(CHUNK_BYTES):
            if self.declared and offset + len(chunk) > self.total:
                self.where.refuse(None, "holds more bytes than its zip declares: refused")
            if self.progress is not None:
                self.progress(offset + len(chunk), self.total)
            if in_prolog:
                in_prolog = not prolog.feed(chunk)
                if in_prolog and offset > MAX_PROLOG_BYTES:
                    self.where.refuse(1, "no <HealthData> element begins the file")
            # Between a chunk's first "<" and its last, tags are whole ("<" is never inside
            # one): they are scanned where they lie; only the tag cut at a boundary is copied.
            first, last = chunk.find(b"<"), chunk.rfind(b"<")
            if last < 0:
                leftover += chunk
            else:
                if leftover:
                    piece = leftover + chunk[:first]
                    self._records_in(piece, 0, len(piece), offset - len(leftover))
                self._records_in(chunk, first, last, offset)
                leftover = chunk[last:]
            if len(leftover) > MAX_TAG_BYTES:
                self._refuse_at(offset, "a tag too long for an Apple Health export")
            offset += len(chunk)
        if in_prolog:
            self._refuse_at(
                offset, "the file ends before its <HealthData> element: truncated or not an export"
            )
        if not _END.fullmatch(leftover):
            self._refuse_at(
                offset, "the file ends before </HealthData>: it is truncated (export it again)"
            )
        lines = self._lines_at([at for at, _ in self.skips]) if self.skips else {}
        skipped = [
            Skipped(record=f"sleep record at {self.where.line(lines[at])}", reason=reason)
            for at, reason in self.skips
        ]
        return self.records, skipped

    def _records_in(self, buffer: bytes, low: int, high: int, base: int) -> None:
        """Pick the sleep records out of ``buffer[low:high]`` (whole tags; ``base`` its offset)."""
        hit = buffer.find(SLEEP_TYPE, low, high)
        while hit >= 0:
            start = buffer.rfind(b"<", low, hit)
            end = buffer.find(b"<", hit, high)
            end = high if end < 0 else end
            if start >= 0 and buffer.startswith(b"<Record", start):
                self._record(buffer, start, end, base)
            hit = buffer.find(SLEEP_TYPE, end, high)

    def _record(self, buffer: bytes, start: int, end: int, base: int) -> None:
        at = base + start

        def refuse(message: str) -> NoReturn:
            self._refuse_at(at, message)

        tag = _RECORD_TAG.match(buffer, start, end)
        if tag is None:
            if not buffer[start + len(b"<Record") : start + len(b"<Record") + 1].isspace():
                return  # another element whose name begins with Record
            refuse("a <Record> tag that is not well-formed XML")
        fields = _attributes(tag.group(1), refuse)
        if fields.get("type") != _SLEEP_TYPE_TEXT:
            return
        stage = VALUES.get(fields.get("value", ""))
        if stage is None:
            self.skips.append((at, f"unknown sleep value {fields.get('value', '')!r}"))
            return
        begins, ends = _date(fields.get("startDate")), _date(fields.get("endDate"))
        if begins is None or ends is None:
            reason = "no startDate/endDate in the form 2024-01-31 23:05:00 +0100"
            self.skips.append((at, reason))
            return
        if ends[0] < begins[0]:
            self.skips.append((at, "ends before it starts"))
            return
        if len(self.records) >= MAX_SLEEP_RECORDS:
            refuse(f"more than {MAX_SLEEP_RECORDS:,} sleep records: not a real export")
        recorder = fields.get("sourceName") or "unknown recorder"
        self.records.add(begins, ends, stage, recorder)

    def _refuse_at(self, offset: int, message: str) -> NoReturn:
        self.where.refuse(self._lines_at([offset])[offset], message)

    def _lines_at(self, offsets: list[int]) -> dict[int, int]:
        """The line of each byte offset, the bytes read again from the start."""
        wanted = sorted(set(offsets))
        lines: dict[int, int] = {}
        seen = newlines = 0
        with self.reopen() as stream:
            while wanted and (chunk := stream.read(CHUNK_BYTES)):
                while wanted and wanted[0] < seen + len(chunk):
                    lines[wanted[0]] = newlines + chunk.count(b"\n", 0, wanted[0] - seen) + 1
                    wanted.pop(0)
                newlines += chunk.count(b"\n")
                seen += len(chunk)
        lines.update((at, newlines + 1) for at in wanted)  # at the very end
        return lines


class _RootSeen(Exception):
    """The root element began: the prolog is over."""


class _Prolog:
    """Expat over the prolog only, refusing entity declarations and external DTDs."""

    def __init__(self, where: Where) -> None:
        self.where = where
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.XmlDeclHandler = self._declaration
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.UnparsedEntityDeclHandler = self._unparsed_entity
        parser.ExternalEntityRefHandler = self._external_entity
        parser.StartElementHandler = self._root
        self.parser = parser
        self.first = True

    def feed(self, chunk: bytes) -> bool:
        """Parse the next bytes; whether the root element has begun (and all was safe)."""
        if self.first and (chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:4]):
            self._refuse("the file is not UTF-8 (Apple writes UTF-8): not an export")
        self.first = False
        try:
            self.parser.Parse(chunk, False)
        except _RootSeen:
            return True
        except expat.ExpatError as error:
            self.where.refuse(
                error.lineno, f"not well-formed XML ({expat.ErrorString(error.code)})"
            )
        return False

    def _refuse(self, message: str) -> NoReturn:
        self.where.refuse(self.parser.CurrentLineNumber, message)

    def _declaration(self, version: str, encoding: str | None, standalone: int) -> None:
        if encoding and encoding.replace("-", "").lower() not in ("utf8", "usascii", "ascii"):
            self._refuse(f"the file declares encoding {encoding!r}; Apple writes UTF-8")

    def _doctype(
        self, name: str, system_id: str | None, public_id: str | None, has_internal: int
    ) -> None:
        if system_id or public_id:
            self._refuse("the DOCTYPE refers to an external DTD: refused (never fetched)")

    def _entity(self, name: str, *_: object) -> None:
        self._refuse(
            f"the DOCTYPE declares the entity {name!r}: refused (Apple's exports declare "
            "none; entities can expand into gigabytes or read other files)"
        )

    def _unparsed_entity(self, name: str, *_: object) -> None:
        self._entity(name)

    def _external_entity(self, *_: object) -> int:
        self._refuse("the file refers to an external entity: refused (never fetched)")

    def _root(self, name: str, attributes: object) -> None:
        if name != "HealthData":
            self._refuse(f"the root element is <{name}>, not <HealthData>: not an export")
        raise _RootSeen


def _attributes(raw: bytes, refuse: Callable[[str], NoReturn]) -> dict[str, str]:
    """The attributes sleepplan reads, their references resolved as XML would (none expanded)."""
    fields: dict[str, str] = {}
    for name, double_quoted, single_quoted in _ATTRIBUTES.findall(raw):
        if name not in _WANTED:
            continue
        try:
            text = (double_quoted or single_quoted).decode()
        except UnicodeDecodeError:
            refuse("the file is not UTF-8 text here")
        if "\t" in text or "\n" in text or "\r" in text:
            # XML reads a tab or line break inside an attribute as a space
            text = text.replace("\r\n", " ").translate(_BLANKS)
        fields[name.decode()] = _unescape(text, refuse) if "&" in text else text
    return fields


_WANTED = frozenset({b"type", b"sourceName", b"startDate", b"endDate", b"value"})
_SLEEP_TYPE_TEXT = SLEEP_TYPE.decode()
_BLANKS = str.maketrans("\t\n\r", "   ")


def _unescape(text: str, refuse: Callable[[str], NoReturn]) -> str:
    def one(match: re.Match[str]) -> str:
        name, closed = match.group(1), match.group(2)
        if closed and name in _PREDEFINED:
            return _PREDEFINED[name]
        code = None
        if closed and re.fullmatch(r"#[0-9]{1,7}", name):
            code = int(name[1:])
        elif closed and re.fullmatch(r"#x[0-9A-Fa-f]{1,6}", name):
            code = int(name[2:], 16)
        allowed = code is not None and (0x20 <= code <= 0x10FFFF or code in (9, 10, 13))
        if code is not None and allowed and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
        refuse(
            f"the reference &{name}{closed} is not one XML defines: refused "
            "(sleepplan never expands entities)"
        )

    return _REFERENCE.sub(one, text)


def _date(text: str | None) -> Instant | None:
    """Apple's ``2024-01-31 23:05:00 +0100`` as an instant; ``None`` for anything else."""
    match = _DATE.fullmatch(text or "")
    if match is None:
        return None
    year, month, day, hour, minute, second, off_h, off_m = map(
        int, match.group(1, 2, 3, 4, 5, 6, 8, 9)
    )
    offset = (off_h * 60 + off_m) * (-1 if match.group(7) == "-" else 1)
    if abs(offset) >= 24 * 60 or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        days = dt.date(year, month, day).toordinal() - _EPOCH_DAY
    except ValueError:
        return None
    seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset * 60
    try:  # the instant must exist on the calendar, whatever the offset
        instant_at(seconds, offset)
    except (ValueError, OverflowError, OSError):
        return None
    return float(seconds), offset


_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
