"""The app's own error type for bad input: one message that names the file and the place."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sleepplan.core.visible import visible, visible_lines

if TYPE_CHECKING:
    from pydantic import ValidationError

_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_EOF = re.compile(r"\s*\(at end of document\)\s*$")


class InputError(Exception):
    """A user's input that sleepplan refuses: a file, a flag or a value.

    Attributes:
        source: The file path or flag the input came from (``profiles/x.toml``, ``--bedtime``).
        problems: One ``(place, message)`` pair per problem; ``place`` is a line and column or a
            field path such as ``routines[0].doses[1].amount_mg``, or ``""`` when the whole input
            is wrong.
    """

    def __init__(self, source: str, problems: Sequence[tuple[str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.render())

    @classmethod
    def single(cls, source: str, place: str, message: str) -> InputError:
        """An error with a single problem."""
        return cls(source, [(place, message)])

    def render(self) -> str:
        """One line per problem, each naming the source and the place, safe to show.

        The source, place and message may hold a user's file name or value: each passes
        ``visible``, so no control character in them reaches a terminal.
        """
        lines = []
        source = visible(self.source)
        for place, message in self.problems:
            where = f"{source}: {visible(place)}" if place else source
            lines.append(f"{where}: {visible_lines(message)}")
        return "\n".join(lines)


def field_path(loc: Sequence[str | int]) -> str:
    """Format a pydantic error location as ``routines[0].doses[1].amount_mg``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def from_validation_error(source: str, error: ValidationError, prefix: str = "") -> InputError:
    """Turn a pydantic ``ValidationError`` into an ``InputError`` with field paths."""
    problems = []
    for item in error.errors(include_url=False):
        loc = [part for part in item["loc"] if not _is_tag(part)]
        place = field_path([prefix, *loc] if prefix else loc) or "the top level"
        message = _plain_message(item)
        problems.append((place, message))
    return InputError(source, problems)


def from_toml_error(source: str, error: Exception) -> InputError:
    """Turn a ``tomllib.TOMLDecodeError`` into an ``InputError`` naming line and column."""
    text = str(error)
    lineno = getattr(error, "lineno", None)
    colno = getattr(error, "colno", None)
    match = _TOML_PLACE.search(text)
    if match:
        lineno, colno = int(match.group(1)), int(match.group(2))
        text = text[: match.start()]
    elif _TOML_EOF.search(text):
        text = _TOML_EOF.sub("", text)
        return InputError.single(source, "end of file", f"TOML syntax error: {text}")
    place = f"line {lineno}, column {colno}" if lineno else ""
    return InputError.single(source, place, f"TOML syntax error: {text}")


def from_decode_error(source: str, data: bytes, error: UnicodeDecodeError) -> InputError:
    """Name the line and column of the first byte that is not UTF-8."""
    before = data[: error.start]
    line = before.count(b"\n") + 1
    column = error.start - (before.rfind(b"\n") + 1) + 1
    return InputError.single(source, f"line {line}, column {column}", "the file is not UTF-8 text")


def _is_tag(part: str | int) -> bool:
    # pydantic adds the type of a failed union/function branch to the location; users don't care
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def _plain_message(item: object) -> str:
    detail = dict(item)  # type: ignore[call-overload]
    kind = detail.get("type", "")
    msg = str(detail.get("msg", "invalid value"))
    # records are dataclasses, whose keys pydantic reports as arguments
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown key (not part of the format; check the spelling)"
    if kind in ("missing", "missing_argument"):
        return "required key is missing"
    msg = msg.removeprefix("Value error, ")
    value = detail.get("input")
    if "input" in detail and not isinstance(value, dict | list):
        try:
            shown = repr(value)
        except ValueError:  # an integer past Python's 4,300 digits cannot be written out
            shown = "a number of thousands of digits"
        if len(shown) <= 40:
            msg = f"{msg} (got {shown})"
    return msg
