"""Text that changes with every keystroke, laid out again only when its height changes."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


class LiveText(Static):
    """A ``Static`` for text redrawn often, such as the check-in's live score.

    ``Static.update`` lays the whole screen out again on every change, in case the text's size
    changed; on the check-in that is most of a keystroke's time (design §12). ``show`` repaints
    only this widget, and asks for a layout just when the new text needs more or fewer lines at
    the widget's width.
    """

    def show(self, content: VisualType) -> None:
        """Show ``content``; the screen is laid out again only if the height changes."""
        width = self.content_size.width
        height = self.content_size.height
        self.update(content, layout=False)
        if not width or self.get_content_height(self.size, self.app.size, width) != height:
            self.refresh(layout=True)
