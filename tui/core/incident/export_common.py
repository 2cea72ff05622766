"""Helpers shared by the exports: times, durations, safe Markdown, entry descriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tui.core.sanitize import one_line, sanitize

from ..alerts import alert_text
from ..auto_events import container_text
from ..journal import Entry
from .model import IncidentState


def utc(at: dt.datetime | None, date: bool = True) -> str:
    if at is None:
        return "—"
    at = at.astimezone(dt.UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S") if date else at.strftime("%H:%M:%S")


def duration(delta: dt.timedelta | None) -> str:
    """``1h 05m 03s`` style; ``—`` when unknown (or negative: a figure that cannot be)."""
    if delta is None or delta < dt.timedelta(0):
        return "—"
    total = int(delta.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {seconds:02d}s"
    return f"{minutes}m {seconds:02d}s"


def credit(entry: Entry, by_id: dict[str, Entry]) -> str:
    """Who an entry is credited to: its author; a correction names the original's author
    too ("bob, corrected by ann") when someone else corrected it."""
    original = by_id.get(entry.supersedes or "")
    if original is not None and original.author != entry.author:
        return f"{original.author}, corrected by {entry.author}"
    return entry.author


def cell(text: object, limit: int = 300) -> str:
    """Untrusted text made safe for one Markdown table cell."""
    value = one_line(str(text)).replace("\\", "\\\\").replace("|", "\\|")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def block(text: object) -> str:
    """Untrusted multi-line text, controls removed (kept as plain Markdown paragraphs)."""
    return sanitize(str(text)).strip()


def describe(entry: Entry) -> str:
    """One line saying what an entry is about (plain text, unsanitized)."""
    d = entry.data
    if entry.kind == "note":
        return entry.text()
    if entry.kind == "check":
        return check_text(d)
    if entry.kind == "color":
        prev = d.get("previous")
        change = f"{prev} → {d.get('live')}" if prev else f"{d.get('live')}"
        extra = " (sources disagree)" if d.get("disagreement") else ""
        return f"Live color {change}{extra}"
    if entry.kind == "container":
        return container_text(d)
    if entry.kind == "alert":
        return alert_text(d)
    if entry.kind == "action":
        return action_text(entry)
    if entry.kind == "incident":
        return incident_text(d)
    if entry.kind == "item":
        from .items import item_text  # the action items' own module

        return item_text(d)
    if entry.kind == "notify":
        from .export_status import notify_text  # status updates sent: their own module

        return notify_text(d)
    if entry.kind in ("checklist", "escalation"):
        from .checklist import checklist_text  # their own modules
        from .escalation import escalation_text

        return checklist_text(d) if entry.kind == "checklist" else escalation_text(d)
    if entry.kind == "step":
        from ..runbook.ticks import step_text  # runbook ticks: their own module

        return step_text(d)
    return f"{entry.kind}: {d}"


def check_text(d: dict[str, object]) -> str:
    """A check transition; planned maintenance reads as such, never as an outage:
    "Check api-live: in maintenance (…)", "Check api-live: maintenance over → OK"."""
    key, new, reason = d.get("key"), d.get("new"), d.get("reason", "")
    if d.get("maintenance"):
        return f"Check {key}: in maintenance ({reason})"
    if d.get("after_maintenance"):
        return f"Check {key}: maintenance over → {new}" + ("" if new == "OK" else f" ({reason})")
    old = d.get("old") or "(first result)"
    return f"Check {key}: {old} → {new} ({reason})"


def check_state(d: dict[str, object]) -> str:
    """A check entry's new state, MAINTENANCE when it was planned maintenance."""
    return "MAINTENANCE" if d.get("maintenance") else str(d.get("new"))


PROGRESS = ("started", "running")
"""Action outcomes that are steps of an attempt, not its result."""


