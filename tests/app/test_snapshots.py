"""Layout snapshots at 80x24 and 200x50, from fixed data and a frozen clock.

Update after an intended change with `pytest tests/app/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.model import CheckResult, ColorReading, ColorResult, State, SubResult
from tui.core.store import Store
from tui.engine.monitor import Monitor

NOW = dt.datetime(2026, 11, 23, 3, 14, 15, tzinfo=dt.UTC)
CONFIG = """
[environment]
name = "shop-production"
production = true
[[services]]
name = "api-blue"
url = "http://127.0.0.1:8090/health.php"
color = "blue"
group = "api"
[[services]]
name = "api-green"
url = "http://127.0.0.1:8190/health.php"
color = "green"
group = "api"
[[services]]
name = "web"
url = "http://127.0.0.1:8080/"
[color]
[[color.sources]]
kind = "state_file"
path = "state"
"""


class FrozenMonitor(Monitor):
    """The real monitor, never started: the store is filled by the test."""

    def start(self) -> None:
        pass


def frozen_app(read_only: bool = False) -> WarroomApp:
    config = parse_config(CONFIG, "snap.toml", env={})
    store = Store()
    at = NOW - dt.timedelta(seconds=2)
    deps = (SubResult("database", State.OK, "ok"), SubResult("redis", State.DOWN, "fail"),
            SubResult("queue", State.OK, "ok"))
    store.put_check(CheckResult("api-blue", State.OK, "HTTP 200", at, 12.0,
                                tuple(SubResult(d.name, State.OK, "ok") for d in deps),
                                (("x-build", "3f9c2e1"),)), 20)
    store.put_check(CheckResult("api-green", State.DEGRADED, "checks.redis = fail", at, 48.0,
                                deps, (("x-build", "8d41b7a"),)), 20)
    hostile = "[bold]HTTP 503[/] (markup shown as text)"
    hostile = "[bold]HTTP 503[/] (markup shown as text)"
    store.put_check(CheckResult("web", State.DOWN, hostile, at, 3.0), 20)
    store.put_color(ColorResult("green", "blue", (ColorReading("deploy state", "green"),), at,
                                (("status", "success"), ("phase", "live"))), 20)
    return WarroomApp(config, read_only=read_only, monitor=FrozenMonitor(config, store),
                      clock=lambda: NOW)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_layout(snap_compare, size):
    assert snap_compare(frozen_app(), terminal_size=size, press=["_"])


def test_help_screen(snap_compare):
    assert snap_compare(frozen_app(read_only=True), terminal_size=(80, 24), press=["?", "_"])


def test_confirm_dialog(snap_compare):
    """The most safety-critical screen: arming operator mode, `y` / `n` shown on the buttons."""
    assert snap_compare(frozen_app(), terminal_size=(80, 24), press=["o", "_"])


def test_override_reason_dialog(snap_compare):
    """A failed preflight: the reason field has focus, no letter answers (Esc / Enter shown)."""

    async def failed(pilot):
        from tui.core.attempts import PreflightResult
        from tui.screens.confirm import ConfirmScreen

        pilot.app.push_screen(ConfirmScreen(
            "Run rollback?", "switch traffic back to the idle color", "local",
            ["/srv/deploy/bluegreen.sh", "rollback"], production="shop-production",
            checks=[PreflightResult("idle blue", False, "api-blue is DOWN (HTTP 503)", 2.0),
                    PreflightResult("color", True, "all sources agree: green", 2.0)]))
        await pilot.pause()

    assert snap_compare(frozen_app(), terminal_size=(80, 24), run_before=failed,
                        press=[*"no"])
