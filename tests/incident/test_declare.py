"""Declaring in the war room: the default start is the first signal of the current outage
(visible at 80x24), the form's answers reach the post-mortem, Esc asks before discarding, and
an out-of-order milestone is refused with the conflict named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input, Select

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident.export_postmortem import postmortem
from tui.core.incident.signal import failing_checks, first_signal
from tui.core.journal import Entry, Journal
from tui.core.model import CheckResult, State, utcnow
from tui.screens.confirm import ConfirmScreen
from tui.screens.incident import DeclareScreen, IncidentScreen

from .conftest import warroom
from .test_tui import CONFIG, _settle

T0 = dt.datetime(2026, 3, 1, 5, 0, tzinfo=dt.UTC)


def _check(i: int, key: str, new: str, minutes: float, **extra: object) -> Entry:
    at = T0 + dt.timedelta(minutes=minutes)
    return Entry(f"c{i}", "check", at, at, "w", {"key": key, "new": new, "reason": "r", **extra})


def test_first_signal_is_the_first_failure_since_everything_was_ok() -> None:
    entries = [
        _check(1, "api", "DOWN", 0), _check(2, "api", "OK", 5),       # an earlier outage
        _check(3, "web", "DEGRADED", 10), _check(4, "api", "DOWN", 12),  # this one starts at 10
        _check(5, "web", "OK", 14),                                   # api still DOWN
    ]
    assert first_signal(entries).id == "c3"
    assert first_signal(entries[:2]) is None  # recovered: no current outage
    # the store decides what fails now; a check gone from the config is not an outage
    assert first_signal(entries, {"api": "OK", "web": "OK"}) is None
    current = {"api": "DOWN", "web": "OK"}
    assert first_signal([*entries, _check(6, "gone", "DOWN", 1)], current).id == "c3"
    # planned maintenance is not a signal
    planned = [_check(7, "api", "DOWN", 20, maintenance=True), _check(8, "api", "OK", 25),
               _check(9, "api", "DOWN", 30)]
    assert first_signal(planned).id == "c9"
    assert failing_checks(entries) == [{"key": "api", "state": "DOWN", "reason": "r"}]


async def test_declare_at_80x24_starts_at_the_first_signal_and_journals_the_answers() -> None:
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(80, 24)) as pilot:
        now = utcnow()
        first = now - dt.timedelta(seconds=13, microseconds=250_000)
        app.store.put_check(CheckResult("api", State.OK, "HTTP 200", now - dt.timedelta(60)), 1e9)
        app.store.put_check(CheckResult("api", State.DOWN, "HTTP 503", first), 1e9)
        app.store.put_check(CheckResult("web", State.DEGRADED, "slow", now), 1e9)
        await _settle(app, pilot)
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, DeclareScreen)
        start = screen.query_one("#start", Input)
        assert start.value == f"{first:%H:%M:%S}"
        hint = str(screen.query_one("#start-hint").render())
        assert "first signal" in hint and "api" in hint and "DOWN" in hint
        # visible without scrolling at 80x24, the scope dropdown has a width
        assert screen.query_one(VerticalScroll).scroll_y == 0
        for wid in ("#title", "#start"):
            region = screen.query_one(wid).region
            assert region.height >= 1 and region.y >= 0 and region.bottom <= 24, (wid, region)
        assert screen.query_one("#scope", Select).region.width >= 10
        screen.query_one("#q-data_risk", Select).value = "yes"
        screen.query_one("#q-users", Select).value = "many"
        await pilot.press(*"API down", "ctrl+s")
        await _settle(app, pilot)
        state = app.incident_tracker.state
        assert state is not None and state.start == first  # exact, not rounded
        assert state.answers == {"data_risk": "yes", "users": "many"}
        assert {f["key"] for f in state.failing} == {"api", "web"}
        md = postmortem(state, app.config.incident, utcnow(), app.incident_tracker.prelude)
        assert "| Data at risk | Yes (answered at declaration) |" in md
        assert "| Approximate user count | Many (answered at declaration) |" in md
        assert "| Features degraded | api (DOWN), web (DEGRADED) |" in md
        assert "First signal" not in md or "first signal: Check api" in md
        assert f"| {first:%Y-%m-%d %H:%M:%S} | Incident start — first signal: Check api" in md


async def test_escape_asks_before_throwing_a_filled_form_away() -> None:
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", "escape")  # untouched: closes at once
        assert not isinstance(app.screen, DeclareScreen)
        await pilot.press("i", *"half typed", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # Cancel has focus: back to the form, text intact
        assert isinstance(app.screen, DeclareScreen)
        assert app.screen.query_one("#title", Input).value == "half typed"
        await pilot.press("escape", "y")
        assert not isinstance(app.screen, (DeclareScreen, ConfirmScreen))
        assert app.incident_tracker.state is None


async def test_tui_offers_milestones_in_order_and_refuses_out_of_order_ones(tmp_path: Path) -> None:
    warroom("incident", "open", "--title", "Order", "--start", "10m", cwd=tmp_path)
    warroom("incident", "milestone", "mitigated", "--at", "5m", cwd=tmp_path)
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        mitigated = app.incident_tracker.state.milestones["mitigated"]
        # the menu never offers what the order refuses: "detected" at the latest time allowed
        offered = [(choice, label) for choice, label in screen._choices
                   if choice[:2] == ("milestone", "detected")]
        assert offered == [(("milestone", "detected", mitigated.isoformat(),
                             "set no later than mitigated"),
                            f"milestone: detected at {mitigated:%H:%M:%S} UTC "
                            "(no later than mitigated)")]
        # "now" (a menu opened before another war room set mitigated): refused, named
        screen.dismiss(("milestone", "detected", ""))
        await _settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("refused: detected" in m and "is after mitigated" in m for m in messages)
        state = app.incident_tracker.state
        assert "detected" not in state.milestones
        assert not any(e.data.get("milestone") == "detected" for e in
                       Journal(state.path).load().entries)
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        screen.dismiss(offered[0][0])  # the offered time is accepted
        await _settle(app, pilot)
        assert app.incident_tracker.state.milestones["detected"] == mitigated


async def test_a_resolved_incident_exports_its_postmortem_from_the_tui(tmp_path: Path) -> None:
    warroom("incident", "open", "--title", "Done already", "--start", "10m", cwd=tmp_path)
    warroom("incident", "resolve", cwd=tmp_path)
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("I")
        await app.screen.loader.wait()
        await pilot.pause()
        await pilot.press("enter")  # the newest incident is highlighted
        assert isinstance(app.screen, IncidentScreen)
        await pilot.press("enter")  # first choice: the post-mortem
        await _settle(app, pilot)
        state = app.incident_tracker.last_resolved
        assert state is not None
        written = state.path.with_name(f"{state.id}.postmortem.md")
        text = written.read_text()
        assert text.startswith("# Post-Mortem: Done already") and "MTTR" in text
