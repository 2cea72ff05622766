"""The actions panel: keys legend, operator mode, and the last run's live output and outcome.

Renders what it is given (`RunView`s, legend rows); no I/O. Output lines arrive already
sanitized by the executor and go into a `Log` (plain text, never markup).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Log, Static

from tui.core.attempts import RunView
from widgets.steady import SteadyStatic

STATUS_STYLE = {
    "pending": ("…", "bold"), "running": ("▶", "bold yellow"),
    "finished": ("✓", "bold green"), "failed": ("✗", "bold white on red"),
    "timed_out": ("⏱", "bold white on red"), "cancelled": ("■", "bold yellow"),
    "interrupted": ("■", "bold white on red"), "error": ("✗", "bold white on red"),
    "refused": ("⊘", "bold magenta"), "blocked": ("⊘", "bold magenta"),
}


@dataclass(frozen=True)
class LegendRow:
    key: str
    name: str
    description: str
    where: str


def run_line(run: RunView) -> Text:
    """One status line: `✓ rollback on prod: finished, exit 0, 1.2 s — live color is now blue`."""
    symbol, style = STATUS_STYLE.get(run.status, ("?", "bold"))
    line = Text()
    line.append(f" {symbol} {run.status.replace('_', ' ').upper()} ", style=style)
    line.append(f" {run.name}", style="bold")
    line.append(f" on {run.where}")
    facts = [f"{run.elapsed():.1f} s"]
    if run.exit_status is not None:
        facts.append(f"exit {run.exit_status}")
    if run.signal:
        facts.append(f"signal {run.signal}")
    line.append(" · " + " · ".join(facts), style="dim")
    if run.reason and not run.running:
        line.append(f" · {run.reason}")
    if run.effect:
        line.append("  ")
        line.append(("✓ " if run.effect_ok else "✗ ") + run.effect,
                    style="bold green" if run.effect_ok else "bold red")
    return line


class ActionsPanel(Vertical):
    """Legend + mode line on top, then the output of the run being shown."""

    def __init__(self) -> None:
        super().__init__(id="actions")
        self.border_title = "Actions"
        self._shown: str | None = None  # the attempt shown
        self._written = 0
        self._legend_key: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="actions-legend")
        yield SteadyStatic(id="actions-status")
        yield Log(max_lines=500, classes="empty", id="actions-log")

    def show_legend(self, rows: list[LegendRow], mode: str, countdown: str = "",
                    cancel_key: str = "x", arm_key: str = "o") -> None:
        key = (tuple(rows), mode, countdown, cancel_key, arm_key)
        if key == self._legend_key:
            return  # called every second: repaint (and lay out) only when something changed
        self._legend_key = key
        self.set_class(mode == "armed", "armed")
        head = {"armed": f"OPERATOR ARMED {countdown} ({arm_key} disarms, {cancel_key} stops)",
                "view": f"view mode: {arm_key} arms operator mode",
                "read-only": "READ-ONLY: actions disabled"}[mode]
        self.border_subtitle = head
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
        dim = "dim" if mode != "armed" else ""
        for row in rows:
            grid.add_row(Text(row.key, style="bold reverse"), Text(row.name, style=f"bold {dim}"),
                         Text(f"{row.description} ({row.where})", style=dim or "default"))
        self.query_one("#actions-legend", Static).update(grid)

    def show_run(self, run: RunView | None) -> None:
        """Show `run` (status line + output); new lines of the same attempt are appended."""
        status = self.query_one("#actions-status", SteadyStatic)
        log = self.query_one(Log)
        if run is None:
            status.paint(Text(""))
            return
        if run.attempt != self._shown:
            self._shown, self._written = run.attempt, 0
            log.clear()
        new = run.line_count - self._written
        if new > 0:
            lines = run.tail[-new:] if new <= len(run.tail) else run.tail
            log.write_lines(("! " if stream == "stderr" else "  ") + text
                            for stream, text in lines)
            self._written = run.line_count
        log.set_class(run.line_count == 0, "empty")
        status.paint(run_line(run))  # shown every second, long after the run ended
