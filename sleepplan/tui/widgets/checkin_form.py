"""The check-in form's questions: composed in answering order, read back, filled in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.widgets import Button, Checkbox, Input, Label

from sleepplan.core import timing
from sleepplan.core.checkin import COMPARISONS, CONFOUNDERS, EFFECTS, CheckinAnswers
from sleepplan.core.errors import from_validation_error
from sleepplan.tui.plain import plain
from sleepplan.tui.screens.checkin_fields import (
    COMPARISON_LABELS,
    COUNT_LABELS,
    GUESS_WORDS,
    KSS_WORDS,
    QUALITY_WORDS,
    TIME_LABELS,
    comparison_words,
)
from sleepplan.tui.widgets.scale import Scale
from sleepplan.tui.widgets.tick import Tick

TEXT_FIELDS = ("in_bed", "tried_sleep", "final_wake", "out_of_bed", "notes")
"""The free-text answers besides the counts (the night is read on its own)."""


def questions() -> ComposeResult:
    """The questions in the order a morning answers them, then the save button."""
    with Horizontal(classes="row"):
        yield Label("Night of", classes="field-label")
        yield Input(
            id="night",
            max_length=10,
            compact=True,
            tooltip="The evening the night began (YYYY-MM-DD)",
        )
    yield Label("Overall sleep quality (CSD-style)", classes="question")
    yield Scale(1, 5, describe=QUALITY_WORDS.__getitem__, id="quality")
    yield Label("Sleepiness right now (KSS)", classes="question")
    yield Scale(1, 9, describe=KSS_WORDS.__getitem__, id="kss")
    yield Label("Compared with a usual night (LSEQ-style, 50 = same)", classes="question")
    for key in COMPARISONS:
        with Horizontal(classes="row"):
            yield Label(COMPARISON_LABELS[key], classes="field-label wide")
            yield Scale(0, 100, 5, describe=comparison_words, value=50, id=key)
    yield Label("Last night (CSD-style diary)", classes="question")
    note = Label(id="tracker-note")  # "From your Oura: …" when prefilled from it
    note.display = False
    yield note
    with Horizontal(classes="row"):
        for key in ("in_bed", "tried_sleep"):
            yield Label(TIME_LABELS[key], classes="field-label")
            yield Input(id=key, max_length=5, compact=True, placeholder="HH:MM")
    with Horizontal(classes="row"):
        for key in ("final_wake", "out_of_bed"):
            yield Label(TIME_LABELS[key], classes="field-label")
            yield Input(id=key, max_length=5, compact=True, placeholder="HH:MM")
    for key, label in COUNT_LABELS.items():
        with Horizontal(classes="row"):
            yield Label(label, classes="field-label wide")
            yield Input(id=key, type="integer", max_length=4, compact=True)
    yield Label("Side effects", classes="question")
    with Horizontal(classes="boxes"):
        for name in EFFECTS:
            yield Tick(name.replace("_", " "), id=f"effect-{name}", compact=True)
    yield Label("Anything unusual last night?", classes="question")
    with Horizontal(classes="boxes"):
        for name in CONFOUNDERS:
            yield Tick(name.replace("_", " "), id=f"confounder-{name}", compact=True)
    day_note = Label(id="day-note")  # "Ticked from your day: …" when it answered
    day_note.display = False
    yield day_note
    yield Label("Taken last night (as planned; untick what you skipped)", classes="question")
    yield Vertical(id="taken")
    yield Label("Notes", classes="question")
    yield Input(id="notes", compact=True, placeholder="anything else")
    # last in the focus order: digits typed for the usual questions never answer it
    yield Label(
        "Which do you think you took last night? (blinded experiment)",
        classes="question",
        id="guess-label",
    )
    yield Scale(1, 3, describe=GUESS_WORDS.__getitem__, id="guess")
    yield Button("Save check-in (ctrl+s)", id="save-checkin", variant="primary")


def read_answers(form: DOMNode, taken: list[dict[str, Any]]) -> CheckinAnswers:
    """The form as check-in answers; ``InputError`` names the key of a bad answer.

    ``taken`` is the ticked doses: the screen keeps which dose each tick stands for.
    """
    data: dict[str, Any] = {"night": form.query_one("#night", Input).value}
    for key in TEXT_FIELDS:
        value = form.query_one(f"#{key}", Input).value.strip()
        if value:
            data[key] = value
    for key in COUNT_LABELS:
        value = form.query_one(f"#{key}", Input).value.strip()
        if value:
            data[key] = value
    for key in ("quality", "kss", *COMPARISONS):
        rating = form.query_one(f"#{key}", Scale).value
        if rating is not None:
            data[key] = rating
    guess = form.query_one("#guess", Scale)
    if guess.display and guess.value in (1, 2):  # "don't know" is no guess
        data["guess"] = GUESS_WORDS[guess.value]
    data["effects"] = [n for n in EFFECTS if form.query_one(f"#effect-{n}", Checkbox).value]
    data["confounders"] = [
        n for n in CONFOUNDERS if form.query_one(f"#confounder-{n}", Checkbox).value
    ]
    data["taken"] = taken
    try:
        return CheckinAnswers.model_validate(data)
    except ValidationError as error:  # reported by field, like a file's
        raise from_validation_error("check-in", error) from None


def set_text(form: DOMNode, widget_id: str, value: str) -> None:
    """Fill in a text field without the message a typed change sends."""
    field = form.query_one(f"#{widget_id}", Input)
    with field.prevent(Input.Changed):
        field.value = value


def fill_answers(form: DOMNode, record: dict[str, Any], zone: str) -> None:
    """Fill the form with a stored check-in's answers (a correction), times in the zone.

    The caller marks the form as being filled in, so no answer counts as the user's.
    """
    for key in ("in_bed", "tried_sleep", "final_wake", "out_of_bed"):
        value = record.get(key)
        try:
            instant = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            instant = None
        set_text(form, key, f"{timing.in_zone(instant, zone):%H:%M}" if instant else "")
    for key in (*COUNT_LABELS, "notes"):
        value = record.get(key)
        set_text(form, key, "" if value is None else str(value))
    for key in ("quality", "kss", *COMPARISONS):
        value = record.get(key)
        form.query_one(f"#{key}", Scale).value = value if isinstance(value, int) else None
    for name in EFFECTS:
        form.query_one(f"#effect-{name}", Checkbox).value = name in (record.get("effects") or [])
    for name in CONFOUNDERS:
        form.query_one(f"#confounder-{name}", Checkbox).value = name in (
            record.get("confounders") or []
        )
    guess = {word: number for number, word in GUESS_WORDS.items()}.get(str(record.get("guess")))
    form.query_one("#guess", Scale).value = guess


def show_note(form: DOMNode, note_id: str, text: str, one_line: bool = False) -> None:
    """Show a note on where answers came from, in the form's width, whatever it is."""
    note = form.query_one(f"#{note_id}", Label)
    note.styles.width = "100%"
    if one_line:
        note.styles.text_wrap = "nowrap"
        note.styles.text_overflow = "ellipsis"
    note.update(plain(text))
    note.display = True
