"""Alerts panel: the firing alerts of every `[[alerts]]` Alertmanager, grouped.

Renders an `AlertsView` (no I/O). A status line says what is firing and how many are silenced
or inhibited (folded away, counted) and, in an alarm colour, each source that does not answer
("am-2 unreachable since 03:12:04 UTC (2m10s): connection refused") while the others' alerts
stay. Then one heading per group (alertname · severity by default) and one row per alert:
severity, name, summary, start time and age in steps (like the containers' uptime), and the
sources when several report it. Every value is already sanitized by the probe; it is put in a
`Text` (never markup) and cut to the panel.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message

from tui.core.alerts import Alert, AlertsView
from tui.core.docker_model import stepped_duration
from widgets.steady import SteadyStatic, set_border

SEVERITY_STYLE = {"critical": "bold red", "page": "bold red", "error": "red",
                  "warning": "yellow", "info": "cyan"}
MAX_ROWS = 200
"""Rows drawn at most (a storm of 1,000 alerts is counted, its first rows shown)."""
MAX_SUMMARY = 160


class AlertsPanel(VerticalScroll):
    """`show(view, now)` renders the alerts; repaints only when the text changes. Up/down
    select a firing alert (marked `›`); `S` asks to silence it (`SilenceRequested`: the app
    guards, confirms and audits it like every action); `X` to expire one of the operator's
    own silences (`ExpireRequested`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous alert", show=False),
        Binding("down", "move(1)", "Next alert", show=False),
        Binding("S", "silence", "Silence alert", id="alert-silence"),
        Binding("X", "expire", "Expire own silence", id="alert-expire"),
    ]

    class SilenceRequested(Message):
        def __init__(self, alert: Alert) -> None:
            super().__init__()
            self.alert = alert

    class ExpireRequested(Message):
        """`X`: expire one of the operator's own silences (the app lists them)."""

    def __init__(self, id: str = "alerts", silence: bool = True) -> None:
        super().__init__(id=id)
        self.border_title = "Alerts"
        self.silence_enabled = silence
        self.body = SteadyStatic("waiting for Alertmanager…", id="alerts-body", markup=False)
        self._shown: tuple[AlertsView, dt.datetime] | None = None
        self.rows: list[Alert] = []
        """The firing alerts on screen, in order."""
        self.selected_fp: str | None = None
        self._view: AlertsView | None = None
        self._now: dt.datetime | None = None

    def selected(self) -> Alert | None:
        return next((a for a in self.rows if a.fingerprint == self.selected_fp), None)

    def action_move(self, step: int) -> None:
        if not self.rows:
            return
        fps = [a.fingerprint for a in self.rows]
        index = fps.index(self.selected_fp) if self.selected_fp in fps else 0
        self.selected_fp = fps[max(0, min(len(fps) - 1, index + step))]
        if self._view is not None and self._now is not None:
            self._shown = None
            self.show(self._view, self._now)

    def action_silence(self) -> None:
        alert = self.selected()
        if alert is not None and self.silence_enabled:
            self.post_message(self.SilenceRequested(alert))

    def action_expire(self) -> None:
        if self.silence_enabled:
            self.post_message(self.ExpireRequested())

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    def show(self, view: AlertsView, now: dt.datetime) -> None:
        if self._shown is not None and self._shown[0] is view and now < self._shown[1]:
            return  # the same view, no age changed its step yet
        self._view, self._now = view, now
        self.rows = shown_rows(view)
        if self.rows and self.selected() is None:
            self.selected_fp = self.rows[0].fingerprint
        text, next_change = render(view, now, self.selected_fp)
        self._shown = (view, now + dt.timedelta(seconds=next_change))
        self.body.paint(text)
        self.set_class(any(not s.ok for s in view.sources), "-stale")
        firing = sum(a.state == "firing" for a in view.alerts)
        set_border(self, f"Alerts ({firing} firing)" if firing else "Alerts")


def shown_rows(view: AlertsView) -> list[Alert]:
    """The firing alerts in the order the panel draws them (at most MAX_ROWS)."""
    rows = [a for g in view.groups for a in g.firing]
    return rows[:MAX_ROWS]


def render(view: AlertsView, now: dt.datetime, selected: str | None = None
           ) -> tuple[Text, float]:
    """The panel's text and the seconds until an age shown changes step."""
    out = Text(end="")
    firing = [a for a in view.alerts if a.state == "firing"]
    folded = [f"{n} {w}" for n, w in ((view.silenced, "silenced"), (view.inhibited, "inhibited"))
              if n]
    out.append(f"{len(firing)} firing" if firing else "no alert firing",
               style="bold" if firing else "green")
    if folded:
        out.append(f" · {', '.join(folded)} (folded)", style="dim")
    if view.truncated:
        out.append(f" · {view.truncated} more not read (storm)", style="yellow")
    for source in view.sources:
        if not source.ok:
            out.append("\n")
            out.append(source.text, style="bold magenta")
    if not view.sources or (not any(s.ok for s in view.sources) and not view.alerts):
        return out, 3600.0
    multi = len(view.sources) > 1
    next_change = 3600.0
    rows = 0
    for group in view.groups:
        if not group.firing:
            continue
        out.append("\n")
        out.append(f"▸ {group.title}", style="bold")
        out.append(f"  {len(group.firing)}", style="dim")
        for alert in group.firing:
            if rows >= MAX_ROWS:
                break
            rows += 1
            step = _row(out, alert, now, view, multi, alert.fingerprint == selected)
            next_change = min(next_change, step)
    if rows < len(firing):
        out.append(f"\n  … {len(firing) - rows} more firing", style="dim")
    return out, next_change


def _row(out: Text, alert: Alert, now: dt.datetime, view: AlertsView, multi: bool,
         selected: bool = False) -> float:
    out.append("\n› " if selected else "\n  ", style="bold")
    style = "bold red" if alert.fingerprint in view.critical else \
        SEVERITY_STYLE.get(alert.severity, "yellow")
    out.append(f"{alert.severity[:12]:<9}", style=style)
    out.append(f"{alert.name[:60]}")
    summary = alert.summary.replace("\n", " ")
    if summary:
        cut = summary if len(summary) <= MAX_SUMMARY else summary[: MAX_SUMMARY - 1] + "…"
        out.append(f"  {cut}", style="dim")
    step = 3600.0
    if alert.starts_at is not None:
        age, step = alert_age((now - alert.starts_at).total_seconds())
        out.append(f"  since {alert.starts_at:%H:%M:%S} ({age})")
    if multi:
        out.append(f"  [{', '.join(alert.sources)}]", style="dim")
    return step


def alert_age(seconds: float) -> tuple[str, float]:
    """An alert's age beside its start time: "<1m" for the first minute, then minutes
    ("7m", "3h20m"); and the seconds until it changes. The start time is shown to the second,
    so the age need not tick — a storm of alerts in their first minute repainted the panel
    every second."""
    if seconds < 60:
        return "<1m", 60 - max(0.0, seconds)
    return stepped_duration(seconds)
