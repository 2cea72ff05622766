"""`warroom incident status` as plain text: the clock, conflicts, unreadable journal lines and
the last entries (journal text sanitized)."""

from __future__ import annotations

import datetime as dt

from tui.core.auto_events import without_amended
from tui.core.config.incident import IncidentPolicy
from tui.core.incident import (
    MILESTONES,
    Incidents,
    IncidentState,
    mmss,
    targets,
    update_due,
)
from tui.core.incident.clock import TargetView
from tui.core.incident.export_common import describe, utc
from tui.core.journal import Journal
from tui.core.sanitize import one_line, sanitize


def one_line_lines(text: str) -> str:
    return "".join(one_line(line) + "\n" for line in text.splitlines())


def target_detail(view: TargetView) -> str:
    """What one target line says after its word (every figure ≥ 0)."""
    limit = mmss(view.limit or dt.timedelta())
    if view.took is not None:
        return f"took {mmss(view.took, ceil=True)} (target {limit})"
    if view.state in ("unmeasured", "conflict"):
        return f"{view.note} (target {limit})"
    if view.remaining is None:
        return "waiting for the previous milestone"
    if view.state == "red":
        return f"over by {mmss(-view.remaining)} (target {limit})"
    return f"{mmss(view.remaining)} left (target {limit})"


def render_status(state: IncidentState, incidents: Incidents, now: dt.datetime,
                  last: int) -> str:
    """The clock and the last entries as plain text (journal text sanitized)."""
    policy = incidents.policy
    elapsed = state.elapsed(now)
    lines = [
        one_line(f"INCIDENT {state.id}: {state.title}"),
        one_line(f"  {state.severity} · {state.status.upper()} · commander "
                 f"{state.commander or '—'} · scope {state.scope_text}"),
        f"  now {utc(now)} UTC · start {utc(state.start)} · elapsed "
        f"{mmss(elapsed) if elapsed is not None else '— (out of order)'}"
        + ("" if not state.resolved else f" · resolved {utc(state.resolved_at)}"),
        "  milestones: " + " · ".join(
            f"{m} {utc(state.milestones[m], date=False) if m in state.milestones else '—'}"
            for m in MILESTONES),
    ]
    lines += [f"  ! out of order: {c}" for c in state.conflicts()]
    for view in targets(state, policy, now):
        if view.limit is not None:
            lines.append(f"  {view.symbol} {view.label:<11} {view.word:<9} "
                         f"{target_detail(view)}")
    due = update_due(state, policy, now)
    if due is not None:
        lines.append(f"  next update {due.word} in {mmss(due.remaining)} "
                     f"({utc(due.due, date=False)} UTC)" if due.state != "red" else
                     f"  next update OVERDUE by {mmss(-due.remaining)}")
    lines += duty_status(state, policy, now)
    for s in incidents.suggestions(state):
        lines.append(one_line(f"  suggested: {s.milestone} at {utc(s.at, date=False)} "
                              f"({s.reason}) → warroom incident milestone {s.milestone} "
                              "--suggested"))
    lines += unreadable_lines(state, incidents)
    if last > 0:
        lines.append("  last entries:")
        for e in without_amended(state.entries)[-last:]:  # a crash loop: its latest row
            mark = ("📌" if e.pinned else " ") + ("~" if e.id in state.superseded else " ")
            text = sanitize(describe(e)).replace("\n", " ⏎ ")
            lines.append(one_line(f"  {mark}{utc(e.event_time, date=False)} {e.author} "
                                  f"[{e.kind}] {text} ({e.id})"))
    return "\n".join(lines) + "\n"


def unreadable_lines(state: IncidentState | None, incidents: Incidents) -> list[str]:
    """The journal lines skipped as unreadable (the war room's toast points here): the
    incident's and the standing audit journal's, each with its line number and why."""
    found = [(state.path, list(state.skipped))] if state is not None else []
    if incidents.audit_path.exists():
        found.append((incidents.audit_path, Journal(incidents.audit_path).load().skipped))
    lines = []
    for path, skipped in found:
        if skipped:
            lines.append(f"  unreadable lines in {path} ({len(skipped)}, skipped, file "
                         "unchanged):")
            lines += [one_line(f"    {why}") for why in skipped]
    return lines


def duty_status(state: IncidentState, policy: IncidentPolicy, now: dt.datetime) -> list[str]:
    """The escalation timers ("! ESCALATE → Tech Lead — phone (after 30 min): DUE 3 min
    ago") and the checklist ("checklist 3/9: ☑ Acknowledge … ☐ …") of `incident show`."""
    from tui.core.incident.checklist import checklist, summary
    from tui.core.incident.escalation import escalations

    lines = []
    for v in escalations(state, policy, now):
        mark = "! ESCALATE →" if v.state == "red" else f"  {v.symbol}"
        lines.append(one_line(f"  {mark} {v.to} (after {v.after:g} min): {v.when()}"))
    items = checklist(state, policy)
    if items:
        lines.append(f"  checklist {summary(items)}:")
        lines += [one_line(f"    {'☑' if i.done else '☐'} {i.text}"
                           + (f" ({i.by} {utc(i.at, date=False)})" if i.done and i.at else ""))
                  for i in items]
    return lines
