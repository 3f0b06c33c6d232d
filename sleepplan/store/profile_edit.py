"""Edit a profile file in place: rewrite only what changed, keep everything else as written.

A user's profile is often written by hand, with comments, blank lines, ``[[routines]]`` tables
and numbers such as ``4``. Saving compares the data the file held with the data being saved and
applies only the differences to the file's own TOML document (tomlkit keeps everything it is not
asked to change). Lists are matched item by item (``difflib``), so adding, removing or changing
one dose touches only that dose's lines. Whatever this misses, the caller's read-back check
catches (``profiles.save_profile``).
"""

from __future__ import annotations

import datetime as dt
import json
from difflib import SequenceMatcher
from typing import Any, TypeGuard

import tomlkit
from tomlkit.container import Container
from tomlkit.items import (
    AoT,
    Array,
    Comment,
    Date,
    DateTime,
    InlineTable,
    Integer,
    Item,
    Null,
    StringType,
    Table,
    Time,
    Whitespace,
)
from tomlkit.items import String as TomlString

TomlTable = Container | Table | InlineTable
"""A TOML table of any kind: the document itself, a ``[table]`` or an inline ``{...}``."""

_IDENTITY_KEYS = ("name", "id", "compound", "code")
"""Fields that say which item of a list is which (routines by name, compounds by id, ...)."""


