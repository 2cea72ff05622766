"""The maintenance status command runs every 10 s by default, and at once after any action.

It forks a script (the runbook's reads the database flag under sudo) to learn what changes only
when someone runs the switch, so it is not run at the HTTP checks' 2 s. An action that finishes
— in this war room, or in a pairing one writing the same journal — has it read again at once.
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.config.maintenance import COMMAND_INTERVAL
from tui.core.journal import Journal
from tui.core.store import Store
from tui.engine.monitor import Monitor

SECTION = '[maintenance]\nargv = ["{script}"]\npattern = "Maintenance mode: ON"\n'


def interval_of(text: str) -> float:
    monitor = Monitor(parse_config(text, env={}), Store())
    (job,) = [j for j in monitor.scheduler.jobs if j.name == "maintenance"]
    return job.interval


def test_the_default_is_ten_seconds_or_the_services_interval_when_longer() -> None:
    base = "[environment]\nname = \"t\"\n" + SECTION.format(script="/bin/true")
    assert interval_of(base) == COMMAND_INTERVAL == 10.0
    assert interval_of("[defaults]\ninterval = 30\n" + base) == 30.0
    assert interval_of(base + "interval = 2\n") == 2.0  # said explicitly: kept


async def test_a_pairing_war_rooms_action_has_it_read_again_at_once(tmp_path: Path,
                                                                    monkeypatch) -> None:
    runs = tmp_path / "runs"
    script = tmp_path / "maintenance-status"
    script.write_text(f"#!/bin/sh\necho x >> {runs}\necho 'Maintenance mode: OFF'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    config = parse_config('[environment]\nname = "t"\n' + SECTION.format(script=script), env={})
    app = WarroomApp(config)

    def count() -> int:
        return len(runs.read_text().splitlines()) if runs.exists() else 0

    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.1)
            if count() == 1:
                break
        await pilot.pause(1.0)
        assert count() == 1  # the first round; the next one is 10 s away
        # another war room on this host finishes an action: one line in the shared journal
        Journal(app.incident_tracker.journal.path).append(
            "action", {"action": "maintenance-on", "outcome": "finished", "exit_code": 0,
                       "pid": os.getpid() + 1}, author="pair@host")
        for _ in range(40):  # the poll (0.5 s) wakes the job: well before its 10 s
            await asyncio.sleep(0.1)
            if count() >= 2:
                break
        assert count() == 2
