"""Apple Health: the sleep records of ``export.xml``, or of ``export.zip`` without extracting it.

An export of a few years is gigabytes, almost none of it sleep, so the file is never parsed
element by element. Its prolog (everything before ``<HealthData``) goes through expat with
handlers that refuse any entity declaration and any external DTD — nothing is ever expanded —
and the rest is scanned as bytes for ``HKCategoryTypeIdentifierSleepAnalysis``: only the start
tags of those ``Record`` elements are parsed (their attributes by a strict pattern, their
references limited to XML's five predefined entities and character references). A file that
does not end with ``</HealthData>`` is truncated and refused. What is kept per sleep record is a
few numbers in arrays, so memory stays small however large the file.

A zip is recognised by its first member's name (``apple_health_export/…``, in the first local
header, which ``sniff`` sees); ``read`` then opens its central directory and streams
``apple_health_export/export.xml`` from it. Members with an absolute path or ``..`` are refused
(nothing is extracted, but such a zip is not Apple's), and so is a zip bomb: a member declaring
more than ``MAX_UNCOMPRESSED_BYTES`` or a compression ratio above ``MAX_RATIO``; the bytes
decompressed are counted against the declared size as they come.

The records found become nights and naps in ``apple_health_nights`` (one recorder a night,
never a sum), and are kept meanwhile as a few numbers each (``apple_health_records``).

What the byte scan does not do, since Apple never writes it: it does not apply ``ATTLIST``
default values, and it would read a sleep ``Record`` written inside a comment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol
from xml.parsers import expat

from sleepplan.core.errors import InputError
from sleepplan.core.objective import (
    ObjectiveNight,
    Skipped,
)
from sleepplan.store.trackers.apple_health_nights import nights
from sleepplan.store.trackers.apple_health_records import SOURCE as SOURCE
from sleepplan.store.trackers.apple_health_records import (
    VALUES,
    Instant,
    SleepRecords,
    instant_at,
)
from sleepplan.store.trackers.common import Progress

EXPORT_MEMBER = "apple_health_export/export.xml"
"""Where Apple's ``export.zip`` holds the export."""
SLEEP_TYPE = b"HKCategoryTypeIdentifierSleepAnalysis"
CHUNK_BYTES = 1024 * 1024
"""Read at a time; progress is told after each."""
MAX_PROLOG_BYTES = 4 * 1024 * 1024
"""Apple's DTD is a few KiB: a file whose root has not begun by then is not an export."""
MAX_TAG_BYTES = 16 * 1024 * 1024
"""No tag (nor text between tags) of an export is this long; memory stays bounded."""
MAX_UNCOMPRESSED_BYTES = 8 * 1024**3
"""A decade of Watch data is a few GiB; a member declaring more is a zip bomb."""
MAX_RATIO = 200
"""Apple's XML compresses about 20:1; a member claiming more than this is a zip bomb."""
RATIO_FLOOR_BYTES = 16 * 1024 * 1024
"""Below this, a high ratio is harmless (a small file of blanks) and not checked."""
MAX_SLEEP_RECORDS = 3_000_000
"""Decades of several recorders stay well under this (about 70 MB kept)."""
MAX_RECORDS_PER_NIGHT = 5000
"""A Watch writes under a hundred records a night; more is not a night (and would be slow)."""


ZIP_MAGIC = b"PK\x03\x04"
_ATTRIBUTE = rb"[A-Za-z_:][\w:.-]*\s*=\s*(?:\"[^\"]*\"|'[^']*')"
_RECORD_TAG = re.compile(rb"<Record((?:\s+" + _ATTRIBUTE + rb")*)\s*/?>")
_ATTRIBUTES = re.compile(rb"([A-Za-z_:][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_END = re.compile(rb"</HealthData\s*>\s*")
_REFERENCE = re.compile(r"&([^&;]*)(;?)")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": '"'}
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)")


def sniff(head: bytes) -> bool:
    """Whether ``head`` begins an Apple Health ``export.xml`` or ``export.zip``.

    A zip is told by its first member's name, in the first local header; whether it holds
    ``export.xml`` is only known from its central directory, at the end, which ``read`` opens.
    """
    if head.startswith(ZIP_MAGIC):
        return b"apple_health_export/" in head
    return b"<HealthData" in head or b"<!DOCTYPE HealthData" in head


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and nap of an Apple Health export, and every record left out (see above)."""
    records, skipped = _sleep_records(path, progress)
    yield from skipped
    yield from nights(records, zone, priority, MAX_RECORDS_PER_NIGHT)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where an error is: the file, and for a zip the member, named before the line."""

    source: str
    member: str = ""

    def line(self, number: int) -> str:
        return f"{self.member}, line {number}" if self.member else f"line {number}"

    def refuse(self, line: int | None, message: str) -> NoReturn:
        place = self.line(line) if line is not None else self.member
        raise InputError.single(self.source, place, message)


def _sleep_records(path: Path, progress: Progress | None) -> tuple[SleepRecords, list[Skipped]]:
    """The sleep records of an export.xml, or of the export.xml inside an export.zip."""
    with path.open("rb") as handle:
        if handle.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
            handle.seek(0)
            total = os.fstat(handle.fileno()).st_size
            scan = _Scan(_Where(str(path)), total, progress, reopen=lambda: path.open("rb"))
            return scan.run(handle)
    where = _Where(str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            info = _export_member(archive, where)
            where = _Where(str(path), info.filename)
            scan = _Scan(
                where, info.file_size, progress, reopen=lambda: archive.open(info), declared=True
            )
            with archive.open(info) as member:
                return scan.run(member)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as error:
        where.refuse(
            None,
            f"cannot be read as a zip ({error}); it may be truncated: export it again",
        )


def _export_member(archive: zipfile.ZipFile, where: _Where) -> zipfile.ZipInfo:
    """The zip's ``export.xml``, once every member's name and the export's sizes are sane."""
    found: zipfile.ZipInfo | None = None
    for info in archive.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"[A-Za-z]:", name):
            where.refuse(
                None,
                f"the zip has a member named {name!r}, outside its own folder: "
                "not an Apple Health export (refused, nothing read)",
            )
        if name == EXPORT_MEMBER or (found is None and parts[-1] == "export.xml"):
            found = info
    if found is None:
        where.refuse(None, f"the zip holds no {EXPORT_MEMBER}: not an Apple Health export")
    size, packed = found.file_size, found.compress_size
    too_dense = size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(packed, 1)
    if size > MAX_UNCOMPRESSED_BYTES or too_dense:
        _Where(where.source, found.filename).refuse(
            None,
            f"declares {size:,} bytes from {packed:,} compressed: a zip bomb, refused "
            f"(limits: {MAX_UNCOMPRESSED_BYTES // 1024**3} GiB, {MAX_RATIO}:1)",
        )
    return found


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Scan:
    """One pass over an export's bytes: the prolog checked, the sleep records picked out.

    Lines are not counted as the bytes go by (that alone would take a sixth of the budget):
    a problem notes its byte offset, and the file is read again to name its line.
    """

    def __init__(
        self,
        where: _Where,
        total: int,
        progress: Progress | None,
        reopen: Callable[[], AbstractContextManager[_Readable]],
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

    def run(self, stream: _Readable) -> tuple[SleepRecords, list[Skipped]]:
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

    def __init__(self, where: _Where) -> None:
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
