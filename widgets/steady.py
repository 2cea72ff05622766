"""A Static that repaints only when what it shows changes.

Textual's `Static.update()` repaints the widget and, by default, lays out the whole screen,
even for identical content; panels fed every second (the clock tick, probe results) would
redraw a quiet screen all the time. `paint()` compares a key of the content first; with
`layout=None` it lays out only when the new content takes another number of lines. `set_border`
does the same for border titles (every assignment repaints the whole widget).
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static

_UNSET = object()


def text_key(text: Text) -> object:
    """What a `Text` shows: its characters, base style and styled spans (Rich's own `==`
    ignores the base style)."""
    return (text.plain, str(text.style), tuple(text.spans))


class SteadyStatic(Static):
    """`paint(content, key)`: `update()` only when `key` (by default the Text itself)
    differs from the last painted one."""

    _painted: object = _UNSET

    def shows(self, key: object) -> bool:
        """Whether the content painted last had this key (check before building costly
        content)."""
        return key == self._painted

    _lines: tuple[int, int] | None = None
    """(content width, lines) of what `paint(layout=None)` showed last."""

    def paint(self, content: VisualType, key: object = _UNSET, *, layout: bool | None = True
              ) -> bool:
        """Show `content` unless it is what is shown already; True when it repainted. Give
        `key` for non-Text content (a table): anything equal exactly when the content is.
        `layout=None` (a `height: auto` panel whose text changes often, not its size): lay
        out only when the content's height at the current width differs from the last one."""
        if key is _UNSET:
            key = text_key(content) if isinstance(content, Text) else content
        if self.shows(key):
            return False
        self._painted = key
        self.update(content, layout=bool(layout))
        if layout is None:
            # no width: not shown (a hidden pane) or not laid out yet, and the layout that
            # shows it measures the new content anyway
            width = self.content_region.width
            lines = (width, self.get_content_height(Size(0, 0), Size(0, 0), width)) \
                if width else None
            if lines is not None and lines != self._lines:
                self.refresh(layout=True)
            self._lines = lines
        return True


def set_border(widget: Widget, title: str | None = None, subtitle: str | None = None) -> None:
    """Set the border title and subtitle (None: leave it) only when they change: Textual
    repaints the whole widget on every assignment, even of the same text."""
    shown: dict[str, str] = widget.__dict__.setdefault("_steady_border", {})
    for name, value in (("border_title", title), ("border_subtitle", subtitle)):
        if value is not None and shown.get(name) != value:
            shown[name] = value
            setattr(widget, name, value)
