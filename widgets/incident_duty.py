"""The escalation timers and the checklist under the incident clock (`IncidentClockPanel`).

With room (a terminal of `TALL` rows or more): one line per timer ("→ Tech Lead — phone in
12:30", amber "▲ SOON", red "✗ ESCALATE … DUE 3 min ago · E acks", "✓ … acked by bob") and
the whole checklist with its ticks. Without (80x24: the clock has about eleven rows): the due
and amber timers, the next pending one, and the checklist as one line ("☑ 3/9 next:
Communicate … · K"); `compact` (a narrow panel) also shortens the timer lines. Words and
symbols carry every state; color only helps.
"""

from __future__ import annotations

from rich.text import Text

from tui.core.incident.checklist import summary
from tui.core.incident.clock import mmss
from tui.core.incident.escalation import Duty, EscalationView
from tui.core.sanitize import one_line

ESCALATION_STYLE = {"ok": "", "amber": "bold yellow", "red": "bold white on red",
                    "acked": "green", "fired": "red", "stopped": "dim"}
TALL = 40
"""From this many terminal rows on, the whole checklist is shown under the clock."""


def escalation_line(view: EscalationView, compact: bool = False) -> str:
    to = one_line(view.to)
    if compact:  # the time first: the name may be cut
        late = int(-view.remaining.total_seconds() // 60)
        if view.state == "red":
            return f"✗ DUE {f'{late}m ago' if late >= 1 else 'now'} (E) → {to}"
        if view.state in ("ok", "amber"):
            return f"{'▲' if view.state == 'amber' else '◷'} {mmss(view.remaining)} → {to}"
    if view.state == "red":
        return f"✗ ESCALATE → {to} · {view.when()} · E acks"
    if view.state == "amber":
        return f"▲ SOON → {to} {view.when()}"
    if view.state == "acked":
        return f"✓ → {to} · {one_line(view.when())}"
    return f"→ {to} {view.when()}"


def render_duty(duty: Duty, width: int, compact: bool, room: bool = True) -> Text:
    """The timers then the checklist ("" when there is nothing to show)."""
    text = Text(no_wrap=compact, overflow="ellipsis" if compact else "fold")
    limit = max(10, width) if compact else 10_000
    views = list(duty.escalations)
    if compact or not room:  # due and amber ones, the next pending one (acked: done)
        urgent = [v for v in views if v.state in ("red", "amber")]
        pending = [v for v in views if v.state == "ok"][:1]
        views = urgent + pending
    for view in views:
        text.append(escalation_line(view, compact)[:limit] + "\n",
                    style=ESCALATION_STYLE[view.state])
    items = duty.checklist
    if not items:
        return text
    if compact or not room:
        todo = next((i for i in items if not i.done), None)
        line = (f"☑ {summary(list(items))} next: {one_line(todo.text)} · K"
                if todo else f"☑ checklist {summary(list(items))} done")
        text.append(line[:limit] + "\n", style="" if todo else "green")
        return text
    text.append(f"Checklist {summary(list(items))} (K ticks)\n", style="bold")
    for item in items:
        mark = "☑" if item.done else "☐"
        by = f" ({one_line(item.by)[:30]})" if item.done and item.by else ""
        text.append(f"{mark} {one_line(item.text)}", style="dim" if item.done else "")
        text.append(by + "\n", style="dim")
    return text
