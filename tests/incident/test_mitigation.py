"""The suggested "mitigated": the first moment after detected at which no check that pages is
failing — the live color's and the uncolored ones, not the idle color that serves no traffic;
maintenance-marked transitions neither fail nor recover."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tui.core.config import load_config
from tui.core.incident import Incidents, fold, suggest_milestones
from tui.core.incident.model import IncidentState, Suggestion
from tui.core.journal import Entry, Journal
from tui.core.model import utcnow

from .conftest import warroom

T0 = dt.datetime(2026, 3, 1, 5, 7, 43, tzinfo=dt.UTC)
COLORS = {"api-blue": "blue", "api-green": "green"}  # api-live (the router) has no color
ATTEMPT = {"attempt": "a1", "action": "rollback", "where": "local"}


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


class Log:
    """Entries numbered in writing order, each at an event time in seconds after T0."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(self, kind: str, data: dict, t: float) -> Entry:
        e = Entry(f"e{len(self.entries)}", kind, at(t), at(t), "warroom@host", data)
        self.entries.append(e)
        return e

    def check(self, key: str, old: str | None, new: str, t: float, **extra: object) -> Entry:
        return self.add("check", {"key": key, "old": old, "new": new, "reason": "r", **extra}, t)

    def color(self, live: str | None, t: float, **extra: object) -> Entry:
        idle = {"blue": "green", "green": "blue"}.get(live or "")
        return self.add("color", {"live": live, "idle": idle, "previous": None} | extra, t)


def declared(log: Log, at_s: float = 9) -> IncidentState:
    opened = Entry("open", "incident", at(at_s), at(0), "alice",
                   {"op": "open", "title": "API down", "severity": "P1"})
    state = fold([opened, *log.entries], Path("/x/inc.jsonl"))
    assert state is not None
    return state


def mitigated(suggestions: list[Suggestion]) -> Suggestion | None:
    return next((s for s in suggestions if s.milestone == "mitigated"), None)


def rollback_outage(live_known: bool = True) -> Log:
    """Green live breaks at 05:07:43; rolled back to blue at 05:08:03, the router OK at
    05:08:05; idle green stays DOWN until maintenance-off brings everything OK at 05:08:40."""
    log = Log()
    if live_known:
        log.color("green", -600)
    log.check("api-green", "OK", "DOWN", 0)
    log.check("api-live", "OK", "DOWN", 0.5)
    log.add("action", {**ATTEMPT, "outcome": "started"}, 15)
    if live_known:
        log.color("blue", 20)
    log.check("api-live", "DOWN", "OK", 22)  # 05:08:05
    log.add("action", {**ATTEMPT, "outcome": "finished", "exit_code": 0}, 24)
    log.add("action", {**ATTEMPT, "outcome": "effect", "ok": True}, 24.5)
    log.add("action", {"attempt": "a2", "action": "maintenance-off", "outcome": "finished",
                       "exit_code": 0}, 55)
    log.check("api-green", "DOWN", "OK", 57)  # 05:08:40: the idle color fixed, later
    return log


def test_mitigated_when_the_live_checks_are_ok_after_a_rollback_though_idle_green_is_down(
) -> None:
    log = rollback_outage()
    history = log.entries[:1]  # green live: recorded in the audit journal long before
    log.entries = log.entries[1:]
    state = declared(log)
    found = mitigated(suggest_milestones(state, [], COLORS, history))
    assert found is not None and found.at == at(22), found
    assert found.reason == "live checks OK after rollback (blue live)"
    detected = next(s for s in suggest_milestones(state, [], COLORS, history)
                    if s.milestone == "detected")
    assert detected.at == at(0)


def test_the_rollback_itself_is_the_moment_when_only_colored_checks_failed() -> None:
    log = Log()
    log.color("green", -60)
    log.check("api-green", "OK", "DOWN", 1)
    log.add("action", {**ATTEMPT, "outcome": "started"}, 10)
    log.color("blue", 12)  # green is idle from here: nothing that pages is failing
    log.add("action", {**ATTEMPT, "outcome": "finished", "exit_code": 0}, 14)
    found = mitigated(suggest_milestones(declared(log), [], COLORS))
    assert found is not None and found.at == at(12)
    assert found.reason.startswith("live checks OK after rollback")


def test_the_live_color_before_the_first_recorded_change_is_its_previous() -> None:
    # the war room journals changes of the live color, not its first reading
    log = Log()
    log.check("api-blue", "OK", "DOWN", -30)  # idle blue broken before anything (a bad deploy)
    log.check("api-live", "OK", "DOWN", 0)
    log.add("action", {"attempt": "a4", "action": "restart-router", "outcome": "finished",
                       "exit_code": 0}, 8)
    log.check("api-live", "DOWN", "OK", 10)
    log.check("api-blue", "DOWN", "OK", 25)
    log.color("blue", 30, previous="green")
    found = mitigated(suggest_milestones(declared(log), [], COLORS))
    assert found is not None and found.at == at(10), found
    assert found.reason == "live checks OK after restart-router (green live)"


def test_unknown_live_color_waits_for_every_colored_check() -> None:
    log = rollback_outage(live_known=False)
    found = mitigated(suggest_milestones(declared(log), [], COLORS))
    assert found is not None and found.at == at(57), found
    assert found.reason == "all checks OK after maintenance-off (live color unknown)"
    # sources that disagree leave the live color unknown as well
    log = rollback_outage()
    log.entries[4].data["disagreement"] = True  # the switch to blue, disputed
    assert mitigated(suggest_milestones(declared(log), [], COLORS)).at == at(57)
    # without a service → color map every check pages (as before)
    assert mitigated(suggest_milestones(declared(rollback_outage()))).at == at(57)


