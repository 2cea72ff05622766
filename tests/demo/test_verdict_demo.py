"""The verdict on the demo production: a clean rollback stops paging; maintenance is a state of
its own in the banner, never CRITICAL and never suggested as "detected"."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.core.incident import Incidents
from tui.core.incident.model import suggest_milestones
from tui.demo.config import demo_config, write_config
from tui.demo.env import DemoEnv


def run(*argv: str | Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=90,
                          stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def status(config: Path) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "tui", "status", "--config", config,
               env={"COLUMNS": "400"})


def test_clean_rollback_stops_paging_and_names_the_idle_color(demo: DemoEnv) -> None:
    config = write_config(demo)
    assert demo.active() == "green"
    (demo.dir / "break-green").write_text("redis\n")
    broken = status(config)
    assert broken.returncode == 2, broken.stdout
    assert "api-green DOWN" in broken.stdout.splitlines()[-1]
    rollback = run(demo.script("bluegreen.sh"), "rollback")
    assert rollback.returncode == 0, rollback.stdout + rollback.stderr
    assert demo.active() == "blue"
    after = status(config)
    assert after.returncode == 1, after.stdout
    last = after.stdout.rstrip().splitlines()[-1]
    assert last.startswith("WARNING: idle green DOWN: rollback target unhealthy"), last


async def eventually(probe: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
    return value


async def test_maintenance_shows_in_the_banner_and_is_not_detected(demo: DemoEnv) -> None:
    from tui.app import WarroomApp
    from tui.core.verdict import Exit, verdict
    from widgets.header import Banner

    config = demo_config(demo)
    opened = run(sys.executable, "-m", "tui", "incident", "open", "--config", config.source,
                 "--title", "planned work", "--severity", "P3")
    assert opened.returncode == 0, opened.stderr
    app = WarroomApp(config)
    async with app.run_test(size=(120, 40)) as pilot:
        banner = app.query_one(Banner)
        await eventually(lambda: banner.verdict == "OK", "OK before maintenance")
        on = run(demo.script("maintenance.sh"), "on")
        assert on.returncode == 0, on.stderr
        app.monitor.refresh()
        await eventually(lambda: banner.verdict == "MAINTENANCE", "the MAINTENANCE verdict")
        await pilot.pause()
        assert banner.maintenance.startswith("since "), banner.maintenance
        assert "MAINTENANCE since" in banner.render().plain
        result = verdict(app.config, app.store)
        assert result.code is Exit.WARNING and result.word == "MAINTENANCE"
        assert any("api-live" in by for by in result.maintenance.by)

        incidents = Incidents.from_config(config)

        def marked() -> Any:
            state = incidents.current()
            entries = state.entries if state else []
            return [e for e in entries if e.kind == "check" and e.data.get("maintenance")]

        found = await eventually(marked, "the api-live transition journaled as maintenance")
        assert found[0].data["key"] == "api-live" and found[0].data["new"] == "DOWN"
        state = incidents.current()
        assert state is not None
        suggested = suggest_milestones(state, incidents.prelude(state))
        assert not [s for s in suggested if s.milestone == "detected"], suggested

        off = run(demo.script("maintenance.sh"), "off")
        assert off.returncode == 0, off.stderr
        app.monitor.refresh()
        await eventually(lambda: banner.verdict == "OK", "OK after maintenance")
        assert banner.maintenance == ""
