"""Escalation timers and the checklist, UI-free: config, folding, timers at fixed clocks,
fire once across two war rooms on one journal, acknowledge, severity change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tui.core.config import ConfigError, parse_config
from tui.core.incident import Declaration, ops
from tui.core.incident import checklist as cl
from tui.core.incident import escalation as esc
from tui.core.incident.files import Incidents
from tui.core.incident.tracker import IncidentTracker
from tui.core.model import utcnow

RULES = """
[[incident.escalation]]
severity = "P1"
after = 30
to = "Tech Lead — phone"
note = "SEV-1 not resolved in 30 min"

[[incident.escalation]]
severity = ["P0", "P1"]
after = 60
to = "CTO"
"""


def _config(tmp_path: Path, extra: str = RULES):
    return parse_config(f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path}"\n{extra}',
                        env={})


def _declare(tmp_path: Path, severity: str = "P1", ago: float = 0, extra: str = RULES):
    config = _config(tmp_path, extra)
    incidents = Incidents(config.incident)
    start = utcnow() - dt.timedelta(minutes=ago)
    state = ops.declare(incidents, Declaration("Checkout down", severity, start=start),
                        author="ann")
    return config.incident, incidents, state


def _states(views):
    return {v.to: v.state for v in views}


def test_config_rules_checklist_and_validation(tmp_path: Path) -> None:
    policy = _config(tmp_path).incident
    assert [r.to for r in policy.escalation_rules("p1")] == ["Tech Lead — phone", "CTO"]
    assert [r.to for r in policy.escalation_rules("P0")] == ["CTO"]
    assert policy.escalation_rules("P3") == ()
    # without [[incident.escalation]] the preset's own steps apply (P0: 15/30/60)
    preset = _config(tmp_path, "").incident
    assert [r.after for r in preset.escalation_rules("P0")] == [15, 30, 60]
    # the built-in checklist, the customer step for the two most severe levels only
    p0, p3 = preset.checklist_for("P0"), preset.checklist_for("P3")
    assert p0[0].startswith("Acknowledge") and p0[-1] == "Schedule the post-mortem"
    assert len(p0) == len(p3) + 1 and any("customers" in i for i in p0)
    custom = _config(tmp_path, '[incident.checklist]\ndefault = ["a", "b"]\nP0 = ["page"]\n')
    assert custom.incident.checklist_for("p0") == ("page",)
    assert custom.incident.checklist_for("P2") == ("a", "b")

    with pytest.raises(ConfigError) as err:  # line 5 is the first line of the extra text
        _config(tmp_path, '[incident.checklist]\nP9 = ["x"]\ndefault = ["a", "A "]\n')
    text = str(err.value)
    assert ":6: incident.checklist.P9: unknown severity 'P9' (known: P0, P1" in text
    assert ":7: incident.checklist.default: duplicate item 'a'" in text
    with pytest.raises(ConfigError) as err:
        _config(tmp_path, '[[incident.escalation]]\nseverity = "P0"\nafter = 0\nto = "x"\n'
                          '[[incident.escalation]]\nseverity = "P0"\nafter = 5\nto = "  "\n')
    text = str(err.value)
    assert ":7: incident.escalation[0].after: must be greater than 0" in text
    assert ":12: incident.escalation[1].to: must not be empty" in text
    # the severity names are checked once the other keys are fine
    with pytest.raises(ConfigError, match=r"escalation\[0\]\.severity: unknown severity 'SEV-1'"):
        _config(tmp_path, '[[incident.escalation]]\nseverity = ["P1", "SEV-1"]\nafter = 3\n'
                          'to = "x"\n')


def test_timers_at_fixed_clocks_amber_red_and_resolved_stops(tmp_path: Path) -> None:
    policy, _incidents, state = _declare(tmp_path)
    at = state.start
    views = esc.escalations(state, policy, at + dt.timedelta(minutes=10))
    assert _states(views) == {"Tech Lead — phone": "ok", "CTO": "ok"}
    assert views[0].when() == "in 20:00" and views[0].note.startswith("SEV-1")
    # amber: the last 5 minutes (at most a fifth of `after`: 30 min → 5 min, 60 → 5 min)
    amber = esc.escalations(state, policy, at + dt.timedelta(minutes=25, seconds=30))
    assert _states(amber)["Tech Lead — phone"] == "amber"
    assert _states(amber)["CTO"] == "ok"
    red = esc.escalations(state, policy, at + dt.timedelta(minutes=33, seconds=10))
    assert _states(red)["Tech Lead — phone"] == "red"
    assert red[0].when() == "DUE 3 min ago"
    assert [v.to for v in esc.to_fire(red)] == ["Tech Lead — phone"]
    # a short rule: amber for a fifth of it, not 5 of its 10 minutes
    short = _config(tmp_path, '[[incident.escalation]]\nseverity = "P1"\nafter = 10\n'
                              'to = "x"\n').incident
    assert _states(esc.escalations(state, short, at + dt.timedelta(minutes=7)))["x"] == "ok"
    assert _states(esc.escalations(state, short, at + dt.timedelta(minutes=8, seconds=1))
                   )["x"] == "amber"
    # resolved: timers stop; a rule due before resolution that never fired reads as such
    ops.resolve(state, author="ann")
    done = Incidents(policy).load(state.path)
    assert done is not None and done.resolved
    later = esc.escalations(done, policy, at + dt.timedelta(hours=5))
    assert set(_states(later).values()) == {"stopped"}


def test_fire_once_across_two_trackers_ack_and_severity_change(tmp_path: Path) -> None:
    policy, incidents, _state = _declare(tmp_path, ago=31)
    mine, theirs = IncidentTracker(incidents, "ann@a"), IncidentTracker(incidents, "bob@b")
    mine.load()
    theirs.load()
    now = utcnow()
    due_mine = esc.to_fire(esc.escalations(mine.state, policy, now))
    due_theirs = esc.to_fire(esc.escalations(theirs.state, policy, now))
    assert [v.to for v in due_mine] == [v.to for v in due_theirs] == ["Tech Lead — phone"]
    # both war rooms decided it is due; the journal's lock lets one of them write it
    first = esc.fire(mine.journal, mine.state, due_mine[0], author="ann@a", now=now)
    second = esc.fire(theirs.journal, theirs.state, due_theirs[0], author="bob@b", now=now)
    assert first is not None and second is None
    theirs.poll()
    views = esc.escalations(theirs.state, policy, now)
    assert views[0].state == "red" and views[0].fired_at is not None
    assert esc.to_fire(views) == []  # nothing left to fire
    assert "ESCALATE to Tech Lead — phone (30 min unresolved)" in esc.escalation_text(
        first.data)

    # acknowledged by a person, once
    acked = esc.acknowledge(theirs.journal, views[0], author="bob@b")
    assert acked is not None and esc.acknowledge(mine.journal, views[0], author="ann@a") is None
    mine.poll()
    view = esc.escalations(mine.state, policy, now)[0]
    assert view.state == "acked" and view.acked_by == "bob@b"
    assert view.when().startswith("acked by bob@b")

    # severity P1 → P0: the rules are re-evaluated; CTO (P0 and P1) keeps its identity, the
    # Tech Lead rule (P1 only) fired and acked stays listed as history
    ops.set_severity(incidents, mine.state, "P0", author="ann@a")
    mine.poll()
    views = esc.escalations(mine.state, policy, now)
    assert [(v.to, v.state) for v in views] == [("CTO", "ok"), ("Tech Lead — phone", "acked")]
    # a rule that fired under the earlier severity and was never acked still asks for it
    esc.fire(mine.journal, mine.state, esc.escalations(mine.state, policy, now)[0],
             author="ann@a", now=now)
    mine.poll()
    ops.set_severity(incidents, mine.state, "P2", author="ann@a")
    mine.poll()
    assert [(v.to, v.state) for v in esc.escalations(mine.state, policy, now)] == [
        ("Tech Lead — phone", "acked"), ("CTO", "red")]
    assert [e.kind for e in mine.entries].count("escalation") == 3


def test_checklist_ticks_fold_by_text_with_author(tmp_path: Path) -> None:
    policy, incidents, state = _declare(tmp_path, extra=(
        '[incident.checklist]\ndefault = ["Acknowledge", "Post the initial status update"]\n'))
    journal = incidents.journal_for(state)
    cl.tick(journal, "Acknowledge", True, author="ann")
    cl.tick(journal, "post the  INITIAL status update", True, author="bob")
    cl.tick(journal, "Post the initial status update", False, author="bob")
    journal.append("checklist", {"key": "acknowledge", "done": "yes"})  # malformed: ignored
    loaded = incidents.load(state.path)
    assert loaded is not None
    items = cl.checklist(loaded, policy)
    assert [(i.text, i.done, i.by) for i in items] == [
        ("Acknowledge", True, "ann"), ("Post the initial status update", False, None)]
    assert cl.summary(items) == "1/2"
    assert cl.checklist_text({"done": True, "item": "Acknowledge"}) == \
        "Checklist ☑ ticked: Acknowledge"