def edit_document(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    """``text`` (a TOML document holding ``old``) changed so that it holds ``new``.

    ``old`` and ``new`` are normalised data (``profile_to_data``): the comparison is between
    values, so ``4`` in the file and ``4.0`` in the data are the same and the ``4`` stays.
    """
    document = tomlkit.parse(text)
    _edit_table(document, old, new)
    return document.as_string()


def _edit_table(table: TomlTable, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Change the keys of ``table`` whose values differ between ``old`` and ``new``."""
    for key in old:
        if key not in new and key in table:
            _delete_key(table, key)
    inline = isinstance(table, InlineTable)
    for key, value in new.items():
        before = old.get(key)
        if key in old and before == value:
            continue  # unchanged: not touched, however it is written
        if key not in table:
            preceding = [k for k in list(new)[: list(new).index(key)] if k in table]
            _add_key(table, key, _new_item(value, inline), preceding)
            continue
        current = _item_of(table, key)
        written = current.as_string()
        if isinstance(value, dict) and isinstance(before, dict) and _is_table(current):
            _edit_table(current, before, value)
        elif isinstance(value, list) and not value and isinstance(current, AoT):
            _delete_key(table, key)  # no tables left: no key (an empty list reads the same)
            continue
        elif isinstance(value, list) and isinstance(before, list) and _is_list(current):
            _edit_list(current, before, value)
        else:
            replacement = _replacement(current, value, inline)
            replacement.trivia.comment_ws = current.trivia.comment_ws
            table[key] = current = replacement
        _keep_comment_column(current, written)


def _item_of(table: TomlTable, key: str) -> Any:
    """The item under ``key``; ``table[key]`` gives a boolean as a bare ``bool``, not its item."""
    container = table if isinstance(table, Container) else table.value
    return container.item(key)


def _delete_key(table: TomlTable, key: str) -> None:
    """Remove a key; a removed ``[table]`` takes the comments above its header with it."""
    removed = _last_table(table[key])
    container = table if isinstance(table, Container) else table.value
    keyed = [(k.key, item) for k, item in container.body if k is not None]
    names = [name for name, _ in keyed]
    previous = _last_table(keyed[names.index(key) - 1][1]) if names.index(key) else None
    if removed is not None and previous is not None:
        following = _pop_gap(removed)
        _pop_gap(previous)  # it spoke about the removed table
        _push_gap(previous, following)
    del table[key]


def _last_table(item: Item) -> Table | None:
    """The table whose end is the end of ``item`` (the last of an array of tables)."""
    if isinstance(item, AoT):
        return item[-1] if len(item) else None
    if isinstance(item, Table) and not item.is_super_table():
        return item
    return None


def _keep_comment_column(item: Item, written: str) -> None:
    """Keep the comment after a one-line value in its column (it was after ``written``)."""
    text = item.as_string()
    if item.trivia.comment and "\n" not in written + text:
        room = len(item.trivia.comment_ws) + len(written) - len(text)
        item.trivia.comment_ws = " " * max(1, room)


def _add_key(table: TomlTable, key: str, item: Item, preceding: list[str]) -> None:
    """Add a key after the one it follows in the data (``timezone`` after ``name``).

    ``preceding`` holds the keys before it in the data that the table has. A table, or a key
    with nothing to follow, goes where tomlkit puts new keys: after the table's other keys.
    """
    if isinstance(table, InlineTable) or isinstance(item, Table | AoT) or not preceding:
        table[key] = item
        return
    container = table if isinstance(table, Container) else table.value
    body = container.body
    index = next(i for i, (k, _) in enumerate(body) if k is not None and k.key == preceding[-1])
    if index + 1 >= len(body) or isinstance(body[index][1], Table | AoT):
        table[key] = item
    else:
        container._insert_at(index + 1, key, item)


def _is_table(item: object) -> TypeGuard[Table | InlineTable]:
    return isinstance(item, Table | InlineTable)


def _is_list(item: object) -> TypeGuard[AoT | Array]:
    return isinstance(item, AoT | Array)


def _edit_list(items: AoT | Array, old: list[Any], new: list[Any]) -> None:
    """Change a list item by item: kept items stay as written, changed ones are edited."""
    position = 0
    for was, becomes in _align(old, new):
        if was is not None and becomes is not None:
            if old[was] != new[becomes]:
                _edit_element(items, position, old[was], new[becomes])
            position += 1
        elif was is not None:
            _remove(items, position)
        elif becomes is not None:
            _insert(items, position, new[becomes])
            position += 1


def _edit_element(items: AoT | Array, position: int, old: Any, new: Any) -> None:
    current = items[position]
    if isinstance(old, dict) and isinstance(new, dict) and _is_table(current):
        _edit_table(current, old, new)
    elif isinstance(old, list) and isinstance(new, list) and _is_list(current):
        _edit_list(current, old, new)
    elif isinstance(items, Array):
        items[position] = _replacement(current, new, inline=True)
    else:  # an array of tables holding something that is not a table: rewrite the item
        del items[position]
        _insert(items, position, new)


def _align(old: list[Any], new: list[Any]) -> list[tuple[int | None, int | None]]:
    """Pairs ``(old index, new index)`` in order; ``None`` on one side is a removal or addition.

    Items equal in full are matched first; among the rest, items with the same identity (a
    routine's name, a dose's compound) are paired and edited, then the rest by position.
    """
    pairs: list[tuple[int | None, int | None]] = []
    whole = SequenceMatcher(None, _keys(old, _whole), _keys(new, _whole), autojunk=False)
    for tag, i1, i2, j1, j2 in whole.get_opcodes():
        if tag == "equal":
            pairs += zip(range(i1, i2), range(j1, j2), strict=True)
        else:
            for was, becomes in _align_changed(old[i1:i2], new[j1:j2]):
                pairs.append(
                    (None if was is None else i1 + was, None if becomes is None else j1 + becomes)
                )
    return pairs


def _align_changed(old: list[Any], new: list[Any]) -> list[tuple[int | None, int | None]]:
    """Pair changed items by identity, then by position; the rest are removed or added."""
    pairs: list[tuple[int | None, int | None]] = []
    same = SequenceMatcher(None, _keys(old, _identity), _keys(new, _identity), autojunk=False)
    for _kind, i1, i2, j1, j2 in same.get_opcodes():  # every kind pairs what it can
        paired = min(i2 - i1, j2 - j1)
        pairs += zip(range(i1, i1 + paired), range(j1, j1 + paired), strict=True)
        pairs += [(i, None) for i in range(i1 + paired, i2)]
        pairs += [(None, j) for j in range(j1 + paired, j2)]
    return pairs


def _keys(values: list[Any], key: Any) -> list[str]:
    return [key(value) for value in values]


def _whole(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _identity(value: Any) -> str:
    if isinstance(value, dict):
        for field in _IDENTITY_KEYS:
            if field in value:
                return f"{field}={value[field]!r}"
        return "table"
    return _whole(value)


# -- adding and removing list items, with the comments around them ----------------------------


def _remove(items: AoT | Array, position: int) -> None:
    """Remove an item; in an array of tables, what the file says about the next item stays.

    The blank lines and comments after a table's last key sit, in tomlkit, at the end of that
    table, though they belong to the table header that follows: they move to the item before.
    """
    if isinstance(items, Array):
        del items[position]
        return
    removed = items[position]
    following = _pop_gap(removed)
    del items[position]
    if position > 0:
        before = items[position - 1]
        _pop_gap(before)  # it spoke about the removed table
        _push_gap(before, following)
    elif position < len(items) and any(isinstance(item, Comment) for item in following):
        # nothing before it in this list: keep the comments above the next table's header
        after = items[position]
        text = "".join(item.as_string() for item in following).lstrip("\n")
        after.trivia.indent = text + after.trivia.indent


def _insert(items: AoT | Array, position: int, value: Any) -> None:
    """Add an item at ``position``, written like its neighbours."""
    if isinstance(items, Array):
        items.insert(position, _new_item(value, inline=True))
        return
    table = _new_table_like(value, items.body[position - 1 if position else 0 : position + 1])
    if position > 0:
        before = items[position - 1]
        gap = _pop_gap(before)
        if _separated_by_blank_lines(items, gap):
            table.trivia.indent = "\n"
        items.insert(position, table)
        _push_gap(table, gap)  # what came after the table before now comes after this one
    else:
        items.insert(position, table)
        if len(items) > 1 and _separated_by_blank_lines(items, []):
            _push_gap(table, [Whitespace("\n")])


def _new_table_like(value: Any, neighbours: list[Table]) -> Table:
    """A new table for a list, its values written inline where its neighbours' are."""
    if not isinstance(value, dict):
        raise TypeError("an array of tables can only hold tables")
    table = tomlkit.table()
    for key, child in value.items():
        inline = any(isinstance(n.get(key), Array | InlineTable) for n in neighbours)
        table[key] = _new_item(child, inline)
    return table


def _separated_by_blank_lines(items: AoT, gap: list[Item]) -> bool:
    """Whether a new table should start with a blank line, as the list's tables do."""
    if gap:
        return isinstance(gap[0], Whitespace)
    gaps = [_gap(table) for table in items.body[:-1]]
    return not gaps or any(gap and isinstance(gap[0], Whitespace) for gap in gaps)


def _tail(table: Table) -> Container:
    """The container the text at the end of ``table`` belongs to (its last nested table)."""
    container = table.value
    while True:
        last = _last_value(container)
        if isinstance(last, AoT) and len(last):
            container = last[-1].value
        elif isinstance(last, Table) and not last.is_super_table():
            container = last.value
        else:
            return container


def _last_value(container: Container) -> Item | None:
    for key, item in reversed(container.body):
        if key is not None:
            return item
    return None


def _gap(table: Table) -> list[Item]:
    """The blank lines and comments at the end of a table (after its last key)."""
    body = _tail(table).body
    index = len(body)
    while index and body[index - 1][0] is None:
        index -= 1
    return [item for _, item in body[index:] if not isinstance(item, Null)]


def _pop_gap(table: Table) -> list[Item]:
    """Take the blank lines and comments off the end of a table, and return them."""
    body = _tail(table).body
    taken: list[Item] = []
    while body and body[-1][0] is None:
        item = body.pop()[1]
        if not isinstance(item, Null):
            taken.insert(0, item)
    return taken


def _push_gap(table: Table, gap: list[Item]) -> None:
    body = _tail(table).body
    body.extend((None, item) for item in gap)


# -- new values -------------------------------------------------------------------------------


def _new_item(value: Any, inline: bool) -> Item:
    """A TOML item for new data: ``[[tables]]`` outside inline tables, ints written as ints."""
    if isinstance(value, dict):
        table: Table | InlineTable = tomlkit.inline_table() if inline else tomlkit.table()
        for key, child in value.items():
            table[key] = _new_item(child, inline)
        if isinstance(table, InlineTable) and value:  # `{ a = 1 }`, as people write it
            body = table.value.body
            body[0][1].trivia.indent = " "
            body[-1][1].trivia.trail = " "
        return table
    if isinstance(value, list):
        if value and not inline and all(isinstance(child, dict) for child in value):
            tables = tomlkit.aot()
            for index, child in enumerate(value):
                entry = _new_item(child, inline=False)
                if index:
                    entry.trivia.indent = "\n"  # a blank line between tables, as people write
                tables.append(entry)
            return tables
        array = tomlkit.array()
        for child in value:
            array.append(_new_item(child, inline=True))
        return array
    return _item(_plain_number(value))


def _item(value: Any) -> Item:
    item: Item = tomlkit.item(value)
    return item


def _plain_number(value: Any) -> Any:
    """A whole float as an int (``4``, as people write it); everything else as it is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _replacement(current: Item, value: Any, inline: bool) -> Item:
    """The item replacing ``current`` with ``value``, written the way ``current`` was."""
    if isinstance(value, dict | list):
        return _new_item(value, inline or isinstance(current, InlineTable | Array))
    if isinstance(value, float) and not isinstance(current, Integer):
        return _item(value)  # a float stays a float: 2.0 is not turned into 2
    if isinstance(value, str):
        return _string_like(current, value)
    return _item(_plain_number(value))


def _string_like(current: Item, value: str) -> Item:
    """A text value written as ``current`` was: a TOML time, date or date-time, or a literal."""
    try:
        if isinstance(current, Time):
            return _item(dt.time.fromisoformat(value))
        if isinstance(current, Date):
            return _item(dt.date.fromisoformat(value))
        if isinstance(current, DateTime):
            return _item(dt.datetime.fromisoformat(value))
    except ValueError:
        pass
    literal = isinstance(current, TomlString) and current.type is StringType.SLL
    if literal and all(ch.isprintable() and ch != "'" for ch in value):
        return tomlkit.string(value, literal=True)
    return _item(value)
