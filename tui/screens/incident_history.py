"""`I`: past incidents with durations and MTTR, and this month's review summary. Enter on an
incident dismisses with its id (the app then offers its exports: post-mortem, updates)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.incident import Incidents
from tui.core.incident.history import monthly, render_rows, rows
from tui.core.model import utcnow
from tui.core.sanitize import one_line
from tui.screens.modal import WarroomModal


class HistoryScreen(WarroomModal[str | None]):
    """Reads the incident files in a worker thread; Enter picks one, Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_screen", "Close", id="history-close"),
    ]

    def __init__(self, incidents: Incidents) -> None:
        super().__init__()
        self.incidents = incidents

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Incident history — {self.incidents.dir}  (Enter: exports of "
                             "the highlighted one, Esc closes)", style="bold"))
            yield OptionList(Option(Text("loading …", style="dim"), disabled=True),
                             id="history-list", markup=False)
            with VerticalScroll():
                yield Static(Text("loading …", style="dim"), id="history", markup=False)

    def on_mount(self) -> None:
        self.loader = self.run_worker(self._load, thread=True, exit_on_error=False,
                                      group="history")

    def _load(self) -> None:
        now = utcnow()
        states = self.incidents.all()
        items = rows(states, now)
        lines = render_rows(items).splitlines()
        options = [Option(Text(one_line(line)), id=item.id)
                   for line, item in zip(lines[1:], items, strict=True)]
        summary = monthly(states, self.incidents.policy, f"{now:%Y-%m}")
        self.app.call_from_thread(self._show, one_line(lines[0]), options, summary)

    def _show(self, head: str, options: list[Option], summary: str) -> None:
        listing = self.query_one("#history-list", OptionList)
        listing.clear_options()
        listing.add_options([Option(Text(head, style="bold"), disabled=True), *options])
        if options:
            listing.highlighted = 1
            listing.focus()
        self.query_one("#history", Static).update(Text(summary))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
