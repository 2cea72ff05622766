"""A firing alert is a signal of the outage going on now: the declare form offers the earliest
of the check transitions and the firing alerts as the start (journal entries from AlertWatch,
the app's store deciding which alerts fire now), against a REAL Alertmanager in the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.app.screen import wait_screen
from tests.infra.alertmanager import Alertmanager
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident.signal import FIRING, first_signal
from tui.core.journal import Entry
from tui.screens.incident import DeclareScreen

T0 = dt.datetime(2026, 3, 1, 5, 0, tzinfo=dt.UTC)


def _check(i: int, key: str, new: str, minutes: float) -> Entry:
    at = T0 + dt.timedelta(minutes=minutes)
    return Entry(f"c{i}", "check", at, at, "w", {"key": key, "new": new, "reason": "r"})


def _alert(i: int, fp: str, event: str, minutes: float) -> Entry:
    at = T0 + dt.timedelta(minutes=minutes)
    return Entry(f"a{i}", "alert", at, at, "w", {"key": f"alert:{fp}", "event": event,
                                                 "name": "HighErrorRate", "severity": "critical"})


def test_the_earliest_of_alerts_and_checks_is_the_first_signal() -> None:
    entries = [_alert(1, "f1", "firing", 0), _alert(2, "f1", "resolved", 3),  # earlier outage
               _alert(3, "f2", "firing", 10), _check(4, "api", "DOWN", 12)]
    assert first_signal(entries).id == "a3"  # the alert came first, and wins
    assert first_signal([_alert(3, "f2", "firing", 10)]).id == "a3"  # an alert alone
    assert first_signal(entries[:2]) is None  # resolved: no outage now
    # a check first, an alert after it: the check wins
    assert first_signal([_check(5, "api", "DOWN", 9), *entries]).id == "c5"
    # the app's view: what fires now decides; an alert no longer firing (its "resolved" never
    # journaled) is not an outage, and not the start of this one
    assert first_signal(entries, {"api": "OK"}) is None
    assert first_signal(entries, {"api": "DOWN"}).id == "c4"
    assert first_signal(entries, {"api": "DOWN", "alert:f2": FIRING}).id == "a3"
    assert first_signal(entries, {"api": "OK", "alert:f2": FIRING}).id == "a3"
    # an alert resolved while a check still fails: the outage goes on from the alert
    later = [*entries, _alert(6, "f2", "resolved", 14)]
    assert first_signal(later).id == "a3"
    # everything recovered, then a new alert: a new outage
    again = [*later, _check(7, "api", "OK", 15), _alert(8, "f3", "firing", 20)]
    assert first_signal(again).id == "a8"


@pytest.mark.alertmanager
async def test_declare_offers_the_firing_alert_as_the_start(
        alertmanager_factory: Callable[[], Alertmanager], tmp_path: Path) -> None:
    am = alertmanager_factory()
    am.post({"labels": {"alertname": "HighErrorRate", "severity": "critical"},
             "annotations": {"summary": "5xx above 5 %"}})
    config = parse_config(
        f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
        f'[[alerts]]\nname = "am"\nurl = "{am.url}"\ninterval = 0.5\ntimeout = 2.0\n', env={})
    app = WarroomApp(config, author="ann@tui")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, lambda t: "Alert HighErrorRate (critical) firing" in t)
        entry = next(e for e in app.incident_tracker.entries if e.kind == "alert")
        await pilot.press("i")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, DeclareScreen)
        assert screen.query_one("#start", Input).value == f"{entry.event_time:%H:%M:%S}"
        hint = str(screen.query_one("#start-hint").render())
        assert "first signal" in hint and "HighErrorRate" in hint
