"""Catalog: search, sort and filter the compounds; read the details and sources; add one."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Input, Select, Static

from sleepplan.core.amounts import parse_amount
from sleepplan.core.catalog import Compound, Evidence
from sleepplan.core.visible import visible
from sleepplan.core.vocabulary import Mechanism, Stage
from sleepplan.tui.actions.catalog import add_compound
from sleepplan.tui.dialogs.prompt import TextPrompt, amount_problem
from sleepplan.tui.screens.base import AreaScreen, cursor_key
from sleepplan.tui.screens.catalog_search import (
    SORT_COLUMNS,
    STAGE_SHORT,
    mechanism_text,
    sort_key,
)

# the search's rank and the details pane, importable from here as they always were
from sleepplan.tui.screens.catalog_search import search_rank as search_rank
from sleepplan.tui.widgets.compound_details import compound_details as compound_details
from sleepplan.tui.widgets.compound_details import dose_text
from sleepplan.tui.widgets.key_footer import KeyFooter

HELP = """\
# Catalog

Every compound sleepplan knows, with the numbers its sources give and the sources themselves.

| key | does |
|---|---|
| a letter or digit | search: typing in the table starts a search with it |
| `/` | search (also for the letters that are keys: t m h k p q s) |
| `enter` | add the selected compound to the current routine at its typical dose |
| `s` | sort by the next column (or click a column heading) |
| `escape` | leave the search field |

A search finds names first, then aliases, then what a compound is for: its stages ("REM",
"deep", "onset", "slow-wave", "sleep onset", "staying asleep"), its mechanism ("gabaergic")
and its effects ("sedating", "wake-promoting"). The keys of the app and this area keep acting
in the table; capitals never do, so `M` starts a search for melatonin.
An amount can be typed with its unit: `200 mg`, `3 g`, `500 mcg` (mg when none).

