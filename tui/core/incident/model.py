"""The incident as a value folded from its journal (UI-free, no I/O).

Incident changes are ``incident`` entries whose ``data["op"]`` is one of:
- ``open``: title, severity, commander, scope, scope_detail, impact (event_time = start,
  which may be backdated to the first signal);
- ``severity``: severity, previous — ``status``: status, previous;
- ``milestone``: milestone (one of MILESTONES), unset (bool); event_time = when it happened;
- ``set``: any of SETTABLE fields (``start`` as an ISO time);
- ``update``: a status update was sent (channel, kind) — restarts the update cadence;
- ``resolve``: status resolved and milestone resolved at event_time.
An entry superseded by a later one is ignored here (it stays in the journal and the timeline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..journal import Entry

STATUSES = ("investigating", "identified", "monitoring", "resolved")
MILESTONES = ("detected", "acknowledged", "mitigated", "resolved")
SCOPES = ("platform", "feature", "tenant")
SCOPE_LABELS = {"platform": "the whole platform", "feature": "one feature", "tenant": "one tenant"}
SETTABLE = ("title", "commander", "scope", "scope_detail", "impact", "start", "root_cause",
            "summary", "links")
OPS = ("open", "severity", "status", "milestone", "set", "update", "resolve")
FAILING = ("DOWN", "DEGRADED")
SUCCESS = ("ok", "success", "succeeded", "finished", "done")


@dataclass
class IncidentState:
    """Everything known about one incident after folding its journal."""

    id: str
    path: Path
    title: str
    severity: str
    commander: str
    scope: str
    scope_detail: str
    impact: str
    start: dt.datetime
    declared_at: dt.datetime
    declared_by: str
    status: str = "investigating"
    milestones: dict[str, dt.datetime] = field(default_factory=dict)
    milestone_by: dict[str, str] = field(default_factory=dict)
    last_update: dt.datetime | None = None
    fields: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    superseded: dict[str, str] = field(default_factory=dict)
    """old id → id of the entry that supersedes it."""
    skipped: list[str] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"

    @property
    def resolved_at(self) -> dt.datetime | None:
        return self.milestones.get("resolved")

    @property
    def scope_text(self) -> str:
        label = SCOPE_LABELS.get(self.scope, self.scope)
        return f"{label}: {self.scope_detail}" if self.scope_detail else label

    def elapsed(self, now: dt.datetime) -> dt.timedelta:
        """Start → resolution (or now while open)."""
        return (self.resolved_at or now) - self.start

    def metrics(self) -> dict[str, dt.timedelta | None]:
        """MTTD (start→detected), MTTA (detected→acknowledged), time to mitigate
        (detected→mitigated) and MTTR (start→resolved), from the milestones."""
        m = self.milestones
        return {
            "MTTD": _diff(self.start, m.get("detected")),
            "MTTA": _diff(m.get("detected"), m.get("acknowledged")),
            "Time to mitigate": _diff(m.get("detected"), m.get("mitigated")),
            "MTTR": _diff(self.start, m.get("resolved")),
        }

    def live_entries(self) -> list[Entry]:
        """Entries not superseded by a correction."""
        return [e for e in self.entries if e.id not in self.superseded]


def _diff(a: dt.datetime | None, b: dt.datetime | None) -> dt.timedelta | None:
    return b - a if a is not None and b is not None else None


def fold(entries: list[Entry], path: Path, skipped: list[str] | None = None
         ) -> IncidentState | None:
    """Rebuild the incident from its entries (file order). None when there is no ``open``."""
    superseded = {e.supersedes: e.id for e in entries if e.supersedes}
    state: IncidentState | None = None
    for entry in entries:
        if entry.kind != "incident" or entry.id in superseded:
            continue
        data = entry.data
        op = data.get("op")
        if op == "open" and state is None:
            state = IncidentState(
                id=path.stem, path=path, title=_s(data, "title", "(untitled)"),
                severity=_s(data, "severity", "?"), commander=_s(data, "commander", entry.author),
                scope=_s(data, "scope", "platform"), scope_detail=_s(data, "scope_detail"),
                impact=_s(data, "impact"), start=entry.event_time,
                declared_at=entry.entry_time, declared_by=entry.author,
                last_update=entry.entry_time,
            )
        elif state is not None:
            _apply(state, entry, op, data)
    if state is not None:
        state.entries = list(entries)
        state.superseded = superseded
        state.skipped = list(skipped or [])
    return state


def _apply(state: IncidentState, entry: Entry, op: Any, data: dict[str, Any]) -> None:
    if op == "severity" and isinstance(data.get("severity"), str):
        state.severity = data["severity"]
    elif op == "status" and data.get("status") in STATUSES:
        state.status = data["status"]
        state.last_update = entry.entry_time
        if state.status == "resolved":
            state.milestones.setdefault("resolved", entry.event_time)
            state.milestone_by.setdefault("resolved", entry.author)
        else:
            state.milestones.pop("resolved", None)  # reopened
    elif op == "milestone" and data.get("milestone") in MILESTONES:
        name = data["milestone"]
        if data.get("unset"):
            state.milestones.pop(name, None)
            state.milestone_by.pop(name, None)
        else:
            state.milestones[name] = entry.event_time
            state.milestone_by[name] = entry.author
    elif op == "resolve":
        state.status = "resolved"
        state.milestones["resolved"] = entry.event_time
        state.milestone_by["resolved"] = entry.author
        state.last_update = entry.entry_time
        if isinstance(data.get("summary"), str) and data["summary"]:
            state.fields["summary"] = data["summary"]
    elif op == "update":
        state.last_update = entry.entry_time
    elif op == "set":
        for key in SETTABLE:
            value = data.get(key)
            if not isinstance(value, str):
                continue
            if key == "start":
                try:
                    state.start = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
                except ValueError:
                    continue
            elif key in ("title", "commander", "scope", "scope_detail", "impact"):
                setattr(state, key, value)
            else:
                state.fields[key] = value


def _s(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return value if isinstance(value, str) and value else default


def check_states(entries: list[Entry], until: dt.datetime | None = None) -> dict[str, str]:
    """The latest state per check key from ``check`` entries (optionally up to a time)."""
    states: dict[str, str] = {}
    for e in entries:
        if e.kind == "check" and (until is None or e.event_time <= until):
            key, new = e.data.get("key"), e.data.get("new")
            if isinstance(key, str) and isinstance(new, str):
                states[key] = new
    return states


@dataclass(frozen=True)
class Suggestion:
    """A milestone proposed from telemetry; a person confirms it."""

    milestone: str
    at: dt.datetime
    reason: str


def suggest_milestones(state: IncidentState, prelude: list[Entry] = ()  # type: ignore[assignment]
                       ) -> list[Suggestion]:
    """detected = first failing check since the start; mitigated = every check OK again after
    a successful action. Only for milestones not yet set."""
    timeline = sorted([*prelude, *state.entries], key=lambda e: e.event_time)
    out: list[Suggestion] = []
    if "detected" not in state.milestones:
        for e in timeline:
            if e.kind == "check" and e.data.get("new") in FAILING and e.event_time >= state.start:
                out.append(Suggestion("detected", e.event_time, _check_text(e)))
                break
    if "mitigated" not in state.milestones:
        acted: Entry | None = None
        states: dict[str, str] = {}
        for e in timeline:
            if e.kind == "check" and isinstance(e.data.get("key"), str):
                states[e.data["key"]] = str(e.data.get("new"))
                if (acted and e.data.get("new") == "OK"
                        and all(v == "OK" for v in states.values())):
                    name = acted.data.get("action", "action")
                    out.append(Suggestion("mitigated", e.event_time,
                                          f"all checks OK after {name}"))
                    break
            elif e.kind == "action" and _succeeded(e) and e.event_time >= state.start:
                acted = e
    return out


def _succeeded(entry: Entry) -> bool:
    """A finished action (the actions audit's `finished`, or exit status 0)."""
    d = entry.data
    outcome = str(d.get("outcome", "")).lower()
    if outcome in ("started", "running", "effect", "cancelled", "blocked", "failed"):
        return False
    return outcome in SUCCESS or d.get("exit_code", d.get("exit")) == 0


def _check_text(e: Entry) -> str:
    d = e.data
    return f"{d.get('key')}: {d.get('old') or '(first)'} → {d.get('new')} ({d.get('reason', '')})"
