"""The incident clock panel: UTC time, elapsed since the (possibly backdated) start, each
response target as a countdown (OK → SOON → BREACHED, or MET / MISSED), the next status update,
and milestones suggested from telemetry. Words and symbols carry every state; color only helps.
"""

from __future__ import annotations

from rich.text import Text

from tui.core.incident.clock import mmss
from tui.core.incident.tracker import ClockView
from tui.core.sanitize import one_line
from widgets.incident_compact import NARROW, render_compact
from widgets.incident_duty import TALL, Duty, render_duty
from widgets.steady import SteadyStatic

TARGET_STYLE = {"ok": "green", "amber": "bold yellow", "red": "bold white on red",
                "met": "green", "missed": "red", "waiting": "dim", "none": "dim",
                "unmeasured": "dim", "conflict": "bold yellow"}
UPDATE_STYLE = {"ok": "", "amber": "bold yellow", "red": "bold white on red"}
SEVERITY_STYLE = ("bold white on red", "bold white on dark_orange3", "bold black on yellow")


class IncidentClockPanel(SteadyStatic):
    """Renders a `ClockView` (computed by the core every second)."""

    def __init__(self) -> None:
        super().__init__(id="incident-clock", markup=False)
        self.border_title = "Incident"
        self.view: ClockView | None = None
        self.rank: int | None = None
        self.duty: Duty | None = None

    def show(self, view: ClockView, rank: int | None = None, duty: Duty | None = None) -> None:
        self.view, self.rank, self.duty = view, rank, duty
        width = self.content_size.width
        if width == 0:
            return  # not laid out yet: `on_resize` paints it at its size, in one layout
        compact = view.state is not None and 0 < width < NARROW  # 80x24: half, ~11 rows
        if compact:
            text = render_compact(view, rank, width, TARGET_STYLE, SEVERITY_STYLE, UPDATE_STYLE)
        else:
            text = render_clock(view, rank)
        if duty is not None and view.state is not None:  # timers and checklist (K, E)
            text.append("\n")
            text.append_text(render_duty(duty, width, compact, self.app.size.height >= TALL))
            text.rstrip()
        self.paint(text)  # idle, nothing ticks: no repaint, no bytes

    def on_resize(self) -> None:
        if self.view is not None:
            self.show(self.view, self.rank, self.duty)


def render_clock(view: ClockView, rank: int | None = None) -> Text:
    text = Text()
    now, state = view.now, view.state
    if state is None:
        # no ticking seconds here when idle: the banner has the clock (cost at rest)
        text.append("○ no incident declared\n", style="dim")
        text.append("i declares one · n adds a note", style="dim")
        if view.last_resolved is not None:
            last = view.last_resolved
            text.append(f"\nlast: {one_line(last.title)[:50]} ({last.severity}, resolved "
                        f"{last.resolved_at:%Y-%m-%d %H:%M} UTC)", style="dim")
        return text
    style = SEVERITY_STYLE[rank] if rank is not None and rank < len(SEVERITY_STYLE) else "reverse"
    text.append(f" {state.severity} ", style=style)
    text.append(f" {state.status.upper()} ", style="bold")
    elapsed = state.elapsed(now)
    text.append(f" elapsed {mmss(elapsed) if elapsed is not None else '— (conflict)'}",
                style="bold")
    text.append(f"  {now:%H:%M:%S} UTC\n")
    text.append(one_line(state.title)[:80] + "\n", style="bold")
    text.append(f"start {state.start:%Y-%m-%d %H:%M:%S} · IC {one_line(state.commander)[:30]}"
                f" · {one_line(state.scope_text)[:40]}\n", style="dim")
    for t in view.targets:
        if t.limit is None:
            continue
        text.append(f"{t.symbol} {t.label:<11} ", style=TARGET_STYLE[t.state])
        text.append(f"{t.word:<9}", style=TARGET_STYLE[t.state])
        if t.took is not None:
            detail = f" took {mmss(t.took, ceil=True)} / {mmss(t.limit)}"
        elif t.state in ("unmeasured", "conflict"):
            detail = " (" + one_line(t.note).split(": ", 1)[-1][:60] + ")"
        elif t.state == "red" and t.remaining is not None:
            detail = f" over by {mmss(-t.remaining)} / {mmss(t.limit)}"
        elif t.remaining is not None:
            detail = f" {mmss(t.remaining)} left / {mmss(t.limit)}"
        else:
            detail = " waits for the previous milestone"
        text.append(detail + "\n")
    milestones = " ".join(
        f"{name[:3]} {state.milestones[name]:%H:%M:%S}" if name in state.milestones
        else f"{name[:3]} —" for name in ("detected", "acknowledged", "mitigated", "resolved"))
    text.append(f"milestones: {milestones}\n", style="dim")
    for conflict in state.conflicts():
        text.append(f"! out of order: {one_line(conflict)[:70]}\n", style="bold yellow")
    if view.update is not None:
        u = view.update
        words = (f"✉ next update {u.word} in {mmss(u.remaining)}" if u.state != "red"
                 else f"✉ status update OVERDUE by {mmss(-u.remaining)}")
        text.append(words + "\n", style=UPDATE_STYLE[u.state])
    for s in view.suggestions:
        text.append(f"⚑ suggested: {s.milestone} at {s.at:%H:%M:%S} "
                    f"({one_line(s.reason)[:60]}) — i to confirm\n", style="italic")
    text.rstrip()
    return text
