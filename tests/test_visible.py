"""The one sanitiser: nothing a terminal acts on, and nothing invisible, survives it."""

from __future__ import annotations

import json
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from sleepplan.core.visible import json_escaped, visible, visible_lines

# The characters the Unicode standard lists as bidi controls (Bidi_Control=Yes).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
KEPT_FORMAT = {"\u200c", "\u200d"}  # zero-width (non-)joiners: emoji and several scripts


def _must_be_shown(char: str) -> bool:
    category = unicodedata.category(char)
    if char in KEPT_FORMAT:
        return False
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp") or char in BIDI_CONTROLS


def test_every_control_format_and_bidi_character_in_unicode_is_shown() -> None:
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if _must_be_shown(chr(code)) and visible(chr(code)) == chr(code)
    ]
    assert missed == []


def test_escape_sequences_become_pictures_and_bidi_becomes_escapes() -> None:
    hostile = "Chamomile tea\x1b]8;;\x07\u202eevil\r\n\t\x7f\x9b"
    shown = visible(hostile)
    assert shown == "Chamomile tea␛]8;;␇\\u202eevil␍␊␉␡\\u009b"
    assert all(ch.isprintable() for ch in shown)


def test_ordinary_text_passes_unchanged() -> None:
    for text in ("Magnesium glycinate", "5-HTP 50 mg · µg", "美容 👨\u200d👩\u200d👧", "ẞ ß é"):
        assert visible(text) == text
        assert visible_lines(text) == text


def test_visible_lines_keeps_only_line_breaks() -> None:
    assert visible_lines("a\x1b[2J\nb\u202e") == "a␛[2J\nb\\u202e"


@given(st.text())
def test_the_result_never_holds_a_hidden_character(text: str) -> None:
    shown = visible(text)
    assert not any(_must_be_shown(ch) for ch in shown), shown
    shown.encode("utf-8")  # a lone surrogate would raise here


@given(st.text())
def test_json_escaping_keeps_the_value_and_hides_nothing(text: str) -> None:
    document = json_escaped(json.dumps({"name": text}, ensure_ascii=False))
    assert json.loads(document) == {"name": text}
    assert not any(_must_be_shown(ch) for ch in document)


@given(st.text())
def test_indented_json_keeps_its_layout_and_its_value(text: str) -> None:
    document = json_escaped(json.dumps({"name": text, "list": [1]}, indent=2, ensure_ascii=False))
    assert json.loads(document) == {"name": text, "list": [1]}
    assert document.count("\n") == 5
