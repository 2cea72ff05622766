"""The incident as a value folded from its journal (UI-free, no I/O).

Incident changes are ``incident`` entries whose ``data["op"]`` is one of:
- ``open``: title, severity, commander, scope, scope_detail, impact, answers (the declare
  form's classifier answers: accessible, data_risk, users, worsening), failing (the checks
  failing when it was declared: [{key, state, reason}]) — event_time = start, which may be
  backdated to the first signal;
- ``severity``: severity, previous — ``status``: status, previous;
- ``milestone``: milestone (one of MILESTONES), unset (bool); event_time = when it happened;
- ``set``: any of SETTABLE fields (``start`` as an ISO time);
- ``update``: a status update was sent (channel, kind) — restarts the update cadence;
- ``resolve``: status resolved and milestone resolved at event_time.
An entry superseded by a later one is ignored here (it stays in the journal and the timeline).

Milestones are ordered (`ORDER`: start ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved).
`ops` refuses a change that breaks the order; a journal written by an older version may still
hold one, so every figure derived here (`span`, `metrics`, `elapsed`) is None rather than
negative, and `conflicts()` says what is out of order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..journal import Entry
from .marks import apply_pins
from .paging import Recovery, color_entries, first_recovery, is_failure

STATUSES = ("investigating", "identified", "monitoring", "resolved")
MILESTONES = ("detected", "acknowledged", "mitigated", "resolved")
ORDER = ("start", *MILESTONES)
"""Every incident time point, in the order they must happen."""
SCOPES = ("platform", "feature", "tenant")
SCOPE_LABELS = {"platform": "the whole platform", "feature": "one feature", "tenant": "one tenant"}
SETTABLE = ("title", "commander", "scope", "scope_detail", "impact", "start", "root_cause",
            "summary", "links", "contributing_factors", "went_well", "went_poorly", "lessons",
            "prevention")
OPS = ("open", "severity", "status", "milestone", "set", "update", "resolve")
SUCCESS = ("ok", "success", "succeeded", "finished", "done")


@dataclass(frozen=True)
class Declaration:
    """What a person declares (the declare form, `warroom incident open`): the ``open``
    entry's fields. `ops.declare` checks it and writes that entry; `fold` turns the entry
    into an `IncidentState`."""

    title: str
    severity: str | None = None
    """None: the policy's default."""
    commander: str = ""
    scope: str = "platform"
    scope_detail: str = ""
    impact: str = ""
    start: dt.datetime | None = None
    """None: now; may be backdated to the first signal."""
    answers: dict[str, str] = field(default_factory=dict)
    """The classifier's answers (accessible, data_risk, users, worsening): journaled."""


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
    answers: dict[str, str] = field(default_factory=dict)
    """The declare form's classifier answers (accessible, data_risk, users, worsening)."""
    failing: list[dict[str, str]] = field(default_factory=list)
    """Checks failing when the incident was declared: {key, state, reason}."""

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

    def elapsed(self, now: dt.datetime) -> dt.timedelta | None:
        """Start → resolution (or now while open, never below zero); None when the recorded
        resolution is before the start (see `conflicts`)."""
        if self.resolved_at is not None:
            return self.span("start", "resolved").delta
        return max(now - self.start, dt.timedelta(0))

    def points(self) -> dict[str, dt.datetime]:
        """The start and every recorded milestone, by name."""
        return {"start": self.start, **self.milestones}

    def span(self, begin: str, end: str) -> Span:
        """The time from one point to a later one, or why it is not measured."""
        points = self.points()
        a, b = points.get(begin), points.get(end)
        missing = [name for name, t in ((begin, a), (end, b)) if t is None]
        if a is None or b is None:
            return Span(None, f"not measured: {' and '.join(missing)} not recorded")
        if b < a:
            return Span(None, f"conflict: {_before(end, b, begin, a)}")
        return Span(b - a, "")

    def conflicts(self) -> list[str]:
        """Every pair of recorded points out of order ("mitigated 04:55:00 is before
        detected 05:03:00"), e.g. from a journal written by an older version."""
        points = self.points()
        out = []
        for i, later in enumerate(ORDER):
            for earlier in ORDER[:i]:
                a, b = points.get(earlier), points.get(later)
                if a is not None and b is not None and b < a:
                    out.append(_before(later, b, earlier, a))
        return out

    def metrics(self) -> dict[str, dt.timedelta | None]:
        """MTTD (start→detected), MTTA (detected→acknowledged), time to mitigate
        (detected→mitigated) and MTTR (start→resolved), from the milestones; None when an
        end is missing or the two are out of order (never negative)."""
        return {label: self.span(a, b).delta for label, (a, b) in METRIC_SPANS.items()}

    def live_entries(self) -> list[Entry]:
        """Entries not superseded by a correction."""
        return [e for e in self.entries if e.id not in self.superseded]


@dataclass(frozen=True)
class Span:
    """A measured duration (≥ 0), or None with the reason ("not measured: …", "conflict: …")."""

    delta: dt.timedelta | None
    note: str


METRIC_SPANS = {
    "MTTD": ("start", "detected"),
    "MTTA": ("detected", "acknowledged"),
    "Time to mitigate": ("detected", "mitigated"),
    "MTTR": ("start", "resolved"),
}


