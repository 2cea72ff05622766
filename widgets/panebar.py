"""A one-line strip naming the panes of a narrow screen and the key that shows each."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

ALWAYS = "? help  q quit"
"""Kept in view on the right: the footer lists the focused pane's keys first, and at 80
columns that pushes the app's own keys off its end."""


class PaneBar(Static):
    """`1 overview  2 containers ...`, the current pane highlighted; help and quit on the right."""

    def show(self, panes: list[str], current: str) -> None:
        text = Text()
        for index, name in enumerate(panes, start=1):
            style = "bold reverse" if name == current else "dim"
            text.append(f" {index} {name} ", style=style)
            text.append(" ")
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True, min_width=len(ALWAYS))
        grid.add_row(text, Text(ALWAYS, style="dim"))
        self.update(grid)
