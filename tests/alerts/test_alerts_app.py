"""The alerts panel in the app against REAL Alertmanagers: grouped rows, one row for two
sources, an unreachable source said with its time, hostile labels inert, and a newly firing
and a resolved alert each journaled once (also across a second war room on the journal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app.screen import screen_text, wait_screen
from tests.infra.alertmanager import Alertmanager
from tests.infra.common import free_port
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident.files import Incidents
from tui.core.journal import Journal
from widgets.alerts import AlertsPanel

pytestmark = pytest.mark.alertmanager


def _config(tmp_path: Path, *urls: str):  # type: ignore[no-untyped-def]
    sources = "".join(f'[[alerts]]\nname = "am{i}"\nurl = "{u}"\ninterval = 0.5\n'
                      f'timeout = 1.0\n' for i, u in enumerate(urls))
    text = (f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n{sources}')
    return parse_config(text, env={})


def _alert_entries(config) -> list[dict]:  # type: ignore[no-untyped-def]
    path = Incidents.from_config(config).audit_path
    if not path.exists():
        return []
    return [e.data for e in Journal(path).load().entries if e.kind == "alert"]


async def test_panel_groups_names_sources_and_says_unreachable(
        alertmanager_factory: Callable[[], Alertmanager], tmp_path: Path) -> None:
    one, two = alertmanager_factory(), alertmanager_factory()
    for am in (one, two):
        am.post({"labels": {"alertname": "HighErrorRate", "severity": "critical"},
                 "annotations": {"summary": "5xx above 5 %"}})
    one.post({"labels": {"alertname": "Evil\x1b[2J[bold]x[/bold]", "severity": "warning"},
              "annotations": {"summary": "A" * 100_000}})
    dead = f"http://127.0.0.1:{free_port()}"
    config = _config(tmp_path, one.url, two.url, dead)
    app = WarroomApp(config)
    async with app.run_test(size=(160, 40)) as pilot:
        app.action_pane("alerts")
        text = await wait_screen(pilot, lambda t: "HighErrorRate" in t and "am2 unreachable" in t)
        assert "HighErrorRate · critical" in text
        assert "[am0, am1]" in text  # one row for the HA pair, naming both
        assert text.count("5xx above 5 %") == 1
        assert "Evil[bold]x[/bold]" in text  # markup shown as text, never interpreted
        assert "\x1b[2J" not in text
        assert "2 firing" in text
        panel = app.query_one(AlertsPanel)
        assert panel.has_class("-stale")


async def test_firing_and_resolved_are_journaled_once(
        alertmanager_factory: Callable[[], Alertmanager], tmp_path: Path) -> None:
    am = alertmanager_factory()
    labels = {"alertname": "DiskFilling", "severity": "warning"}
    am.post({"labels": labels, "annotations": {"summary": "disk 95 %"}})
    config = _config(tmp_path, am.url)
    app = WarroomApp(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, lambda t: "DiskFilling" in t)
        await wait_screen(pilot, lambda t: "ALERT" in t and "firing" in t)
        await pilot.pause(1.5)  # several more rounds: still one entry
        assert [d["event"] for d in _alert_entries(config)] == ["firing"]
        am.resolve(labels)
        await wait_screen(pilot, lambda t: "resolved" in t, timeout=20)
        await pilot.pause(1.0)
    assert [d["event"] for d in _alert_entries(config)] == ["firing", "resolved"]
    # a second war room on the same journal, the alert firing again: one new entry
    am.post({"labels": labels, "annotations": {"summary": "disk 96 %"}})
    second = WarroomApp(config)
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, lambda t: "DiskFilling" in t)
        await pilot.pause(1.5)
        screen = screen_text(second)
    assert [d["event"] for d in _alert_entries(config)] == ["firing", "resolved", "firing"]
    assert "Alert DiskFilling (warning) firing" in screen
