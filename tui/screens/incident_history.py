"""`I`: past incidents with durations and MTTR, and this month's review summary."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from tui.core.incident import Incidents
from tui.core.incident.history import monthly, render_rows, rows
from tui.core.model import utcnow
from tui.core.sanitize import one_line
from tui.screens.modal import WarroomModal


class HistoryScreen(WarroomModal[None]):
    """Reads the incident files in a worker thread; Escape closes."""

    DEFAULT_CSS = """
    HistoryScreen { align: center middle; }
    HistoryScreen > Vertical {
        width: 95%; height: 85%; border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_screen", "Close", id="history-close"),
    ]

    def __init__(self, incidents: Incidents) -> None:
        super().__init__()
        self.incidents = incidents

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Incident history — {self.incidents.dir}  (Esc closes)",
                             style="bold"))
            with VerticalScroll():
                yield Static(Text("loading …", style="dim"), id="history", markup=False)

    def on_mount(self) -> None:
        self.loader = self.run_worker(self._load, thread=True, exit_on_error=False,
                                      group="history")

    def _load(self) -> None:
        now = utcnow()
        states = self.incidents.all()
        table = "".join(one_line(line) + "\n" for line in render_rows(rows(states, now))
                        .splitlines())
        summary = monthly(states, self.incidents.policy, f"{now:%Y-%m}")
        self.app.call_from_thread(self.query_one("#history", Static).update,
                                  Text(table + "\n" + summary))

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
