"""Maintenance on the demo production at 80x24, armed, as played in tmux: the banner keeps the
since-time and the clock whole, the health panel says MAINT (not DOWN, not counted as not OK),
the timeline says "in maintenance" and "maintenance over → OK"."""

from __future__ import annotations

import re

from tests.app.screen import screen_text, wait_screen
from tests.demo.test_verdict_demo import eventually, run
from tui.demo.config import demo_config
from tui.demo.env import DemoEnv

SINCE = re.compile(r"MAINT(ENANCE)? since \d\d:\d\d:\d\d ")
CLOCK = re.compile(r" \d\d:\d\d(:\d\d)?( UTC)? $")


async def test_maintenance_at_80x24_armed(demo: DemoEnv) -> None:
    from tui.app import WarroomApp
    from widgets.header import Banner

    app = WarroomApp(demo_config(demo))
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.query_one(Banner)
        await eventually(lambda: banner.verdict == "OK", "OK before maintenance")
        await pilot.press("o")
        await pilot.press("y")
        await eventually(lambda: "ARMED" in banner.mode, "operator mode armed")

        on = run(demo.script("maintenance.sh"), "on")
        assert on.returncode == 0, on.stderr
        app.monitor.refresh()
        await eventually(lambda: banner.verdict == "MAINTENANCE", "the MAINTENANCE verdict")
        await pilot.pause()
        line = banner.render().plain
        assert len(line) == 80, line
        assert SINCE.search(line) and CLOCK.search(line) and "ARMED " in line, line
        assert "PRODUCTION" in line or "PROD" in line.split(), line

        screen = await wait_screen(pilot, lambda s: "◐ MAINT" in s)
        row = next(r for r in screen.splitlines() if "api-live" in r)
        assert "◐ MAINT" in row and "DOWN" not in row, row
        assert "1 in maintenance" in screen and "not OK" not in screen, screen

        await pilot.press("4")  # the timeline pane
        await wait_screen(pilot, lambda s: "api-live: in maintenance (HTTP 503" in s)
        screen = screen_text(app)
        assert "OK → DOWN" not in screen, screen

        off = run(demo.script("maintenance.sh"), "off")
        assert off.returncode == 0, off.stderr
        app.monitor.refresh()
        await eventually(lambda: banner.verdict == "OK", "OK after maintenance")
        await wait_screen(pilot, lambda s: "api-live: maintenance over → OK" in s)