def hms(at: dt.datetime, other: dt.datetime | None = None) -> str:
    """``HH:MM:SS`` UTC; with the date when ``other`` is another day, with milliseconds when
    both fall in the same second (so a conflict never reads "05:03:00 is before 05:03:00")."""
    at, other = at.astimezone(dt.UTC), other.astimezone(dt.UTC) if other else None
    text = at.strftime("%Y-%m-%d %H:%M:%S" if other and other.date() != at.date()
                       else "%H:%M:%S")
    if other is not None and other.replace(microsecond=0) == at.replace(microsecond=0):
        text += f".{at.microsecond // 1000:03d}"
    return text


def _before(name: str, at: dt.datetime, other: str, other_at: dt.datetime) -> str:
    return f"{name} {hms(at, other_at)} is before {other} {hms(other_at, at)}"


def order_conflict(points: dict[str, dt.datetime], name: str, at: dt.datetime) -> str | None:
    """Why putting point ``name`` at ``at`` would break `ORDER` (None when it fits).
    ``points`` are the current ones (``name``'s own old value is ignored)."""
    index = ORDER.index(name)
    for earlier in ORDER[:index]:
        t = points.get(earlier)
        if t is not None and at < t:
            return _before(name, at, earlier, t)
    for later in ORDER[index + 1:]:
        t = points.get(later)
        if t is not None and at > t:
            return f"{name} {hms(at, t)} is after {later} {hms(t, at)}"
    return None


def fold(entries: list[Entry], path: Path, skipped: list[str] | None = None
         ) -> IncidentState | None:
    """Rebuild the incident from its entries (file order). None when there is no ``open``.
    Pin marks are applied to the entries they mark (`marks.apply_pins`)."""
    entries = apply_pins(entries)
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
                last_update=entry.entry_time, answers=_answers(data.get("answers")),
                failing=_failing(data.get("failing")),
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


def _answers(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def _failing(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [{k: str(v) for k, v in item.items() if k in ("key", "state", "reason")}
            for item in value if isinstance(item, dict) and isinstance(item.get("key"), str)]


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


def suggest_milestones(state: IncidentState, prelude: Iterable[Entry] = (),
                       service_colors: Mapping[str, str] | None = None,
                       history: Iterable[Entry] = ()) -> list[Suggestion]:
    """Milestones proposed from the journal, only for those not yet set.

    detected = the first failing check since the start (not planned maintenance).
    mitigated = the first moment after detected at which no check that pages is failing
    (`paging.first_recovery`): checks of services without a color and of the color live at
    that moment. ``service_colors`` maps a check key (service name) to its color (None or
    empty: every check pages); the live color is read from the ``color`` entries of
    ``history`` (e.g. the audit journal's before the declaration), the prelude and the
    incident's journal.
    """
    prelude = list(prelude)
    timeline = sorted([*prelude, *state.entries], key=lambda e: e.event_time)
    out: list[Suggestion] = []
    detected = state.milestones.get("detected")
    if detected is None:
        for e in timeline:
            if is_failure(e) and e.event_time >= state.start:  # maintenance is no outage
                out.append(Suggestion("detected", e.event_time, _check_text(e)))
                detected = e.event_time
                break
    if "mitigated" not in state.milestones and detected is not None:
        colors = color_entries(history, prelude, state.entries)
        checks = [e for e in timeline if e.kind == "check"]
        found = first_recovery([*colors, *checks], detected, service_colors or {})
        if found is not None:
            out.append(Suggestion("mitigated", found.at, _mitigated_text(found, timeline,
                                                                         state.start)))
    return out


def _mitigated_text(found: Recovery, timeline: list[Entry], start: dt.datetime) -> str:
    """"live checks OK after rollback (blue live)", "all checks OK, no action recorded" …"""
    if found.colored and found.live is not None:
        what, detail = "live checks OK", f" ({found.live} live)"
    else:
        what, detail = "all checks OK", " (live color unknown)" if found.colored else ""
    action = _action_before(timeline, start, found.at)
    return (f"{what} after {action}" if action else f"{what}, no action recorded") + detail


def _action_before(timeline: list[Entry], start: dt.datetime, moment: dt.datetime
                   ) -> str | None:
    """The name of the latest action attempt begun between the start and ``moment`` that did
    not fail (its ``finished`` record may come after the checks recovered)."""
    attempts: dict[str, tuple[dt.datetime, str, bool]] = {}
    for e in timeline:
        if e.kind != "action":
            continue
        key = str(e.data.get("attempt") or e.id)
        began, name, failed = attempts.get(
            key, (e.event_time, str(e.data.get("action") or "action"), False))
        outcome = str(e.data.get("outcome", "")).lower()
        if outcome == "effect":
            failed = failed or e.data.get("ok") is False
        elif outcome not in ("started", "running"):
            failed = failed or not _succeeded(e)
        attempts[key] = (min(began, e.event_time), name, failed)
    done = [(began, name) for began, name, failed in attempts.values()
            if not failed and start <= began <= moment]
    return max(done)[1] if done else None


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
