"""Escalation timers: each rule of the incident's severity (`[[incident.escalation]]`, else
the level's own list) counts down from the incident's start; it turns amber shortly before
it is due, red once due, and stops when the incident is resolved.

A due rule is journaled ONCE as an ``escalation`` entry ``{"op": "fired", "key", "to",
"after", "severity", "due"}`` — decided under the journal's lock against the newest entry
about the same key (`Journal.append_unless_known`), so two war rooms on one journal write it
once — and a person acknowledges it (``{"op": "acknowledged", "key", "to"}``, credited to
them). The key is the rule's (`EscalationRule.key`): a severity change keeps what already
fired; rules that fired under an earlier severity stay listed until acknowledged. Pure
functions of the state, the policy and ``now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..config.incident import IncidentPolicy
from ..journal import Entry, Journal, format_time
from .checklist import ChecklistItem
from .clock import mmss
from .model import IncidentState

KIND = "escalation"
AMBER_SHARE = 0.2
"""The amber window is at most this share of a rule's `after`."""
WORDS = {"ok": "in", "amber": "SOON", "red": "DUE", "acked": "ACKED", "fired": "FIRED",
         "stopped": "not needed"}
SYMBOLS = {"ok": "→", "amber": "▲", "red": "✗", "acked": "✓", "fired": "!", "stopped": "-"}


@dataclass
class Record:
    """What the journal says about one rule: fired (the first time), acknowledged."""

    fired: Entry | None = None
    acked: Entry | None = None


