"""The metrics pane in the app, against a REAL Prometheus: at 80x24 a row shows its state,
value with unit and a sparkline; a bad query is an UNKNOWN row with Prometheus's message."""

from __future__ import annotations

from pathlib import Path

from tests.app.screen import wait_screen
from tests.infra.prometheus import Prometheus
from tui.app import WarroomApp
from tui.core.config import parse_config
from widgets.metrics import BARS, MetricsPanel


def _config(tmp_path: Path, url: str):  # type: ignore[no-untyped-def]
    text = (f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
            f'[prometheus]\nurl = "{url}"\ninterval = 0.5\ntimeout = 1.0\n'
            '[[metrics]]\nname = "depth"\nquery = "wr_app_depth"\nunit = "jobs"\n'
            'format = ".0f"\nwarn = 5\ncritical = 10\nwindow = 20\nstep = 1\n'
            '[[metrics]]\nname = "broken"\nquery = "sum(rate(x[5m]"\n')
    return parse_config(text, env={})


async def test_metrics_pane_shows_rows_with_sparkline_at_80x24(
        prometheus: Prometheus, tmp_path: Path) -> None:
    prometheus.exporter.set("wr_app_depth", 2)
    prometheus.wait_value("wr_app_depth", 2)
    prometheus.exporter.set("wr_app_depth", 7)
    prometheus.wait_value("wr_app_depth", 7)
    app = WarroomApp(_config(tmp_path, prometheus.url))
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pane("metrics")
        text = await wait_screen(pilot, lambda t: "7 jobs" in t and "broken" in t
                                 and any(b in t for b in BARS[1:]))
        line = next(row for row in text.splitlines() if "depth" in row and "7 jobs" in row)
        assert "!" in line  # WARNING
        assert "parse error" in text  # Prometheus's message under the UNKNOWN row
        panel = app.query_one(MetricsPanel)
        assert panel.has_class("-stale") and "1 warning" in str(panel.border_title)
