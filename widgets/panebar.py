"""A one-line strip naming the panes of a narrow screen and the key that shows each."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class PaneBar(Static):
    """`1 overview  2 containers ...`, the current pane highlighted."""

    DEFAULT_CSS = """
    PaneBar { height: 1; padding: 0 1; background: $boost; }
    """

    def show(self, panes: list[str], current: str) -> None:
        text = Text()
        for index, name in enumerate(panes, start=1):
            style = "bold reverse" if name == current else "dim"
            text.append(f" {index} {name} ", style=style)
            text.append(" ")
        self.update(text)
