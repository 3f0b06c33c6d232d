"""Text that changes with every keystroke, repainting only the rows that changed."""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import Visual, VisualType, visualize
from textual.widget import Widget


class LiveText(Widget):
    """Text redrawn often, such as the check-in's live score (design §12).

    ``Static.update`` lays the whole screen out again on every change, in case the size changed,
    and repaints the whole widget; Textual then redraws every widget overlapping the box around
    everything repainted, which beside a tall panel is most of the screen. ``show`` draws the
    new text once, at the widget's width, asks for a layout only when it has more or fewer rows,
    and otherwise repaints only the rows that differ, which are painted from that drawing.
    """

    DEFAULT_CSS = "LiveText { height: auto; }"

    def __init__(self, content: VisualType = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._visual = visualize(self, content)
        self._drawn: tuple[int, list[Strip]] | None = None
        """The width the text was last drawn at, and its rows."""

    def render(self) -> Visual:
        """The text (Textual measures its width from this)."""
        return self._visual

    def rows(self, width: int) -> list[Strip]:
        """The text's rows at ``width``, drawn once per text and width."""
        if self._drawn is None or self._drawn[0] != width:
            strips = Visual.to_strips(self, self._visual, width, None, self.visual_style)
            self._drawn = (width, strips)
        return self._drawn[1]

    def show(self, content: VisualType) -> None:
        """Show ``content``, repainting only the rows that change."""
        width = self.size.width
        before = self.rows(width) if width else []
        self._visual = visualize(self, content)
        self._drawn = None
        if not width:
            self.refresh(layout=True)  # not laid out yet
            return
        after = self.rows(width)
        if len(after) != len(before):
            self.refresh(layout=True)  # taller or shorter: the screen is laid out again
            return
        changed = [y for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
        if changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the text has at ``width``."""
        return len(self.rows(width))

    def render_line(self, y: int) -> Strip:
        """Row ``y``, from the drawing ``show`` made (or blank below the text)."""
        rows = self.rows(self.size.width)
        return (
            rows[y] if y < len(rows) else Strip.blank(self.size.width, self.visual_style.rich_style)
        )

    def notify_style_update(self) -> None:
        """A new theme or style: draw again."""
        self._drawn = None
        super().notify_style_update()

    def selection_updated(self, selection: Selection | None) -> None:
        """Text selected with the mouse is drawn highlighted."""
        self._drawn = None
        super().selection_updated(selection)
