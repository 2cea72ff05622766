"""Planned maintenance reads as maintenance everywhere: the health rows and their count, the
journal (in / over, also when a failing check leaves maintenance still DOWN), the timeline
descriptions, the post-mortem's features degraded and first signal, the status updates.

Real store, real journal files and the real write-time dedupe; the probes' answers are given.
"""

from __future__ import annotations

import datetime as dt

from tui.core.config import parse_config
from tui.core.incident import Declaration, Incidents
from tui.core.incident.export_common import describe
from tui.core.incident.export_postmortem import postmortem
from tui.core.incident.export_status import status_update
from tui.core.incident.ops import declare
from tui.core.incident.signal import first_signal
from tui.core.incident.tracker import IncidentTracker
from tui.core.maintenance import MaintenanceWatch, mark_maintenance
from tui.core.model import CheckResult, State, Transition, utcnow
from tui.core.store import Store
from tui.core.views import health_rows
from widgets.health import summary

CONFIG = """
[environment]
name = "t"
[[services]]
name = "api-live"
url = "http://127.0.0.1:9/live"
[[services]]
name = "api-idle"
url = "http://127.0.0.1:9/idle"
[maintenance]
services = ["api-live"]
reason = 'status = maintenance'
"""
PLANNED = "HTTP 503; status = maintenance"


class Room:
    """The app's wiring of store → journal, without the UI: transitions marked maintenance
    and journaled through the write-time dedupe; the maintenance watch run each 'tick'."""

    def __init__(self) -> None:
        self.config = parse_config(CONFIG)
        self.store = Store()
        self.incidents = Incidents.from_config(self.config)
        self.live = IncidentTracker(self.incidents, author="test")
        self.watch = MaintenanceWatch()
        self.toasts: list[str] = []
        self.store.on_transition(self.record)
        self.t0 = utcnow() - dt.timedelta(minutes=10)

    def at(self, seconds: float) -> dt.datetime:
        return self.t0 + dt.timedelta(seconds=seconds)

    def record(self, transition: Transition) -> None:
        transition = mark_maintenance(self.config, self.store, transition)
        self.live.record_transition(transition)
        self.toasts.append(transition.describe())

    def answer(self, seconds: float, key: str, state: State, reason: str) -> None:
        at = self.at(seconds)
        self.store.put_check(CheckResult(key, state, reason, at), 3600)
        for transition in self.watch.changes(self.config, self.store, at):
            self.record(transition)

    def checks(self) -> list[str]:
        self.live.load()
        return [describe(e) for e in self.live.entries if e.kind == "check"]


def test_health_rows_show_maintenance_and_do_not_count_it() -> None:
    room = Room()
    room.answer(0, "api-live", State.DOWN, PLANNED)
    room.answer(0, "api-idle", State.OK, "HTTP 200")
    rows = health_rows(room.config, room.store, room.at(1))
    assert [(r.key, r.state, r.maintenance) for r in rows] == [
        ("api-live", State.DOWN, True), ("api-idle", State.OK, False)]
    assert summary(rows) == "1 in maintenance · others OK"
    room.answer(2, "api-idle", State.DOWN, "HTTP 500")
    rows = health_rows(room.config, room.store, room.at(3))
    assert summary(rows) == "1 not OK · 1 in maintenance"
    room.answer(4, "api-live", State.DOWN, "HTTP 503; connection refused by db")
    rows = health_rows(room.config, room.store, room.at(5))
    assert [r.maintenance for r in rows] == [False, False] and summary(rows) == "2 not OK"


def test_maintenance_in_the_journal_timeline_and_exports() -> None:
    room = Room()
    room.answer(0, "api-live", State.OK, "HTTP 200")
    room.answer(0, "api-idle", State.OK, "HTTP 200")
    declare(room.incidents, Declaration("planned work", "P3", start=room.at(1)))
    room.live.load()
    room.answer(10, "api-live", State.DOWN, PLANNED)
    room.answer(11, "api-live", State.DOWN, PLANNED)  # the same state again: nothing new
    state = room.incidents.current()
    assert state is not None
    internal = status_update("internal", state, room.incidents.policy, room.at(12),
                             room.incidents.prelude(state))
    assert f"- api-live: MAINTENANCE ({PLANNED})" in internal, internal
    room.answer(20, "api-live", State.OK, "HTTP 200")
    assert room.checks() == [f"Check api-live: in maintenance ({PLANNED})",
                             "Check api-live: maintenance over → OK"]
    assert f"api-live: in maintenance ({PLANNED})" in room.toasts

    state = room.incidents.current()
    assert state is not None
    prelude = room.incidents.prelude(state)
    assert first_signal([*prelude, *state.entries]) is None
    text = postmortem(state, room.incidents.policy, room.at(30), prelude)
    degraded = next(line for line in text.splitlines() if "Features degraded" in line)
    assert "in planned maintenance, not counted: api-live" in degraded, degraded
    assert "api-live (DOWN)" not in degraded
    assert "Incident start — first signal" not in text
    assert f"Check api-live: in maintenance ({PLANNED})" in text
    assert "Check api-live: maintenance over → OK" in text
    assert "OK → DOWN" not in text


def test_leaving_maintenance_still_down_is_a_new_outage() -> None:
    """The maintenance page goes away but the service stays DOWN: the store sees no change
    of state; the watch makes it one, so the journal, the toast and the first signal say so."""
    room = Room()
    room.answer(0, "api-live", State.OK, "HTTP 200")
    room.answer(0, "api-idle", State.OK, "HTTP 200")
    room.answer(10, "api-live", State.DOWN, PLANNED)
    room.answer(20, "api-live", State.DOWN, "HTTP 503; db connection refused")
    assert room.checks() == [
        f"Check api-live: in maintenance ({PLANNED})",
        "Check api-live: maintenance over → DOWN (HTTP 503; db connection refused)"]
    assert room.toasts[-1] == ("api-live: maintenance over, still DOWN "
                               "(HTTP 503; db connection refused)")
    signal = first_signal(room.live.entries, {"api-live": "DOWN", "api-idle": "OK"})
    assert signal is not None and signal.event_time == room.at(20)
    room.answer(30, "api-live", State.DOWN, PLANNED)  # back into maintenance, still failing
    assert room.checks()[-1] == f"Check api-live: in maintenance ({PLANNED})"
    assert first_signal(room.live.entries, {"api-live": "MAINTENANCE", "api-idle": "OK"}) is None
