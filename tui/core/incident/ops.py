"""Incident changes, validated against the current state and appended to its journal.

Shared by the CLI and the TUI. Each function returns the `Entry` written (durable on return).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..journal import Entry, Journal, format_time
from ..model import utcnow
from .files import Incidents
from .model import MILESTONES, SCOPES, SETTABLE, STATUSES, IncidentState

MAX_NOTE = 16_000
"""Longest note text (characters); the journal line limit is 64 KiB."""


class IncidentError(ValueError):
    """A change that does not make sense (unknown severity, already resolved ...)."""


def declare(
    incidents: Incidents, *, title: str, severity: str | None = None, commander: str = "",
    scope: str = "platform", scope_detail: str = "", impact: str = "",
    start: dt.datetime | None = None, author: str | None = None, allow_concurrent: bool = False,
) -> IncidentState:
    """Open a new incident (its own journal file) and return its state."""
    policy = incidents.policy
    title = title.strip()
    if not title:
        raise IncidentError("an incident needs a title")
    level = policy.level(severity or policy.default)
    if level is None:
        raise IncidentError(f"unknown severity {severity!r} (known: {_names(incidents)})")
    if scope not in SCOPES:
        raise IncidentError(f"scope must be one of {', '.join(SCOPES)}")
    current = incidents.current()
    if current is not None and not allow_concurrent:
        raise IncidentError(f"incident {current.id} ({current.title!r}) is still open; "
                            "resolve it first or declare with allow_concurrent")
    now = utcnow()
    if start is not None and start > now:
        raise IncidentError("the start cannot be in the future")
    path = incidents.new_path(title, now)
    Journal(path).append("incident", {
        "op": "open", "title": title, "severity": level.name, "commander": commander,
        "scope": scope, "scope_detail": scope_detail, "impact": impact,
        "status": "investigating",
    }, author=author, event_time=start or now)
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


def set_status(state: IncidentState, status: str, *, author: str | None = None,
               at: dt.datetime | None = None) -> Entry:
    if status not in STATUSES:
        raise IncidentError(f"status must be one of {', '.join(STATUSES)}")
    if status == state.status:
        raise IncidentError(f"status is already {status}")
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
    if not unset and at < state.start:
        raise IncidentError(f"{milestone} cannot be before the start "
                            f"({format_time(state.start)}); backdate the start first")
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
    if at is not None and at < state.start:
        raise IncidentError("resolution cannot be before the start")
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
        first = min(state.milestones.values(), default=None)
        if first is not None and start > first:
            raise IncidentError("the start cannot be after the first milestone")
        values = {**values, "start": format_time(start)}
    return Journal(state.path).append("incident", {"op": "set", **values}, author=author)


def update_sent(state: IncidentState, *, channel: str, kind: str,
                author: str | None = None) -> Entry:
    """Record that a status update went out (restarts the update cadence)."""
    return Journal(state.path).append("incident", {
        "op": "update", "channel": channel, "kind": kind}, author=author)


def _names(incidents: Incidents) -> str:
    return ", ".join(s.name for s in incidents.policy.levels)
