"""Logs tail panel: a filter `Input`, the `LogView` of merged lines, and a status line.

Lines arrive in batches (`add_lines`); the view keeps at most `capacity` of them. No I/O:
saving goes through the `save(lines) -> Awaitable[str]` callable the app injects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Input

from tui.core.logline import LogLine
from widgets.log_view import Changed, FocusFilter, LogView, SaveRequested
from widgets.steady import SteadyStatic

__all__ = ["LogView", "LogsPanel", "Save"]

Save = Callable[[list[LogLine]], Awaitable[str]]


class LogsPanel(Vertical):
    """Filter input, the log view and a status line."""

    Changed = Changed
    FocusFilter = FocusFilter
    SaveRequested = SaveRequested

    def __init__(self, capacity: int = 10_000, max_line: int = 2_000, save: Save | None = None,
                 id: str = "logs") -> None:
        super().__init__(id=id)
        self.border_title = "Logs"
        self.capacity = capacity
        self.max_line = max_line
        self.save = save
        self.dropped = 0
        """Lines the probe dropped before the UI took them (set by the app)."""
        self._hidden = True  # until the first Show (see LogView)
        self._early: list[LogLine] = []

    def compose(self) -> ComposeResult:
        # compact: no border at any time (a focused Input's border filled the one-row box
        # and hid the text being typed); focus shows as a tinted row
        yield Input(placeholder="filter (/ to focus, Esc back; X regex, v invert)",
                    id="logs-filter", compact=True)
        yield LogView(self.capacity, self.max_line)
        yield SteadyStatic("", id="logs-status", markup=False)

    @property
    def log_view(self) -> LogView:
        return self.query_one(LogView)

    def add_lines(self, batch: list[LogLine]) -> None:
        try:
            view = self.log_view
        except NoMatches:  # lines that came before the panel composed its view: kept for it
            self._early.extend(batch)
            return
        view.add_lines(batch)
        self._status()

    def on_mount(self) -> None:
        if self._early:
            early, self._early = self._early, []
            self.log_view.add_lines(early)
        self.set_interval(0.5, self._status)
        self._status()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.log_view.set_filter(event.value)
        self._status()

    def on_input_submitted(self) -> None:
        self.log_view.focus()

    def key_escape(self) -> None:
        self.log_view.focus()

    def on_logs_panel_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def on_logs_panel_changed(self) -> None:
        self._status()

    def on_logs_panel_save_requested(self, message: LogsPanel.SaveRequested) -> None:
        save = self.save
        if save is None:
            self.notify("saving is not available here", severity="warning")
            return

        async def run() -> None:
            try:
                self.notify(await save(message.lines), markup=False)
            except Exception as exc:
                self.notify(f"save failed: {exc}", severity="error", markup=False)

        self.run_worker(run(), group="logs-save", exit_on_error=False)

    def on_hide(self) -> None:
        self._hidden = True

    def on_show(self) -> None:
        self._hidden = False
        self._status()

    def _status(self) -> None:
        if self._hidden:
            return  # another pane is shown; on_show catches up
        view = self.log_view
        parts = ["FOLLOW" if view.follow else f"PAUSED (+{view.new_while_paused} new)"]
        parts.append(f"{len(view.view)}/{len(view.lines)} lines")
        if view.pattern:
            kind = "regex" if view.regex else "text"
            parts.append(f"filter {'NOT ' if view.invert else ''}{kind}")
        if view.filter_error:
            parts.append(view.filter_error)
        if view.wrap:
            parts.append("wrap")
        if view.timestamps:
            parts.append("timestamps")
        if view.skipped:  # never lost: they are in the buffer (scroll up, f pauses, s saves)
            parts.append(f"{view.skipped} scrolled past unseen, kept (f pauses)")
        if self.dropped:
            parts.append(f"dropped {self.dropped}")
        status = self.query_one("#logs-status", SteadyStatic)
        status.paint(Text(" · ".join(parts)), layout=False)  # one line: never a layout pass
