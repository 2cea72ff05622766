"""A one-line strip naming the panes of a narrow screen and the key that shows each."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

ALWAYS = "? help  q quit"
"""Kept in view on the right: the footer lists the focused pane's keys first, and at 80
columns that pushes the app's own keys off its end."""
CUTS = (None, 4, 3, 2, 0)
"""Letters kept of the other panes' names, tried in turn until the strip fits."""


class PaneBar(Widget):
    """`1 overview  2 containers ...`, the current pane highlighted; help and quit on the
    right. With more panes than fit (ten at 80 columns), the other panes' names are cut to
    their first letters, then to their keys; the current pane's name is always whole."""

    def __init__(self) -> None:
        super().__init__()
        self.panes: list[str] = []
        self.current = ""

    def show(self, panes: list[str], current: str) -> None:
        if (panes, current) != (self.panes, self.current):
            self.panes, self.current = list(panes), current
            self.refresh()

    def render(self) -> Text:
        room = max(0, self.size.width - len(ALWAYS) - 1)
        for cut in CUTS:
            text = self._names(cut)
            if len(text) <= room:
                break
        text.truncate(room, overflow="ellipsis", pad=True)
        text.append(" ")
        text.append(ALWAYS, style="dim")
        return text

    def _names(self, cut: int | None) -> Text:
        text = Text(no_wrap=True, end="")
        for index, name in enumerate(self.panes, start=1):
            if name == self.current:
                text.append(f" {index} {name} ", style="bold reverse")
            else:
                shown = name if cut is None else name[:cut]
                text.append(f" {index} {shown}".rstrip() + " ", style="dim")
            text.append(" " if cut is None else "")
        return text
