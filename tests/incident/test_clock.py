"""The incident clock with an injected time source: amber/red at the right moments, reminders
once, the update cadence; plus the fold, suggestions, classifier and time parsing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tui.core.config.incident import IncidentPolicy
from tui.core.incident import (
    Reminders,
    classify,
    fold,
    parse_when,
    suggest_milestones,
    targets,
    update_due,
)
from tui.core.journal import Entry

T0 = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
POLICY = IncidentPolicy()


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def entry(i: int, kind: str, data: dict, written: float, happened: float | None = None,
          supersedes: str | None = None) -> Entry:
    return Entry(f"e{i}", kind, at(written), at(written if happened is None else happened),
                 "ann@host", data, supersedes)


def incident(severity: str = "P0", *extra: Entry):
    opened = entry(0, "incident", {"op": "open", "title": "API down", "severity": severity},
                   written=0.5, happened=0)  # declared 30 s after the (backdated) start
    state = fold([opened, *extra], Path("/x/inc.jsonl"))
    assert state is not None
    return state


def view(state, name: str, minutes: float):
    return next(v for v in targets(state, POLICY, at(minutes)) if v.name == name)


@pytest.mark.parametrize(("minutes", "expected"), [
    (0.1, "ok"), (2.74, "ok"), (2.75, "amber"), (3.5, "amber"), (3.51, "red"), (30, "red"),
])
def test_mitigate_target_turns_amber_at_75_percent_then_red_when_breached(
        minutes: float, expected: str) -> None:
    # P0 mitigate < 3 min, counted from detection (the declaration at 0.5 when unset):
    # amber once 75 % (2:15) has elapsed, red once the 3:00 is exceeded
    assert view(incident(), "mitigate", minutes).state == expected


def test_mttr_countdown_and_met_or_missed_once_milestones_are_set() -> None:
    state = incident()
    v = view(state, "mttr", 4)
    assert (v.state, v.remaining) == ("ok", dt.timedelta(minutes=6))
    assert view(state, "mttr", 7.5).state == "amber"
    assert view(state, "mttr", 10.01).state == "red"
    assert view(state, "recover", 5).state == "waiting"  # needs "mitigated" first
    done = incident("P0",
                    entry(1, "incident", {"op": "milestone", "milestone": "detected"}, 1, 0.5),
                    entry(2, "incident", {"op": "milestone", "milestone": "mitigated"}, 4, 4),
                    entry(3, "incident", {"op": "resolve"}, 12, 12))
    states = {v.name: v.state for v in targets(done, POLICY, at(60))}
    assert states == {"detect": "met", "acknowledge": "none", "mitigate": "missed",
                      "recover": "missed", "mttr": "missed"}
    assert done.metrics()["MTTR"] == dt.timedelta(minutes=12)
    assert done.metrics()["Time to mitigate"] == dt.timedelta(minutes=3.5)


def test_every_state_has_a_word_and_a_symbol() -> None:
    for v in targets(incident(), POLICY, at(2.5)):
        assert v.word and v.symbol


def test_reminders_fire_once_each_at_their_time() -> None:
    state = incident("P0")
    reminders = Reminders()
    early = reminders.due(state, POLICY, at(1))
    assert early == []
    at_breach = [r.key for r in reminders.due(state, POLICY, at(3.6))]
    assert at_breach == ["inc:breach:mitigate:P0"]
    assert reminders.due(state, POLICY, at(3.7)) == []
    at_15 = [r.message for r in reminders.due(state, POLICY, at(15))]
    assert any("escalate to on-call" in m for m in at_15)
    assert any("MTTR" in m for m in at_15)
    assert not any("leadership" in m for m in at_15)
    at_16 = [r.key for r in reminders.due(state, POLICY, at(16))]
    assert at_16 == ["inc:update:2026-03-01T12:15:30+00:00"]  # P0: every 15 min
    assert reminders.due(state, POLICY, at(17)) == []
    at_61 = [r.message for r in reminders.due(state, POLICY, at(61))]
    escalations = [m for m in at_61 if "escalate" in m]
    assert len(escalations) == 2  # 30 and 60 minutes, each once
    assert reminders.due(state, POLICY, at(62)) == []


def test_next_update_due_follows_the_cadence_and_restarts_when_an_update_is_sent() -> None:
    state = incident("P1")  # updates every 30 min, from the declaration at 0.5
    assert update_due(state, POLICY, at(10)).state == "ok"
    assert update_due(state, POLICY, at(23)).state == "amber"
    overdue = update_due(state, POLICY, at(31))
    assert overdue.state == "red" and overdue.word == "OVERDUE"
    sent = incident("P1", entry(1, "incident", {"op": "update", "channel": "slack"}, 29))
    assert update_due(sent, POLICY, at(31)).due == at(59)
    reminders = Reminders()
    assert [r for r in reminders.due(state, POLICY, at(31)) if ":update:" in r.key]
    assert not [r for r in reminders.due(state, POLICY, at(32)) if ":update:" in r.key]


def test_fold_applies_changes_ignores_superseded_and_keeps_history() -> None:
    state = incident(
        "P2",
        entry(1, "incident", {"op": "severity", "severity": "P1"}, 1),
        entry(2, "incident", {"op": "milestone", "milestone": "mitigated"}, 2),
        entry(3, "incident", {"op": "milestone", "milestone": "mitigated"}, 3, 2.5,
              supersedes="e2"),
        entry(4, "incident", {"op": "status", "status": "identified"}, 4),
        entry(5, "note", {"text": "typo"}, 5),
        entry(6, "note", {"text": "fixed"}, 6, supersedes="e5"),
        entry(7, "incident", {"op": "set", "root_cause": "bad deploy", "start": at(-5)
                              .isoformat()}, 7),
    )
    assert state.severity == "P1" and state.status == "identified"
    assert state.milestones["mitigated"] == at(2.5)
    assert state.superseded == {"e2": "e3", "e5": "e6"}
    assert [e.id for e in state.live_entries() if e.kind == "note"] == ["e6"]
    assert len(state.entries) == 8
    assert state.start == at(-5) and state.fields["root_cause"] == "bad deploy"


def test_suggestions_detected_from_first_failure_mitigated_after_successful_action() -> None:
    def check(i: int, key: str, old: str, new: str, t: float) -> Entry:
        return entry(i, "check", {"key": key, "old": old, "new": new, "reason": "r"}, t)
    state = incident(
        "P1",
        check(1, "api", "OK", "DOWN", 1), check(2, "web", "OK", "DEGRADED", 1.5),
        check(3, "web", "DEGRADED", "OK", 2),  # recovered alone: not a mitigation
        entry(4, "action", {"action": "rollback", "outcome": "ok", "exit": 0}, 3),
        check(5, "api", "DOWN", "OK", 4),
    )
    found = {s.milestone: s for s in suggest_milestones(state)}
    assert found["detected"].at == at(1) and "api" in found["detected"].reason
    assert found["mitigated"].at == at(4) and "rollback" in found["mitigated"].reason


def test_classifier_impact_times_urgency() -> None:
    def sev(**answers: str) -> str:
        return classify(answers, POLICY).severity
    assert sev(scope="platform", accessible="no") == "P0"
    assert sev(scope="tenant", data_risk="yes") == "P0"
    assert sev(scope="feature", accessible="partial", users="few") == "P1"
    assert sev(scope="platform", accessible="yes", users="few") == "P1"
    assert sev(scope="feature", accessible="yes", users="few") == "P2"
    assert sev(scope="feature", accessible="yes", users="none") == "P3"
    assert sev(scope="tenant", accessible="yes", users="none") == "P4"
    sev_scale = IncidentPolicy(scale="SEV")
    assert classify({"scope": "tenant", "users": "none"}, sev_scale).severity == "SEV-4"


def test_parse_when() -> None:
    now = dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)
    assert parse_when("-10m", now) == now - dt.timedelta(minutes=10)
    assert parse_when("10m ago", now) == now - dt.timedelta(minutes=10)
    assert parse_when("00:20", now) == now - dt.timedelta(minutes=10)
    assert parse_when("23:50", now) == dt.datetime(2026, 2, 28, 23, 50, tzinfo=dt.UTC)
    assert parse_when("2026-02-28T23:00Z", now).hour == 23
    with pytest.raises(ValueError):
        parse_when("2027-01-01T00:00Z", now)
    with pytest.raises(ValueError):
        parse_when("yesterday-ish", now)