@dataclass(frozen=True)
class EscalationView:
    """One timer at an instant. `remaining` is negative once due. States: ok (pending),
    amber (due soon), red (due, not acknowledged), acked; on a resolved incident fired (never
    acknowledged) or stopped (resolved before it was due)."""

    key: str
    to: str
    after: float
    note: str
    due: dt.datetime
    state: str
    remaining: dt.timedelta
    fired_at: dt.datetime | None = None
    acked_at: dt.datetime | None = None
    acked_by: str | None = None

    @property
    def word(self) -> str:
        return WORDS[self.state]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.state]

    def when(self) -> str:
        """The time part: "in 12:30", "DUE 3 min ago", "acked by bob 05:12" ..."""
        if self.state in ("ok", "amber"):
            return f"in {mmss(self.remaining)}"
        if self.state == "red":
            late = int(-self.remaining.total_seconds() // 60)
            return "DUE now" if late < 1 else f"DUE {late} min ago"
        if self.state == "acked":
            at = f" {self.acked_at:%H:%M}" if self.acked_at else ""
            return f"acked by {self.acked_by or '?'}{at}"
        if self.state == "fired":
            return "fired, never acknowledged"
        return "not needed (resolved first)"


def fold_escalations(entries: Iterable[Entry]) -> dict[str, Record]:
    """Per rule key: its first ``fired`` and first ``acknowledged`` entry (file order)."""
    records: dict[str, Record] = {}
    for entry in entries:
        if entry.kind != KIND:
            continue
        key, op = entry.data.get("key"), entry.data.get("op")
        if not isinstance(key, str):
            continue
        record = records.setdefault(key, Record())
        if op == "fired" and record.fired is None:
            record.fired = entry
        elif op == "acknowledged" and record.acked is None:
            record.acked = entry
    return records


def escalations(state: IncidentState, policy: IncidentPolicy, now: dt.datetime,
                records: dict[str, Record] | None = None) -> list[EscalationView]:
    """Every timer of the incident now: the current severity's rules (soonest first), then
    rules that fired under an earlier severity."""
    records = fold_escalations(state.entries) if records is None else records
    rules = policy.escalation_rules(state.severity)
    views = [_view(state, policy, now, r.key, r.to, r.after, r.note, records.get(r.key))
             for r in rules]
    known = {r.key for r in rules}
    for key, record in records.items():
        entry = record.fired or record.acked
        if key in known or entry is None:
            continue
        after = entry.data.get("after")
        after = float(after) if isinstance(after, int | float) and after > 0 else 0.0
        to = entry.data.get("to")
        views.append(_view(state, policy, now, key, to if isinstance(to, str) else key, after,
                           "", record))
    return views


def _view(state: IncidentState, policy: IncidentPolicy, now: dt.datetime, key: str, to: str,
          after: float, note: str, record: Record | None) -> EscalationView:
    limit = dt.timedelta(minutes=after)
    due = state.start + limit
    end = state.resolved_at if state.resolved and state.resolved_at else now
    remaining = due - end
    fired = record.fired.event_time if record and record.fired else None
    acked = record.acked if record else None
    if acked is not None:
        st = "acked"
    elif state.resolved:
        st = "fired" if fired is not None or remaining <= dt.timedelta(0) else "stopped"
    elif fired is not None or remaining <= dt.timedelta(0):
        st = "red"
    elif remaining <= min(dt.timedelta(minutes=policy.escalation_warn), limit * AMBER_SHARE):
        st = "amber"
    else:
        st = "ok"
    return EscalationView(key, to, after, note, due, st, remaining, fired,
                          acked.event_time if acked else None, acked.author if acked else None)


def to_fire(views: Iterable[EscalationView]) -> list[EscalationView]:
    """Due timers the journal does not say fired yet."""
    return [v for v in views if v.state == "red" and v.fired_at is None]


def due(views: Iterable[EscalationView]) -> list[EscalationView]:
    """Timers waiting for an acknowledgement."""
    return [v for v in views if v.state == "red"]


def fire(journal: Journal, state: IncidentState, view: EscalationView, *,
         author: str | None = None, now: dt.datetime | None = None) -> Entry | None:
    """Journal that `view` is due, unless the journal already has an entry about it (fired
    or acknowledged, by any war room): None then. Call from a worker thread (fsync)."""
    data: dict[str, Any] = {"key": view.key, "op": "fired", "to": view.to, "after": view.after,
                            "severity": state.severity, "due": format_time(view.due)}
    if view.note:
        data["note"] = view.note
    return journal.append_unless_known(KIND, view.key, lambda last: None if last else data,
                                       author=author, event_time=now)


def acknowledge(journal: Journal, view: EscalationView, *, author: str | None = None
                ) -> Entry | None:
    """A person acknowledges the escalation (None when it already was)."""
    data = {"key": view.key, "op": "acknowledged", "to": view.to, "after": view.after}

    def decide(last: Entry | None) -> dict[str, Any] | None:
        return None if last is not None and last.data.get("op") == "acknowledged" else data

    return journal.append_unless_known(KIND, view.key, decide, author=author)


def escalation_text(d: dict[str, object]) -> str:
    """An ``escalation`` entry in one line (plain, unsanitized)."""
    after = d.get("after")
    minutes = f" ({after:g} min unresolved)" if isinstance(after, int | float) else ""
    if d.get("op") == "acknowledged":
        return f"Escalation to {d.get('to', '?')} acknowledged"
    note = f" — {d['note']}" if isinstance(d.get("note"), str) and d.get("note") else ""
    return f"ESCALATE to {d.get('to', '?')}{minutes}{note}"


def lines(views: Iterable[EscalationView]) -> list[str]:
    """Plain lines for the CLI and the exports: "✗ Tech Lead — phone (after 30 min): DUE 3
    min ago"."""
    return [f"{v.symbol} {v.to} (after {v.after:g} min): {v.when()}" for v in views]


@dataclass(frozen=True)
class Duty:
    """What the clock panel shows under the clock: the escalation timers and the checklist."""

    escalations: tuple[EscalationView, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()


def due_json(state: IncidentState, policy: IncidentPolicy, now: dt.datetime
             ) -> list[dict[str, Any]]:
    """The escalations waiting for an acknowledgement, for `warroom status --json`."""
    return [{"to": v.to, "after_minutes": v.after, "due_at": format_time(v.due),
             "overdue_seconds": int(-v.remaining.total_seconds()),
             "fired_at": format_time(v.fired_at) if v.fired_at else None,
             **({"note": v.note} if v.note else {})}
            for v in due(escalations(state, policy, now))]


def duty_lines(state: IncidentState, policy: IncidentPolicy, now: dt.datetime) -> list[str]:
    """The post-mortem's Resolution part: the checklist with who ticked what and when, and
    every escalation timer (fired, acknowledged by whom, not needed). Markdown, ends with ""."""
    from .checklist import checklist, summary
    from .export_common import cell, utc

    items = checklist(state, policy)
    out = [f"Incident checklist ({cell(state.severity)}): {summary(items)} done", ""]
    for item in items:
        by = f" — {cell(item.by or '?')} {utc(item.at, date=False)}" if item.done else ""
        out.append(f"- [{'x' if item.done else ' '}] {cell(item.text)}{by}")
    views = escalations(state, policy, now)
    if views:
        out += ["", "Escalations:", ""]
    for v in views:
        fired = f"fired {utc(v.fired_at, date=False)}" if v.fired_at else ""
        if v.state == "acked":
            what = ", ".join(filter(None, [fired, f"acknowledged by {cell(v.acked_by or '?')} "
                                                  f"{utc(v.acked_at, date=False)}"]))
        elif v.state in ("ok", "amber"):
            what = f"due {utc(v.due, date=False)} (in {mmss(v.remaining)})"
        else:
            what = ", ".join(filter(None, [fired, "not needed (resolved first)"
                                           if v.state == "stopped" else "NOT acknowledged"]))
        out.append(f"- {cell(v.to)} (after {v.after:g} min): {what}")
    return [*out, ""]