def action_text(entry: Entry) -> str:
    """An actions-audit entry in one line (keys from `tui.engine.actions`: exit_code,
    duration_s, error/reason; outcome `effect` says whether the intended effect showed)."""
    d = entry.data
    name = d.get("action", "?")
    if d.get("outcome") == "effect":
        verdict = "as intended" if d.get("ok") else "NOT as intended"
        return (f"Action {name} effect: expected {d.get('expected')}, observed "
                f"{d.get('observed')} ({verdict})")
    argv = d.get("argv")
    cmd = " ".join(str(a) for a in argv) if isinstance(argv, list) else ""
    where = f" on {d['where']}" if d.get("where") else ""
    parts = [f"Action {name}{where}: {d.get('outcome', '?')}"]
    code = d.get("exit_code", d.get("exit"))
    if code is not None:
        parts.append(f"exit {code}")
    took = d.get("duration_s", d.get("duration"))
    if isinstance(took, int | float):
        parts.append(f"{took:.1f}s")
    why = d.get("reason") or d.get("error")
    if why:
        parts.append(f"reason: {why}")
    text = ", ".join(parts)
    return f"{text} — `{cmd}`" if cmd else text


def action_result(entry: Entry) -> bool:
    """An action entry that is a result (not a progress step of the attempt)."""
    return entry.kind == "action" and entry.data.get("outcome") not in PROGRESS


NOT_RUN = ("refused", "blocked")
"""Action outcomes of attempts that never ran; so is "cancelled" for an attempt that never
started (dismissed at its confirmation). One stopped while running did run."""


def ran(entries: Iterable[Entry]) -> list[Entry]:
    """The result entries of the attempts that ran, oldest first (the post-mortem's
    Resolution and a status update's actions taken)."""
    entries = list(entries)
    started = {e.data.get("attempt") for e in entries
               if e.kind == "action" and e.data.get("outcome") == "started"}
    return sorted((e for e in entries if action_result(e)
                   and e.data.get("outcome") not in NOT_RUN
                   and (e.data.get("outcome") != "cancelled" or e.data.get("attempt") in started)),
                  key=lambda e: e.event_time)


def incident_text(d: dict[str, object]) -> str:
    op = d.get("op")
    if op == "open":
        return f"Incident declared: {d.get('title')} ({d.get('severity')})"
    if op == "severity":
        return f"Severity {d.get('previous')} → {d.get('severity')}"
    if op == "status":
        return f"Status {d.get('previous')} → {d.get('status')}"
    if op == "milestone":
        verb = "retracted" if d.get("unset") else "reached"
        why = f" ({d['reason']})" if d.get("reason") else ""
        return f"Milestone {d.get('milestone')} {verb}{why}"
    if op == "resolve":
        return "Incident resolved" + (f": {d['summary']}" if d.get("summary") else "")
    if op == "update":
        return f"Status update sent ({d.get('channel')}, {d.get('kind')})"
    if op == "set":
        keys = ", ".join(k for k in d if k != "op")
        return f"Updated {keys}"
    return f"Incident change {op}"


def key_event(entry: Entry) -> bool:
    """Automatic entries that belong in a post-mortem timeline."""
    d = entry.data
    if entry.kind == "incident":
        return d.get("op") != "set" or "start" in d
    if entry.kind == "check":
        return d.get("new") in ("DOWN", "DEGRADED", "OK") and d.get("old") is not None
    if entry.kind == "notify":  # a status update's result per target, not the entry ahead
        return d.get("outcome") in ("sent", "failed")
    return entry.kind in ("color", "container", "alert", "escalation") or action_result(entry)


def current_services(state: IncidentState, prelude: list[Entry]) -> list[tuple[str, str, str]]:
    """(check, state, reason) from the latest check entries, for status updates (state
    MAINTENANCE for planned maintenance)."""
    latest: dict[str, tuple[str, str]] = {}
    for e in sorted([*prelude, *state.entries], key=lambda e: e.event_time):
        if e.kind == "check" and isinstance(e.data.get("key"), str):
            latest[e.data["key"]] = (check_state(e.data), str(e.data.get("reason", "")))
    return [(k, v[0], v[1]) for k, v in sorted(latest.items())]
