"""`?`: every key binding that is active right now, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.screens.modal import WarroomModal


class HelpScreen(WarroomModal[None]):
    """Lists the bindings collected by the app when the screen was opened."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("key", no_wrap=True)
        table.add_column("what it does")
        table.add_column("where", style="dim", no_wrap=True)
        for key, description, where in self.rows:
            table.add_row(Text(key, style="bold"), Text(description), Text(where))
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys (escape closes)"
            yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
