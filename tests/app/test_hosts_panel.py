"""The hosts panel headless: this machine's resources read for real, a threshold below
today's disk use making it WARNING, the pane on narrow screens, repaint only on change."""

from __future__ import annotations

import os

from tests.app.screen import wait_screen, widget_text
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.resources import host_assessments
from widgets.resources import HostsPanel


def root_use() -> float:
    st = os.statvfs("/")
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    return 100.0 * used / (used + st.f_bavail * st.f_frsize)


def config(**extra: float):
    values = {"load_per_core_warn": 1000.0, "load_per_core_critical": 1000.0, **extra}
    keys = "".join(f"{k} = {v}\n" for k, v in values.items())  # load: whatever runs beside
    return parse_config('[environment]\nname = "t"\n[resources]\nhosts = ["local"]\n'
                        f"interval = 2.0\n{keys}", "t.toml", env={})


async def test_hosts_panel_shows_this_machine_and_a_warning_mount() -> None:
    use = root_use()
    app = WarroomApp(config(disk_warn=max(0.0, use - 5)))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_screen(pilot, lambda t: "Hosts" in t and "read " in t)
        panel = app.query_one(HostsPanel)
        text = widget_text(app, panel)
        assert "! WARNING" in text and "local" in text
        assert f"/ {use:.0f} % used" in text and "inodes" in text
        assert "load " in text and "cpu " in text and "mem " in text
        assert "top CPU" in text or "top mem" in text
        assert app.query_one("Banner") is not None
        # the same data again does not repaint
        now = app.clock()
        items = host_assessments(app.config, app.store, now)
        assert panel.show(items, room=True) is False


async def test_hosts_is_a_pane_on_narrow_screens() -> None:
    app = WarroomApp(config())
    async with app.run_test(size=(80, 24)) as pilot:
        assert "hosts" in app.panes
        await pilot.press(str(app.panes.index("hosts") + 1))
        text = await wait_screen(pilot, lambda t: "Hosts" in t and "✓ OK" in t)
        for line in text.splitlines():
            assert len(line) <= 80
