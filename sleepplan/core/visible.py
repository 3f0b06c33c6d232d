r"""User text made harmless to show: the one sanitiser every name, note and file name passes.

Profiles are shared, so every string in them (and in imports, and every file name) is hostile
until proven otherwise. A terminal acts on control characters: an escape sequence in a
compound's name can change the window title, clear the screen, write the clipboard, open a
hyperlink or swallow everything printed after it — a DANGER warning included. Bidi controls
reorder what is shown, zero-width characters hide it. ``visible`` shows every such character
as what it is, so the text can neither act nor hide:

- C0 controls as their Unicode control pictures (ESC is ``␛``, a newline ``␊``), DEL as ``␡``;
- C1 controls, bidi and other invisible format controls, line and paragraph separators and
  lone surrogates as ``\u202e``-style escapes.

Zero-width joiners (which emoji and several scripts need) and ordinary text pass unchanged.
"""

from __future__ import annotations

import re

# Every character that a terminal may act on or that shows nothing (tests/test_visible.py
# checks this class against unicodedata over all of Unicode): C0, DEL and C1 controls; the
# format characters (general category Cf) except the zero-width (non-)joiners U+200C and U+200D;
# line and paragraph separators; surrogates (a lone one cannot even be encoded to print).
_HIDDEN = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)
_HIDDEN_EXCEPT_NEWLINE = re.compile(_HIDDEN.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))
# In JSON text a raw C0 character can only be whitespace between tokens (indentation):
# ``json.dumps`` writes those inside strings as escapes itself.
_HIDDEN_IN_JSON = re.compile(_HIDDEN.pattern.replace("\x00-\x1f", ""))


def _show(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: ESC is ␛, a newline ␊, a tab ␉
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """One line of user text as it may be shown: every control and hidden character visible."""
    return text if _HIDDEN.search(text) is None else _HIDDEN.sub(_show, text)


def visible_lines(text: str) -> str:
    """Several lines of text as ``visible`` shows each one: only the line breaks stay."""
    if _HIDDEN_EXCEPT_NEWLINE.search(text) is None:
        return text
    return _HIDDEN_EXCEPT_NEWLINE.sub(_show, text)


def json_escaped(document: str) -> str:
    r"""JSON text with every hidden character written as a ``\u`` escape (the same JSON value).

    ``json.dumps`` escapes C0 controls inside strings itself (a raw newline or tab is layout,
    and stays) but, with ``ensure_ascii=False``, writes C1 and bidi controls raw, and a lone
    surrogate cannot be printed at all.
    """
    if _HIDDEN_IN_JSON.search(document) is None:
        return document
    return _HIDDEN_IN_JSON.sub(_json_escape, document)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
