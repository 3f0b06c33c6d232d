"""Parse TOML text into data, turning every way it can fail into an ``InputError``."""

from __future__ import annotations

from typing import Any

from sleepplan.core.errors import InputError, from_toml_error


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse a TOML document; syntax errors name the line and column."""
    import tomllib  # only files being validated are parsed: a start from the cache needs none

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise from_toml_error(source, error) from None
    except RecursionError:
        # tomllib recurses once per nested array or inline table
        raise InputError.single(
            source, "", "arrays or tables are nested too deeply to be a sleepplan file"
        ) from None


def toml_ready(value: Any) -> Any:
    """The same data without ``None`` anywhere (TOML has no null: a missing key means none)."""
    if isinstance(value, dict):
        return {k: toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [toml_ready(v) for v in value]
    return value
