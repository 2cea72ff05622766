"""Incident clock: target countdowns, next update due, escalation reminders.

Pure functions of an `IncidentState`, the severity policy and ``now`` (inject any time source;
nothing here reads the system clock). Every state carries a word and a symbol so it reads
without color.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config.incident import IncidentPolicy, Severity
from .model import IncidentState

TARGETS = ("detect", "acknowledge", "mitigate", "recover", "mttr")
LABELS = {"detect": "Detect", "acknowledge": "Acknowledge", "mitigate": "Mitigate",
          "recover": "Recover", "mttr": "MTTR"}
# target → (milestone that starts its clock, milestone that stops it)
SPANS = {
    "detect": ("start", "detected"),
    "acknowledge": ("detected", "acknowledged"),
    "mitigate": ("detected", "mitigated"),
    "recover": ("mitigated", "resolved"),
    "mttr": ("start", "resolved"),
}
WORDS = {"ok": "OK", "amber": "SOON", "red": "BREACHED", "met": "MET", "missed": "MISSED",
         "waiting": "WAITING", "none": "NO TARGET", "unmeasured": "NOT MEASURED",
         "conflict": "CONFLICT"}
SYMBOLS = {"ok": "◷", "amber": "▲", "red": "✗", "met": "✓", "missed": "✗", "waiting": "…",
           "none": "-", "unmeasured": "?", "conflict": "!"}


@dataclass(frozen=True)
class TargetView:
    """One response target: its state now and the time left (negative once breached).

    MET / MISSED only when both ends were recorded and are in order (`took` ≥ 0); a recorded
    end without its beginning is "unmeasured", an end before its beginning a "conflict"
    (`note` says which)."""

    name: str
    limit: dt.timedelta | None
    since: dt.datetime | None
    done_at: dt.datetime | None
    state: str
    remaining: dt.timedelta | None
    note: str = ""

    @property
    def took(self) -> dt.timedelta | None:
        """Beginning → end of a MET / MISSED target (never negative)."""
        if self.state in ("met", "missed") and self.since and self.done_at:
            return self.done_at - self.since
        return None

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def word(self) -> str:
        return WORDS[self.state]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.state]


@dataclass(frozen=True)
class UpdateDue:
    """When the next status update is due (state ok / amber / red = overdue)."""

    due: dt.datetime
    remaining: dt.timedelta
    state: str

    @property
    def word(self) -> str:
        return {"ok": "due", "amber": "DUE SOON", "red": "OVERDUE"}[self.state]


@dataclass(frozen=True)
class Reminder:
    """Something to tell the room, once."""

    key: str
    message: str


def mmss(delta: dt.timedelta, ceil: bool = False) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour), with a leading ``-`` when negative; ``ceil``
    rounds partial seconds up (so a missed 2:00 target never reads "took 02:00")."""
    seconds = delta.total_seconds()
    total = -int(-seconds // 1) if ceil else int(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"
    return f"{sign}{minutes:02d}:{seconds:02d}"


def level_of(state: IncidentState, policy: IncidentPolicy) -> Severity:
    """The incident's severity level (an empty level when the name is unknown)."""
    return policy.level(state.severity) or Severity(state.severity)


def targets(state: IncidentState, policy: IncidentPolicy, now: dt.datetime) -> list[TargetView]:
    """Every target of the incident's severity, in response order. A running countdown whose
    beginning is "detected" counts from the declaration until detection is recorded
    (declaring is the latest possible detection); a result needs both real ends."""
    level = level_of(state, policy)
    points = state.points()
    views = []
    for name in TARGETS:
        minutes = level.target(name)
        begin, end = SPANS[name]
        limit = dt.timedelta(minutes=minutes) if minutes is not None else None
        since, done = points.get(begin), points.get(end)
        if limit is None:
            views.append(TargetView(name, None, since, done, "none", None))
        elif done is not None or end == "detected" or state.resolved:
            span = state.span(begin, end)
            if span.delta is None:
                kind = "conflict" if span.note.startswith("conflict") else "unmeasured"
                views.append(TargetView(name, limit, since, done, kind, None, span.note))
            else:
                st = "met" if span.delta <= limit else "missed"
                views.append(TargetView(name, limit, since, done, st, limit - span.delta))
        elif since is None and begin != "detected":
            views.append(TargetView(name, limit, None, None, "waiting", None))
        else:
            since = since or state.declared_at
            running = max(now - since, dt.timedelta(0))
            remaining = limit - running
            if remaining < dt.timedelta(0):
                st = "red"
            elif running >= limit * policy.amber_at:
                st = "amber"
            else:
                st = "ok"
            views.append(TargetView(name, limit, since, None, st, remaining))
    return views


def update_due(state: IncidentState, policy: IncidentPolicy, now: dt.datetime
               ) -> UpdateDue | None:
    """The next status update, from the last one sent (or the declaration); None if resolved."""
    every = level_of(state, policy).update_every
    if every is None or state.resolved:
        return None
    cadence = dt.timedelta(minutes=every)
    due = (last_sent(state) or state.declared_at) + cadence
    remaining = due - now
    if remaining < dt.timedelta(0):
        st = "red"
    elif remaining <= cadence * (1 - policy.amber_at):
        st = "amber"
    else:
        st = "ok"
    return UpdateDue(due, remaining, st)


def last_sent(state: IncidentState) -> dt.datetime | None:
    """When the last status update went out: recorded by hand (an `update` op) or delivered
    to a `[[notify]]` target (a `notify` entry, outcome sent). A status change alone, or a
    send that failed everywhere, does not restart the cadence."""
    return max((e.entry_time for e in state.live_entries()
                if (e.kind == "incident" and e.data.get("op") == "update")
                or (e.kind == "notify" and e.data.get("outcome") == "sent")), default=None)


def escalations_due(state: IncidentState, policy: IncidentPolicy, now: dt.datetime
                    ) -> list[Reminder]:
    """Escalation steps whose time has come (unresolved incidents only)."""
    if state.resolved:
        return []
    elapsed = state.elapsed(now) or dt.timedelta(0)
    return [
        Reminder(f"{state.id}:escalate:{step.after:g}",
                 f"{state.severity} open {int(step.after)} min: escalate to {step.to}")
        for step in policy.escalation_rules(state.severity)  # [[incident.escalation]]
        if elapsed >= dt.timedelta(minutes=step.after)
    ]


class Reminders:
    """Fires each reminder once per process: escalations, overdue updates, breached targets."""

    def __init__(self) -> None:
        self._fired: set[str] = set()

    def due(self, state: IncidentState, policy: IncidentPolicy, now: dt.datetime
            ) -> list[Reminder]:
        """Reminders that became due since the last call (each key at most once)."""
        candidates = list(escalations_due(state, policy, now))
        upd = update_due(state, policy, now)
        if upd is not None and upd.state == "red":
            candidates.append(Reminder(f"{state.id}:update:{upd.due.isoformat()}",
                                       f"status update overdue (was due {upd.due:%H:%M} UTC)"))
        if not state.resolved:
            for view in targets(state, policy, now):
                if view.state == "red":
                    candidates.append(Reminder(
                        f"{state.id}:breach:{view.name}:{state.severity}",
                        f"{view.label} target of {mmss(view.limit or dt.timedelta())} breached "
                        f"({state.severity})"))
        fresh = [r for r in candidates if r.key not in self._fired]
        self._fired.update(r.key for r in fresh)
        return fresh
