"""User text for the screen: literal, never markup, with every control character visible.

Names, notes and file names come from shared profiles and imports. Textual reads a plain
``str`` as markup in most places (table cells, toasts, labels, command palette hits), where
``[@click=app.quit]`` becomes a link that quits and an unbalanced ``[/]`` raises; and neither
Textual nor Rich removes an escape character, which the terminal would act on. ``plain``
makes a ``Content`` (never parsed) of the text ``core.visible`` shows; ``cell`` the same as a
Rich ``Text``, for a ``DataTable``, which sizes its columns by measuring Text but not Content.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from sleepplan.core.visible import visible, visible_lines


def plain(text: str, style: str = "") -> Content:
    """One line of user text as literal content, every control character made visible."""
    return Content.styled(visible(text), style) if style else Content(visible(text))


def cell(text: str) -> Text:
    """One line of user text for a table cell: literal, every control character visible."""
    return Text(visible(text))


def plain_lines(text: str) -> Content:
    """Several lines of text as ``plain`` shows each one: only the line breaks stay."""
    return Content(visible_lines(text))
