"""Incident changes, validated against the current state and appended to its journal.

Shared by the CLI and the TUI. Each function returns the `Entry` written (durable on return).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..journal import Entry, Journal, format_time
from ..model import utcnow
from . import marks
from .files import Incidents
from .model import (
    MILESTONES,
    SCOPES,
    SETTABLE,
    STATUSES,
    Declaration,
    IncidentState,
    order_conflict,
)

MAX_NOTE = 16_000
"""Longest note text (characters); the journal line limit is 64 KiB."""


class IncidentError(ValueError):
    """A change that does not make sense (unknown severity, already resolved ...)."""


class OrderError(IncidentError):
    """A time that breaks start ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved; the
    message names the conflict ("mitigated 04:55:00 is before detected 05:03:00")."""


FUTURE_SLACK = dt.timedelta(seconds=5)
"""A time this far ahead of the clock is accepted (another machine's clock)."""


def check_order(state: IncidentState, name: str, at: dt.datetime) -> None:
    """Raise `OrderError` if point ``name`` at ``at`` would be out of order (or future)."""
    if at > utcnow() + FUTURE_SLACK:
        raise OrderError(f"{name} {format_time(at)} is in the future")
    points = {k: v for k, v in state.points().items() if k != name}
    problem = order_conflict(points, name, at)
    if problem:
        raise OrderError(f"refused: {problem}")


def declare(
    incidents: Incidents, declaration: Declaration, *, author: str | None = None,
    allow_concurrent: bool = False, failing: list[dict[str, str]] | None = None,
) -> IncidentState:
    """Open a new incident (its own journal file) and return its state. The declaration's
    ``answers`` (the classifier's) and ``failing``, the checks failing now ({key, state,
    reason}), both reach the post-mortem's impact table."""
    policy, d = incidents.policy, declaration
    title = d.title.strip()
    if not title:
        raise IncidentError("an incident needs a title")
    level = policy.level(d.severity or policy.default)
    if level is None:
        raise IncidentError(f"unknown severity {d.severity!r} (known: {_names(incidents)})")
    if d.scope not in SCOPES:
        raise IncidentError(f"scope must be one of {', '.join(SCOPES)}")
    current = incidents.current()
    if current is not None and not allow_concurrent:
        raise IncidentError(f"incident {current.id} ({current.title!r}) is still open; "
                            "resolve it first or declare with allow_concurrent")
    now, start = utcnow(), d.start
    if start is not None and start > now + FUTURE_SLACK:
        raise OrderError(f"the start {format_time(start)} is in the future")
    data: dict[str, Any] = {
        "op": "open", "title": title, "severity": level.name, "commander": d.commander,
        "scope": d.scope, "scope_detail": d.scope_detail, "impact": d.impact,
        "status": "investigating",
    }
    if d.answers:
        data["answers"] = {k: v for k, v in d.answers.items() if k != "scope" and v}
    if failing:
        data["failing"] = [dict(f) for f in failing][:50]
    path = incidents.new_path(title, now)
    Journal(path).append("incident", data, author=author, event_time=min(start or now, now))
    state = incidents.load(path)
    assert state is not None
    return state


def note(journal: Journal, text: str, *, author: str | None = None,
         at: dt.datetime | None = None, pinned: bool = False, supersedes: str | None = None,
         evidence: dict[str, Any] | None = None) -> Entry:
    """A person's note (multi-line), optionally backdated, pinned, correcting another."""
    text = text.strip("\n")
    if not text.strip():
        raise IncidentError("empty note")
    if len(text) > MAX_NOTE:
        raise IncidentError(f"note too long ({len(text)} characters, max {MAX_NOTE})")
    data: dict[str, Any] = {"text": text}
    if evidence:
        data["evidence"] = evidence
    return journal.append("note", data, author=author, event_time=at, pinned=pinned,
                          supersedes=supersedes)


def pin(journal: Journal, target: str, pinned: bool = True, *,
        author: str | None = None) -> Entry:
    """Pin (or unpin) an entry: a mark on it, credited to ``author``; the entry itself keeps
    its author and time. ``target`` is an entry id or unique prefix in ``journal``."""
    entry = marks.find(journal.load().entries, target)
    if entry is None:
        raise IncidentError(f"no entry {target!r} in {journal.path.stem}")
    if entry.pinned == pinned:
        raise IncidentError(f"{entry.id} is already {'pinned' if pinned else 'not pinned'}")
    return journal.append(marks.PIN, marks.pin_data(entry.id, pinned), author=author)


def set_status(state: IncidentState, status: str, *, author: str | None = None,
               at: dt.datetime | None = None) -> Entry:
    if status not in STATUSES:
        raise IncidentError(f"status must be one of {', '.join(STATUSES)}")
    if status == state.status:
        raise IncidentError(f"status is already {status}")
    if status == "resolved" and "resolved" not in state.milestones:
        check_order(state, "resolved", at or utcnow())
    return Journal(state.path).append("incident", {
        "op": "status", "status": status, "previous": state.status}, author=author,
        event_time=at)


def set_severity(incidents: Incidents, state: IncidentState, severity: str, *,
                 author: str | None = None) -> Entry:
    level = incidents.policy.level(severity)
    if level is None:
        raise IncidentError(f"unknown severity {severity!r} (known: {_names(incidents)})")
    if level.name == state.severity:
        raise IncidentError(f"severity is already {level.name}")
    return Journal(state.path).append("incident", {
        "op": "severity", "severity": level.name, "previous": state.severity}, author=author)


def set_milestone(state: IncidentState, milestone: str, *, author: str | None = None,
                  at: dt.datetime | None = None, unset: bool = False,
                  reason: str = "") -> Entry:
    """Record (or retract) a milestone; ``reason`` says where a suggested time came from."""
    if milestone not in MILESTONES:
        raise IncidentError(f"milestone must be one of {', '.join(MILESTONES)}")
    at = at or utcnow()
    if not unset:
        check_order(state, milestone, at)
    data: dict[str, Any] = {"op": "milestone", "milestone": milestone}
    if unset:
        data["unset"] = True
    if reason:
        data["reason"] = reason
    return Journal(state.path).append("incident", data, author=author, event_time=at)


def resolve(state: IncidentState, *, author: str | None = None, at: dt.datetime | None = None,
            summary: str = "") -> Entry:
    if state.resolved:
        raise IncidentError(f"incident {state.id} is already resolved")
    check_order(state, "resolved", at or utcnow())
    data: dict[str, Any] = {"op": "resolve", "previous": state.status}
    if summary:
        data["summary"] = summary
    return Journal(state.path).append("incident", data, author=author, event_time=at)


def set_fields(state: IncidentState, values: dict[str, str], *,
               author: str | None = None) -> Entry:
    """Change descriptive fields (title, commander, scope, impact, start, root cause ...)."""
    bad = [k for k in values if k not in SETTABLE]
    if bad:
        raise IncidentError(f"cannot set {bad[0]!r} (settable: {', '.join(SETTABLE)})")
    if "scope" in values and values["scope"] not in SCOPES:
        raise IncidentError(f"scope must be one of {', '.join(SCOPES)}")
    if "start" in values:
        start = dt.datetime.fromisoformat(values["start"]).astimezone(dt.UTC)
        check_order(state, "start", start)
        values = {**values, "start": format_time(start)}
    return Journal(state.path).append("incident", {"op": "set", **values}, author=author)


def update_sent(state: IncidentState, *, channel: str, kind: str,
                author: str | None = None) -> Entry:
    """Record that a status update went out (restarts the update cadence)."""
    return Journal(state.path).append("incident", {
        "op": "update", "channel": channel, "kind": kind}, author=author)


def _names(incidents: Incidents) -> str:
    return ", ".join(s.name for s in incidents.policy.levels)
