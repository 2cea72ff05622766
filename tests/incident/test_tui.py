"""The incident in the running war room: keys, journal writes, other writers' entries."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from tests.infra.tmux import TmuxSession
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.config.incident import IncidentPolicy
from tui.core.incident import Incidents
from tui.core.journal import Journal
from tui.core.model import CheckResult, State, utcnow
from tui.features import incident as incident_app
from tui.screens.incident import IncidentScreen
from widgets.incident_clock import IncidentClockPanel
from widgets.timeline import TimelinePanel

from .conftest import REPO, repo_env, warroom

CONFIG = '[environment]\nname = "incident-test"\n'


def _timeline(app: WarroomApp) -> list[str]:
    return [str(o.prompt) for o in app.query_one(TimelinePanel)._options]


async def _settle(app: WarroomApp, pilot) -> None:
    """Wait until every queued journal write ran, then poll once (no sleeping on time)."""
    await app.journal_writer._queue.join()
    await pilot.pause()
    app.incident_poll()
    await pilot.pause()


async def test_declare_note_milestone_and_others_entries_in_the_tui(tmp_path: Path) -> None:
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(140, 45)) as pilot:
        # a note before any incident goes to the standing audit journal
        await pilot.press("n", *"seen [b]503[/b]", "ctrl+s")
        await _settle(app, pilot)
        assert any("seen [b]503[/b]" in line for line in _timeline(app))  # markup literal
        audit = Journal(app.incident_tracker.incidents.audit_path)
        assert audit.load().entries[-1].text() == "seen [b]503[/b]"
        # hostile text from another writer is stored as given but shown inert
        audit.append("note", {"text": "evil \x1b]52;c;AAAA\x07\x1b[2J\x9b31m [$x] done"})
        app.incident_poll()
        await pilot.pause()
        last = _timeline(app)[-1]
        assert "evil" in last and "[$x] done" in last
        assert not any(ch in last for ch in "\x1b\x07\x9b")

        # declare with the form; the classifier preselects the severity
        await pilot.press("i", *"Checkout down", "ctrl+s")
        await _settle(app, pilot)
        state = app.incident_tracker.state
        assert state is not None and state.title == "Checkout down"
        assert state.severity == "P1" and state.commander == "ann@tui"
        clock = str(app.query_one(IncidentClockPanel).render())
        assert "INVESTIGATING" in clock and "Mitigate" in clock and "UTC" in clock

        # a check transition seen by the store lands in the incident's journal
        app.store.put_check(CheckResult("api", State.DOWN, "HTTP 503", utcnow()), 30)
        await _settle(app, pilot)
        assert any("CHECK" in line and "api" in line for line in _timeline(app))
        assert any(e.kind == "check" for e in Journal(state.path).load().entries)

        # confirm the suggested "detected" from the incident menu
        await pilot.press("i")
        assert isinstance(app.screen, IncidentScreen)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert "detected" in app.incident_tracker.state.milestones

        # another writer (a second engineer's process, here the CLI) → shown at the next poll
        proc = warroom("--as", "bob@cli", "incident", "note", "from the other shell",
                       cwd=tmp_path)
        assert proc.returncode == 0
        app.incident_poll()  # the app's 0.5 s timer does exactly this
        await pilot.pause()
        assert any("from the other shell" in line and "bob@cli" in line
                   for line in _timeline(app))


async def test_poll_interval_guarantees_other_entries_within_one_second() -> None:
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(100, 30)):
        assert incident_app.POLL <= 0.5
        intervals = [t._interval for t in app._timers if t._callback == app.incident_poll]
        assert intervals == [incident_app.POLL]


async def test_pin_and_correct_keep_the_original_author_and_time(tmp_path: Path) -> None:
    from tui.core.incident.export_postmortem import postmortem

    warroom("--as", "alice@cli", "incident", "open", "--title", "Pin test", "--start", "10m",
            cwd=tmp_path)
    noted = warroom("--as", "bob@cli", "incident", "note", "rollbakc started", "--at", "5m",
                    cwd=tmp_path).stdout.split()[1]
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(140, 45)) as pilot:
        timeline = app.query_one(TimelinePanel)
        timeline.focus()
        timeline.highlighted = next(i for i in range(timeline.option_count)
                                    if timeline.get_option_at_index(i).id == noted)
        await pilot.press("p")
        await _settle(app, pilot)
        journal = Journal(app.incident_tracker.journal.path)
        pin = journal.load().entries[-1]
        assert pin.kind == "pin" and pin.author == "ann@tui"  # the mark is ann's …
        assert pin.data == {"target": noted, "pinned": True}
        original = next(e for e in app.incident_tracker.state.entries if e.id == noted)
        assert original.pinned and original.author == "bob@cli"  # … the note stays bob's
        assert any("★PINNED" in line and "bob@cli" in line for line in _timeline(app))

        timeline.highlighted = next(i for i in range(timeline.option_count)
                                    if timeline.get_option_at_index(i).id == noted)
        await pilot.press("c")
        await pilot.press("ctrl+a", "ctrl+k", *"rollback started", "ctrl+s")
        await _settle(app, pilot)
        fix = journal.load().entries[-1]
        assert fix.kind == "note" and fix.supersedes == noted and fix.author == "ann@tui"
        assert fix.event_time == original.event_time  # the correction keeps the time
        assert fix.pinned
        lines = _timeline(app)
        assert any("SUPERSEDED" in line and "rollbakc" in line for line in lines)
        assert any("CORRECTS" in line and "rollback started" in line for line in lines)
        state = app.incident_tracker.state
        md = postmortem(state, app.config.incident, utcnow(), app.incident_tracker.prelude)
        row = next(line for line in md.splitlines() if "📌 rollback started" in line)
        assert "| bob@cli, corrected by ann@tui |" in row
        assert row.startswith(f"| {original.event_time:%Y-%m-%d %H:%M:%S} |")
        await pilot.press("p")  # unpin the correction: a mark again
        await _settle(app, pilot)
        assert journal.load().entries[-1].data == {"target": fix.id, "pinned": False}


def test_cli_note_appears_in_a_running_tui(tmp_path: Path, tmux_session) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    warroom("incident", "open", "--title", "Real terminal test", "--severity", "P0",
            "--start", "3m", cwd=tmp_path)
    tmux: TmuxSession = tmux_session()
    tmux.start([sys.executable, "-m", "tui.cli", "--config", str(config), "--as", "tui@tmux"],
               width=150, height=45, env=repo_env(), cwd=REPO)
    tmux.wait_for("Real terminal test", timeout=30)
    screen = tmux.wait_for("Mitigate", timeout=10)
    assert "P0" in screen and "INVESTIGATING" in screen
    warroom("--as", "bob@ssh", "incident", "note", "note-from-the-cli", cwd=tmp_path)
    screen = tmux.wait_for("note-from-the-cli", timeout=10)
    assert "bob@ssh" in screen
    state = Incidents(IncidentPolicy()).current()
    assert state is not None and state.elapsed(utcnow()) > dt.timedelta(minutes=3)


async def test_note_with_evidence_snapshot_reaches_the_postmortem() -> None:
    from textual.widgets import Checkbox

    from tui.core.incident.export_postmortem import postmortem

    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("i", *"Evidence test", "ctrl+s")
        await _settle(app, pilot)
        app.store.put_check(CheckResult("api", State.DOWN, "HTTP 503", utcnow()), 30)
        await pilot.press("n", *"api is down, see evidence")
        app.screen.query_one("#evidence", Checkbox).value = True
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        note = [e for e in Journal(app.incident_tracker.journal.path).load().entries
                if e.kind == "note"][-1]
        assert note.data["evidence"]["checks"]["api"]["state"] == "DOWN"
        assert any("[evidence attached]" in line for line in _timeline(app))
        state = app.incident_tracker.state
        text = postmortem(state, app.config.incident, utcnow(), app.incident_tracker.prelude)
        assert "Evidence — checks: api DOWN" in text


async def test_history_view_lists_past_incidents_with_mttr(tmp_path: Path) -> None:
    from textual.widgets import OptionList, Static

    from tui.screens.incident_history import HistoryScreen

    warroom("incident", "open", "--title", "Old outage", "--severity", "P2", "--start", "20m",
            cwd=tmp_path)
    warroom("incident", "resolve", cwd=tmp_path)
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("I")
        assert isinstance(app.screen, HistoryScreen)
        await app.screen.loader.wait()
        await pilot.pause()
        listing = app.screen.query_one("#history-list", OptionList)
        rows = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any("Old outage" in row and "resolved" in row for row in rows)
        shown = str(app.screen.query_one("#history", Static).render())
        assert "Total Incidents: 1" in shown and "- P2: 1" in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HistoryScreen)
