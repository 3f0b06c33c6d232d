"""Text that changes with every keystroke, repainting only the rows that changed."""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, VisualType, visualize
from textual.widget import Widget


class LiveText(Widget):
    """Text redrawn often, such as the check-in's live score (design §12). Height ``auto``.

    ``Static.update`` lays the whole screen out again on every change, in case the size changed,
    and repaints the whole widget; Textual then redraws every widget overlapping the box around
    everything repainted, which beside a tall panel is most of the screen. ``show`` compares the
    new text's rows with the old ones at the widget's width, asks for a layout only when there
    are more or fewer, and otherwise repaints only the rows that differ. Textual paints them as
    it paints any widget, so styles, themes and selection work as they do everywhere.
    """

    DEFAULT_CSS = "LiveText { height: auto; }"

    def __init__(self, content: VisualType = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._content = content
        self._visual: Visual | None = None
        self._compared: tuple[int, list[Strip]] = (0, [])
        """The width the text was last compared at, and its rows then."""

    def render(self) -> Visual:
        """The text."""
        if self._visual is None:
            self._visual = visualize(self, self._content)
        return self._visual

    def show(self, content: VisualType) -> None:
        """Show ``content``, repainting only the rows that change."""
        width = self.size.width
        compared_at, before = self._compared
        if width and compared_at != width:  # first shown here, or resized: what is painted now
            before = self._rows(width)
        self._content, self._visual = content, None
        after = self._rows(width) if width else []
        self._compared = (width, after)
        if not width or len(after) != len(before):
            self.refresh(layout=True)  # not laid out yet, or taller or shorter
            return
        changed = [y for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
        if changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def _rows(self, width: int) -> list[Strip]:
        return Visual.to_strips(self, self.render(), width, None, self.visual_style)
