"""Medications: typed with completion, kept as a list, the ones sleepplan cannot check said so.

The names offered are every drug, brand and class the shipped interaction data knows. A name it
does not know is kept all the same (the user takes it whatever sleepplan knows), marked "not
checked", with a line saying nothing is checked against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sleepplan.core.interactions import (
    MEDICATION_CLASSES,
    InteractionData,
    resolve_medications,
    short_class_label,
)
from sleepplan.core.visible import visible
from sleepplan.tui.plain import plain

MAX_MATCHES = 4
"""Completions shown at once: the list must leave room for the form at 80x24."""

_WORD_START = re.compile(r"[/ ]")


def medication_names(data: InteractionData) -> list[str]:
    """Every medication name the interaction data knows: drugs, brands and classes, sorted."""
    return data.known_names()


def _comparable(name: str) -> str:
    """A name as a query is compared with it: no case, underscores as spaces."""
    return name.casefold().replace("_", " ")


def search(names: Sequence[str], query: str, limit: int = MAX_MATCHES) -> list[str]:
    """Names containing ``query``: those starting with it first, then a word of them, then any.

    Case and underscores do not matter, so "new york" finds "America/New_York" and "z drug"
    finds "z_drug".
    """
    wanted = _comparable(query.strip())
    if not wanted:
        return []
    ranked = []
    for name in names:
        key = _comparable(name)
        if wanted not in key:
            continue
        if key.startswith(wanted):
            rank = 0
        elif any(key[match.end() :].startswith(wanted) for match in _WORD_START.finditer(key)):
            rank = 1
        else:
            rank = 2
        ranked.append((rank, name))
    ranked.sort(key=lambda item: item[0])  # stable: the names' own order within a rank
    return [name for _, name in ranked[:limit]]


class Matches(OptionList):
    """Completions under a text field; the field keeps the focus, up/down move the highlight."""

    can_focus = False

    def show(self, found: Sequence[tuple[str, Content]], highlight_first: bool = False) -> None:
        """Offer these ``(value, shown)`` completions (hidden when there are none)."""
        self.clear_options()
        self.add_options([Option(shown, id=value) for value, shown in found])
        self.highlighted = 0 if found and highlight_first else None
        self.display = bool(found)

    def move(self, step: int) -> None:
        """Highlight the next (1) or previous (-1) completion."""
        if not self.display or not self.option_count:
            raise SkipAction()  # the key goes on to the form, which scrolls
        if self.highlighted is None:
            self.highlighted = 0 if step > 0 else self.option_count - 1
        else:
            self.highlighted = (self.highlighted + step) % self.option_count

    def chosen(self) -> str | None:
        """The highlighted completion's value, if one is highlighted."""
        option = self.highlighted_option if self.display else None
        return option.id if option is not None else None


