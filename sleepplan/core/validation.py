"""How data from files becomes domain records: validated by pydantic, rebuilt without it.

The records a plan needs (catalog entries, profiles, interaction rules, experiments) are frozen
standard-library dataclasses declared with ``@file_record``. Their constraints are written as
small markers (``Bounds``, ``Check``, ``Parsed``) that pydantic reads when it builds a validator,
so pydantic is imported only when a file has to be checked, never just to use a record. Data
that was validated before (the home's cache of a profile or the shipped catalog, keyed by the
file's digest) is turned back into records by ``rebuild``, which trusts it and needs no pydantic:
that is what keeps ``sleepplan plan`` and the app's start fast (design §12).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast, dataclass_transform

from sleepplan.core.errors import from_validation_error

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, TypeAdapter
    from pydantic_core import CoreSchema

T = TypeVar("T")
_FORBID_EXTRA = {"extra": "forbid"}


@dataclass_transform(frozen_default=True, kw_only_default=True)
def file_record(cls: type[T]) -> type[T]:
    """A frozen, slotted, keyword-only dataclass whose unknown keys are errors when validated."""
    record = dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)
    record.__pydantic_config__ = _FORBID_EXTRA  # type: ignore[attr-defined]
    return record


class Bounds:
    """Range, length and pattern limits on a number or a string (pydantic's names)."""

    def __init__(self, **limits: float | int | str) -> None:
        self.limits = limits

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return cast("CoreSchema", {**handler(source), **self.limits})


class Check:
    """A check run after the type is validated; it raises ``ValueError`` or returns the value."""

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.check, handler(source))


class Parsed:
    """A value written as text in files: ``parse`` reads it, ``write`` writes it back."""

    def __init__(self, parse: Callable[[Any], Any], write: Callable[[Any], str]) -> None:
        self.parse = parse
        self.write = write

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(
            self.parse,
            handler(source),
            serialization=core_schema.plain_serializer_function_ser_schema(
                self.write, return_schema=core_schema.str_schema()
            ),
        )


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    """Pydantic's validator for a record type, built the first time it is needed."""
    if kind not in _ADAPTERS:
        from pydantic import TypeAdapter

        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def validate(kind: type[T], data: object, source: str, prefix: str = "") -> T:
    """Check data against a record type; every problem is an ``InputError`` naming its place."""
    from pydantic import ValidationError

    try:
        value: T = _adapter(kind).validate_python(data)
    except ValidationError as error:
        raise from_validation_error(source, error, prefix=prefix) from None
    return value


def dump(value: object, exclude: set[str] | None = None) -> Any:
    """A record as plain JSON-ready data (dates and times as text, enums as their values)."""
    return _adapter(type(value)).dump_python(value, mode="json", exclude=exclude)


def rebuild(kind: Any, data: Any) -> Any:
    """Records from data that ``dump`` made from validated records; nothing is checked again."""
    return _converter(kind)(data)


def _same(value: Any) -> Any:
    return value


_CONVERTERS: dict[Any, Callable[[Any], Any]] = {}


def _converter(kind: Any) -> Callable[[Any], Any]:
    """A function turning dumped data of type ``kind`` back into values; made once per type."""
    if kind not in _CONVERTERS:
        _CONVERTERS[kind] = _make_converter(kind)
    return _CONVERTERS[kind]


def _make_converter(kind: Any) -> Callable[[Any], Any]:
    # Values JSON gives back as they were pass through untouched (``_same``), without a call
    # each: rebuilding is most of what reading the cache costs at start-up (design §12).
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        record = kind
        hints = typing.get_type_hints(kind)
        convert = {name: f for name in hints if (f := _converter(hints[name])) is not _same}

        def build(data: Any) -> Any:
            return record(
                **{
                    name: convert[name](value) if name in convert else value
                    for name, value in data.items()
                }
            )

        return build
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _converter(args[0])
        if item is _same:
            return tuple
        return lambda data: tuple(map(item, data))
    if origin is tuple:
        items = [_converter(arg) for arg in args]
        return lambda data: tuple(f(value) for f, value in zip(items, data, strict=True))
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        inner = _converter(options[0]) if len(options) == 1 else _same
        if inner is _same:
            return _same
        return lambda data: None if data is None else inner(data)
    if origin is dict:
        return dict
    if isinstance(kind, type):
        if issubclass(kind, enum.Enum):
            return kind
        if issubclass(kind, dt.datetime):
            return dt.datetime.fromisoformat
        if issubclass(kind, dt.date):
            return dt.date.fromisoformat
        if issubclass(kind, dt.time):
            return dt.time.fromisoformat
        if kind is float:
            return float
    return _same  # str, int, bool, Literal: JSON gives them back as they were
