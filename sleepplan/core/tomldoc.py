"""Parse TOML text into data, turning every way it can fail into an ``InputError``."""

from __future__ import annotations

import re
import sys
from typing import Any

from sleepplan.core.errors import InputError, from_toml_error


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse a TOML document; syntax errors name the line and column."""
    import tomllib  # only files being validated are parsed: a start from the cache needs none

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise from_toml_error(source, error) from None
    except ValueError:
        # tomllib lets Python's own refusal of a number with too many digits through as is
        raise _too_many_digits(text, source) from None
    except RecursionError:
        # tomllib recurses once per nested array or inline table
        raise InputError.single(
            source, "", "arrays or tables are nested too deeply to be a sleepplan file"
        ) from None
    if "0x" in text or "0o" in text or "0b" in text:
        _refuse_huge_based_numbers(text, source)
    return data


# A number where a value starts (after "=", "[", "," or "{"), not digits inside a string.
_NUMBER = re.compile(r"(?:^|[=\[,{])\s*[+-]?([0-9][0-9_]*)", re.MULTILINE)


def _too_many_digits(text: str, source: str, start: int | None = None) -> InputError:
    """Name the number at ``start`` (else the first one) longer than Python reads in decimal."""
    limit = sys.get_int_max_str_digits()
    if start is None:
        for match in _NUMBER.finditer(text):
            number = match.group(1)
            if len(number) - number.count("_") > limit:
                start = match.start(1)
                break
    place = ""
    if start is not None:
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        place = f"line {line}, column {column}"
    return InputError.single(source, place, f"a number with more than {limit} digits")


# Hexadecimal, octal and binary numbers, which Python reads at any length.
_BASED_NUMBER = re.compile(r"(?:^|[=\[,{])\s*[+-]?(0[xob][0-9a-fA-F_]+)", re.MULTILINE)


def _refuse_huge_based_numbers(text: str, source: str) -> None:
    """Refuse a ``0x``/``0o``/``0b`` number too long to write in decimal (4300 digits).

    Python reads those at any length, but could then never show one in a message or an export.
    """
    limit = sys.get_int_max_str_digits()
    for match in _BASED_NUMBER.finditer(text):
        if limit and abs(int(match.group(1), 0)) >= 10**limit:
            raise _too_many_digits(text, source, match.start(1))


def toml_ready(value: Any) -> Any:
    """The same data without ``None`` anywhere (TOML has no null: a missing key means none)."""
    if isinstance(value, dict):
        return {k: toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [toml_ready(v) for v in value]
    return value