class MedicationsField(Vertical):
    """Type a medication (generic, brand or class) and Enter adds it; Delete removes one."""

    DEFAULT_CSS = """
    MedicationsField {
        height: auto;
    }
    MedicationsField > Matches, MedicationsField > #med-chosen {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0;
        background: transparent;
    }
    MedicationsField > Matches {
        color: $text-muted;
    }
    MedicationsField > #med-note {
        height: auto;
        color: $warning;
    }
    """

    BINDINGS = [
        Binding("down", "move(1)", "Next match", show=False),
        Binding("up", "move(-1)", "Previous match", show=False),
        Binding(
            "delete,backspace",
            "remove",
            "Remove",
            tooltip="Remove the selected medication",
        ),
    ]

    def __init__(
        self,
        medications: Sequence[str],
        data: InteractionData,
        check: Callable[[str], str | None] | None = None,
        *,
        id: str = "medications",  # noqa: A002 - Textual's own name for it
    ) -> None:
        """A field holding ``medications``.

        Args:
            medications: The names chosen so far.
            data: The interaction data whose names are offered and checked against.
            check: A problem with a typed name (as the profile loader words it), or ``None``.
            id: The widget's id.
        """
        super().__init__(id=id)
        self.data = data
        self.check = check
        self.names = medication_names(data)
        self._chosen = list(medications)
        self._index = data.drug_index()
        self._generics = data.brand_generics()

    @property
    def medications(self) -> tuple[str, ...]:
        """The medications chosen, in the order they were added."""
        return tuple(self._chosen)

    def compose(self) -> ComposeResult:
        """The field, its completions, the list chosen, and a line about unchecked names."""
        yield Input(
            placeholder="a medicine, brand or class (Zoloft, ssri); Enter adds it",
            id="med-input",
            compact=True,
        )
        yield Matches(id="med-matches")
        yield OptionList(id="med-chosen")
        yield Static("", id="med-note")

    def on_mount(self) -> None:
        """Show what is chosen; no completions before anything is typed."""
        self.query_one(Matches).display = False
        self._show_chosen()

    # -- completion -------------------------------------------------------------------------

    def _hint(self, name: str) -> str:
        """What a known name is: a class, or a drug's classes (a brand's generic first)."""
        if name in MEDICATION_CLASSES:
            return "a class"
        key = name.casefold()
        classes = ", ".join(short_class_label(c) for c in sorted(self._index.get(key, ())))
        generic = self._generics.get(key)
        return f"{generic} · {classes}" if generic else classes

    @on(Input.Changed, "#med-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        found = []
        for name in search(self.names, event.value):
            shown = Content.assemble(name, (f"  {self._hint(name)}", "italic"))
            found.append((name, shown))
        # "zolo" is the start of Zoloft: Enter takes the name the data knows; a name that
        # starts none is kept as typed (and shown "not checked")
        typed = _comparable(event.value.strip())
        starts = bool(found) and _comparable(found[0][0]).startswith(typed)
        self.query_one(Matches).show(found, highlight_first=starts)

    def action_move(self, step: int) -> None:
        """Move the completion highlight (only while typing)."""
        if self.screen.focused is not self.query_one("#med-input", Input):
            raise SkipAction()
        self.query_one(Matches).move(step)

    @on(Input.Submitted, "#med-input")
    def _submitted(self, event: Input.Submitted) -> None:
        typed = self.query_one(Matches).chosen() or event.value
        if not typed.strip():
            return  # an empty Enter goes on to the form (next field, or apply)
        event.stop()
        if self.add(typed):
            event.input.value = ""

    # -- the list ---------------------------------------------------------------------------

    def known(self, name: str) -> str | None:
        """The data's own spelling of a name it knows (any case), else ``None``."""
        wanted = _comparable(name)
        return next((known for known in self.names if _comparable(known) == wanted), None)

    def add(self, typed: str) -> bool:
        """Add a medication; ``False`` (and the reason shown) when it is refused."""
        name = typed.strip()
        name = self.known(name) or name
        problem = self._problem(name)
        if problem:
            self._note(problem)
            return False
        if any(name.casefold() == chosen.casefold() for chosen in self._chosen):
            self._note(f"{visible(name)} is in the list already.")
            return False
        self._chosen.append(name)
        self._show_chosen()
        return True

    def _problem(self, name: str) -> str | None:
        if visible(name) != name:
            return "A medication's name cannot hold control characters."
        return self.check(name) if self.check else None

    def action_remove(self) -> None:
        """Remove the medication selected in the list."""
        chosen = self.query_one("#med-chosen", OptionList)
        if self.screen.focused is not chosen or chosen.highlighted is None:
            raise SkipAction()
        index = chosen.highlighted
        del self._chosen[index]
        self._show_chosen()
        if self._chosen:
            chosen.highlighted = min(index, len(self._chosen) - 1)
        else:
            self.query_one("#med-input", Input).focus()

    def _show_chosen(self) -> None:
        resolved = resolve_medications(self._chosen, self.data)
        chosen = self.query_one("#med-chosen", OptionList)
        chosen.clear_options()
        for name in self._chosen:
            classes = resolved.named.get(name.strip())
            if classes:
                generic = resolved.resolved.get(name.strip())
                status = "✓ checked as " + ", ".join(short_class_label(c) for c in classes)
                if generic:
                    status = f"✓ {generic} · checked as " + status.removeprefix("✓ checked as ")
                chosen.add_option(Option(Content.assemble(plain(name), (f"  {status}", "dim"))))
            else:
                shown = Content.assemble(plain(name), ("  ? not checked", "bold $warning"))
                chosen.add_option(Option(shown))
        chosen.display = bool(self._chosen)
        if resolved.unknown:
            unknown = ", ".join(visible(name) for name in resolved.unknown)
            self._note(
                f"Not checked: {unknown}. sleepplan's interaction data does not know "
                f"{'this name' if len(resolved.unknown) == 1 else 'these names'}, so nothing "
                "is checked against it; it is kept in your profile."
            )
        else:
            self._note("")

    def _note(self, text: str) -> None:
        note = self.query_one("#med-note", Static)
        note.update(Content(text))
        note.display = bool(text)