def test_maintenance_down_on_the_live_service_neither_blocks_nor_counts_as_recovery() -> None:
    # api-live goes into planned maintenance while green (live) is broken: no block
    log = Log()
    log.color("green", -60)
    log.check("api-green", "OK", "DOWN", 0)
    log.check("api-live", "OK", "DOWN", 5, maintenance=True)
    log.add("action", {"attempt": "a3", "action": "restart-green", "outcome": "finished",
                       "exit_code": 0}, 10)
    log.check("api-green", "DOWN", "OK", 12)
    found = mitigated(suggest_milestones(declared(log), [], COLORS))
    assert found is not None and found.at == at(12)
    assert found.reason == "live checks OK after restart-green (green live)"
    # the live service was really down, then maintenance masks it: not a recovery
    log = Log()
    log.color("blue", -60)
    log.check("api-live", "OK", "DOWN", 0)
    log.check("api-live", "DOWN", "DOWN", 20, maintenance=True)
    log.check("api-green", "OK", "DOWN", 25)  # idle: never blocks, never "recovers"
    log.check("api-green", "DOWN", "OK", 30)
    suggested = suggest_milestones(declared(log), [], COLORS)
    assert [s.milestone for s in suggested] == ["detected"]
    log.check("api-live", "DOWN", "OK", 40)  # maintenance off, the router answers again
    found = mitigated(suggest_milestones(declared(log), [], COLORS))
    assert found is not None and found.at == at(40)
    assert found.reason == "live checks OK, no action recorded (blue live)"
    # a maintenance DOWN alone is no outage: nothing detected, nothing mitigated
    log = Log()
    log.check("api-live", "OK", "DOWN", 5, maintenance=True)
    log.check("api-live", "DOWN", "OK", 50)
    assert suggest_milestones(declared(log), [], COLORS) == []


def test_a_failed_rollback_is_not_named_and_a_set_detected_is_the_lower_bound() -> None:
    log = Log()
    log.check("api-live", "OK", "DOWN", 0)
    log.add("action", {**ATTEMPT, "outcome": "started"}, 5)
    log.add("action", {**ATTEMPT, "outcome": "failed", "exit_code": 1}, 6)
    log.check("api-live", "DOWN", "OK", 8)  # flapped back before anyone detected it
    log.check("api-live", "OK", "DOWN", 12)
    log.check("api-live", "DOWN", "OK", 30)
    log.add("incident", {"op": "milestone", "milestone": "detected"}, 10)
    found = mitigated(suggest_milestones(declared(log, at_s=11), [], {}))  # no colors
    assert found is not None and found.at == at(30)
    assert found.reason == "all checks OK, no action recorded"


def test_cli_suggests_the_rollback_time_from_the_configs_colors_and_the_audit_history(
        tmp_path: Path) -> None:
    """Real files and a real `warroom incident` process: the live color recorded in the audit
    journal long before the incident, the services' colors from the config."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
        '[color]\ncolors = ["blue", "green"]\n'
        + "".join(f'[[services]]\nname = "api-{c}"\nurl = "http://127.0.0.1:9/{c}"\n'
                  f'color = "{c}"\n' for c in ("blue", "green"))
        + '[[services]]\nname = "api-live"\nurl = "http://127.0.0.1:9/live"\n')
    incidents = Incidents.from_config(load_config(config))
    assert incidents.service_colors == COLORS
    now = utcnow().replace(microsecond=0)
    audit = Journal(incidents.audit_path)
    audit.append("color", {"live": "green", "idle": "blue", "previous": None},
                 event_time=now - dt.timedelta(hours=2))
    audit.append("check", {"key": "api-green", "old": "OK", "new": "DOWN", "reason": "503"},
                 event_time=now - dt.timedelta(seconds=60))
    audit.append("check", {"key": "api-live", "old": "OK", "new": "DOWN", "reason": "503"},
                 event_time=now - dt.timedelta(seconds=59))
    warroom("incident", "open", "--config", str(config), "--title", "API down", "--severity",
            "P1", "--start", "2m", cwd=tmp_path)
    state = incidents.current()
    assert state is not None
    journal = Journal(state.path)
    journal.append("action", {**ATTEMPT, "outcome": "started"})
    journal.append("color", {"live": "blue", "idle": "green", "previous": "green"})
    back = journal.append("check", {"key": "api-live", "old": "DOWN", "new": "OK",
                                    "reason": "200"})
    journal.append("action", {**ATTEMPT, "outcome": "finished", "exit_code": 0})
    out = warroom("incident", "status", "--config", str(config), cwd=tmp_path).stdout
    assert (f"suggested: mitigated at {back.event_time:%H:%M:%S} (live checks OK after "
            "rollback (blue live))") in out, out
    warroom("incident", "milestone", "detected", "--suggested", "--config", str(config),
            cwd=tmp_path)
    warroom("incident", "milestone", "mitigated", "--suggested", "--config", str(config),
            cwd=tmp_path)
    state = incidents.load(state.path)
    assert state is not None and state.milestones["mitigated"] == back.event_time
