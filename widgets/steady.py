"""A Static that repaints only when what it shows changes.

Textual's `Static.update()` repaints the widget and, by default, lays out the whole screen,
even for identical content; panels fed every second (the clock tick, probe results) would
redraw a quiet screen all the time. `paint()` compares a key of the content first.
"""

from __future__ import annotations

from rich.text import Text
from textual.visual import VisualType
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

    def paint(self, content: VisualType, key: object = _UNSET, *, layout: bool = True
              ) -> bool:
        """Show `content` unless it is what is shown already; True when it repainted. Give
        `key` for non-Text content (a table): anything equal exactly when the content is."""
        if key is _UNSET:
            key = text_key(content) if isinstance(content, Text) else content
        if self.shows(key):
            return False
        self._painted = key
        self.update(content, layout=layout)
        return True