Filter by stage, mechanism or evidence with the boxes at the top. ⚠ marks wake-promoting
compounds; stages are abbreviated (onset, deep, REM, maint). A `+` after a mechanism means the
sources name other ways it may act too (the details list them); the mechanism filter and the
search find a compound by those as well. A number the sources don't
give is shown as "not sourced" and left out of the plan's curves. Wake-promoting compounds are
marked: they do not belong in an evening routine.
"""

COLUMN_WIDTHS = {"name": 17, "mechanism": 14, "stages": 11, "dose": 12, "evidence": 12}
"""Mechanism fits its longest word with the ``+`` of secondary ones ("glutamatergic+"); name and
stages gave the room ("onset,maint" is the longest), so the table is as wide as before and
"insufficient" still fits at 80 columns."""


class CatalogScreen(AreaScreen):
    """Browse the catalog and add compounds to the routine."""

    CSS_PATH = "catalog.tcss"
    """This area's rules, read when it is first opened (app.tcss has Tonight's)."""

    HELP = HELP
    AUTO_FOCUS = "#compounds"
    BINDINGS = [
        Binding(
            "slash",
            "search",
            "Search",
            id="catalog.search",
            key_display="/",
            tooltip="Search by name, alias, stage or effect",
        ),
        Binding("s", "sort", "Sort", id="catalog.sort", tooltip="Sort by the next column"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_column = "name"
        self.shown: list[Compound] = []
        self._details_of: str | None = None
        """The compound the details pane shows (a new one is shown from its top)."""

    def compose(self) -> ComposeResult:
        """Filters on top; the table and the details pane below."""
        yield Header()
        with Vertical(id="catalog"):
            with Horizontal(id="catalog-filters"):
                yield Input(placeholder="Search…", id="search", compact=True)
                yield Select[str](
                    [(s.label, s.value) for s in Stage],
                    id="stage",
                    prompt="Any stage",
                    compact=True,
                )
                yield Select[str](
                    [(m.value, m.value) for m in Mechanism],
                    id="mechanism",
                    prompt="Any mechanism",
                    compact=True,
                )
                yield Select[str](
                    [(e.value, e.value) for e in Evidence],
                    id="evidence",
                    prompt="Any evidence",
                    compact=True,
                )
            with Horizontal(id="catalog-body"):
                yield CompoundTable(id="compounds", cursor_type="row")
                with VerticalScroll(id="details-pane"):
                    yield Static("", id="details")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Columns, then the rows."""
        table = self.query_one("#compounds", DataTable)
        for column in SORT_COLUMNS:
            table.add_column(column.capitalize(), key=column, width=COLUMN_WIDTHS[column])
        super().on_mount()

    def on_resize(self) -> None:
        """Stack the details under the table when the terminal is narrow."""
        self.set_class(self.size.width < 110, "-narrow")

    def refresh_view(self) -> None:
        """Rebuild the table from the catalog, the filters and the sort.

        The best matches of a search come first, in the sort's order within each kind of
        match. The highlight stays on the compound it was on (after adding it, say).
        """
        query = self.query_one("#search", Input).value.strip()
        ranks = {c.id: search_rank(c, query) if query else 0 for c in self.workspace.catalog}
        compounds = [
            c for c in self.workspace.catalog if ranks[c.id] is not None and self._matches(c)
        ]
        compounds.sort(key=lambda c: (ranks[c.id], sort_key(self.sort_column, c)))
        self.shown = compounds
        table = self.query_one("#compounds", DataTable)
        highlighted = cursor_key(table)
        table.clear()
        for compound in compounds:
            name = Text(overflow="ellipsis", no_wrap=True)
            if compound.wake_promoting:
                name.append("⚠ ", style="bold")
            name.append(visible(compound.name))
            table.add_row(
                name,
                mechanism_text(compound),
                ",".join(STAGE_SHORT[stage.value] for stage in compound.stages),
                dose_text(compound),
                compound.evidence.value,
                key=compound.id,
            )
        shown_ids = [compound.id for compound in compounds]
        if highlighted in shown_ids:
            table.move_cursor(row=shown_ids.index(highlighted), animate=False)
        self._show_details()

    def _matches(self, compound: Compound) -> bool:
        """Whether a compound passes the stage, mechanism and evidence filters."""
        stage = self.query_one("#stage", Select).value
        if isinstance(stage, str) and Stage(stage) not in compound.stages:
            return False
        mechanism = self.query_one("#mechanism", Select).value
        if isinstance(mechanism, str) and Mechanism(mechanism) not in compound.mechanisms:
            return False
        evidence = self.query_one("#evidence", Select).value
        return not (isinstance(evidence, str) and compound.evidence.value != evidence)

    def selected(self) -> Compound | None:
        """The compound under the cursor."""
        key = cursor_key(self.query_one("#compounds", DataTable))
        return self.workspace.catalog.get(key) if key and key in self.workspace.catalog else None

    def _show_details(self) -> None:
        compound = self.selected()
        details = self.query_one("#details", Static)
        details.update(
            compound_details(compound) if compound else Text("No compound matches the filters.")
        )
        shown = compound.id if compound else None
        if shown != self._details_of:  # a new compound is read from its name down
            self._details_of = shown
            self.query_one("#details-pane", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowHighlighted, "#compounds")
    def _highlighted(self) -> None:
        self._show_details()

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    def _filters_changed(self) -> None:
        self.refresh_view()

    @on(DataTable.HeaderSelected, "#compounds")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.sort_column = str(event.column_key.value)
        self.refresh_view()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#compounds", DataTable).focus()

    def action_search(self) -> None:
        """Jump to the search field."""
        # at once, not after this key: letters typed right after it land in the field
        self.set_focus(self.query_one("#search", Input))

    def type_ahead(self, event: events.Key) -> bool:
        """A letter or digit typed in the table, bound to nothing, starts a search with it.

        The app calls this, in the order keys were typed, for a printable key no binding
        takes: the area keys (t m h k p), q, ?, / and s keep acting (or what a keymap made
        them), and capitals are never keys, so ``M`` searches. The space never searches.
        Returns whether the key started a search.
        """
        character = event.character
        table = self.query_one("#compounds", DataTable)
        if self.focused is not table or character is None or character.isspace():
            return False
        search = self.query_one("#search", Input)
        search.value = ""  # a new search: what was typed before is replaced
        self.set_focus(search)  # at once: the keys typed next go to the field
        search.post_message(events.Key(event.key, character))  # handled after the focus
        return True

    def action_sort(self) -> None:
        """Sort by the next column."""
        index = (SORT_COLUMNS.index(self.sort_column) + 1) % len(SORT_COLUMNS)
        self.sort_column = SORT_COLUMNS[index]
        self.notify(f"Sorted by {self.sort_column}")
        self.refresh_view()

    @on(DataTable.RowSelected, "#compounds")
    def _chosen(self) -> None:
        """A row was clicked: add its compound."""
        self.add_selected()

    def add_selected(self) -> None:
        """Add the compound under the cursor."""
        compound = self.selected()
        if compound is not None:
            self.add(compound)

    def add(self, compound: Compound) -> None:
        """Add a compound to the current routine (asking the amount if none is sourced)."""
        if compound.dose_mg is not None:
            add_compound(self.sleep_app, compound.id, compound.dose_mg.typical)
            return

        def apply(answer: str | None) -> None:
            if answer:
                add_compound(self.sleep_app, compound.id, parse_amount(answer))

        self.app.push_screen(
            TextPrompt(
                f"No sourced dose for {visible(compound.name)}. Amount (your choice), "
                "in mg unless you type a unit (200 mg, 3 g, 500 mcg):",
                "",
                amount_problem,
            ),
            apply,
        )


class CompoundTable(DataTable[object]):
    """The compounds; enter adds the highlighted one.

    At once, rather than by the table's "row selected" message: a prompt for its amount is
    open before the keys typed after enter are handled, so they are typed into it.
    """

    def action_select_cursor(self) -> None:
        """Add the compound under the cursor."""
        screen = self.screen
        if isinstance(screen, CatalogScreen):
            screen.add_selected()
