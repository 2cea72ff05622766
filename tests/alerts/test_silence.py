"""Silencing an alert from warroom, on a REAL Alertmanager: refused (and recorded) in read-only
mode or unarmed, the comment required, created and seen in Alertmanager's API when armed and
confirmed, every attempt in the audit journal with matchers, duration, author and comment."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app.screen import wait_screen
from tests.infra.alertmanager import Alertmanager
from tests.infra.common import free_port
from tui.app import WarroomApp
from tui.core.alerts import alerts_view
from tui.core.config import parse_config
from tui.core.incident.files import Incidents
from tui.core.journal import Journal
from tui.core.silences import SilenceRequest
from tui.core.store import Store
from tui.engine.actions import Executor, OperatorMode
from tui.engine.monitor import Monitor
from tui.screens.silence import SilenceScreen
from widgets.alerts import AlertsPanel

pytestmark = pytest.mark.alertmanager
LABELS = {"alertname": "HighErrorRate", "severity": "critical"}


def _config(tmp_path: Path, *urls: str):  # type: ignore[no-untyped-def]
    sources = "".join(f'[[alerts]]\nname = "am{i}"\nurl = "{u}"\ninterval = 0.5\n'
                      f'timeout = 1.0\n' for i, u in enumerate(urls))
    return parse_config(f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
                        f'{sources}', env={})


def _silences(am: Alertmanager) -> list[dict]:
    return [s for s in am._call("GET", "/api/v2/silences") if s["status"]["state"] == "active"]


def _actions(journal: Journal) -> list[dict]:
    return [e.data | {"author": e.author} for e in journal.load().entries if e.kind == "action"]


async def _engine(config, tmp_path: Path, read_only=False, armed=False):  # type: ignore[no-untyped-def]
    operator = OperatorMode(read_only=read_only)
    if armed:
        operator.arm()
    journal = Journal(tmp_path / "audit.jsonl")
    store = Store()
    monitor = Monitor(config, store)
    ex = Executor(config, store, journal, operator=operator, read_only=read_only,
                  author="alice@test")
    return ex, monitor, journal


@pytest.mark.parametrize(("read_only", "why"), [(True, "read-only"), (False, "not armed")])
async def test_silence_refused_unless_armed(alertmanager_factory: Callable[[], Alertmanager],
                                            tmp_path: Path, read_only: bool, why: str) -> None:
    am = alertmanager_factory()
    config = _config(tmp_path, am.url)
    ex, monitor, journal = await _engine(config, tmp_path, read_only=read_only)
    request = SilenceRequest(tuple(LABELS.items()), 3600, "alice", "deploy rollback", ("am0",))
    try:
        with pytest.raises(PermissionError, match=why):
            await ex.silence(request, monitor.silence)
    finally:
        await monitor.close()
    assert _silences(am) == []
    assert [a["outcome"] for a in _actions(journal)] == ["refused"]


async def test_silence_created_seen_in_alertmanager_and_audited(
        alertmanager_factory: Callable[[], Alertmanager], tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    am = alertmanager_factory()
    am.post({"labels": LABELS})
    config = _config(tmp_path, dead, am.url)
    ex, monitor, journal = await _engine(config, tmp_path, armed=True)
    try:
        with pytest.raises(ValueError, match="comment is required"):
            await ex.silence(SilenceRequest(tuple(LABELS.items()), 3600, "alice", "  ",
                                            ("am0", "am1")), monitor.silence)
        assert _actions(journal) == []  # nothing asked, nothing recorded
        request = SilenceRequest(tuple(LABELS.items()), 5400, "alice", "known: rollback",
                                 ("am0", "am1"))
        said = await ex.silence(request, monitor.silence)
        assert "created on am1" in said  # am0 did not answer: the next one was asked
        await monitor.run_once()
        view = alerts_view(config, monitor.store)
    finally:
        await monitor.close()
    (silence,) = _silences(am)
    assert silence["createdBy"] == "alice" and silence["comment"] == "known: rollback"
    assert {m["name"]: m["value"] for m in silence["matchers"]} == LABELS
    assert [a.state for a in view.alerts] == ["silenced"]
    started, finished = _actions(journal)
    assert [started["outcome"], finished["outcome"]] == ["started", "finished"]
    assert finished["matchers"] == LABELS and finished["silence_s"] == 5400
    assert finished["comment"] == "known: rollback" and finished["author"] == "alice@test"


async def test_silence_from_the_panel_armed_and_confirmed(
        alertmanager_factory: Callable[[], Alertmanager], tmp_path: Path) -> None:
    am = alertmanager_factory()
    am.post({"labels": LABELS, "annotations": {"summary": "5xx"}})
    config = _config(tmp_path, am.url)
    journal = Journal(Incidents.from_config(config).audit_path)
    app = WarroomApp(config, author="alice@test")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, lambda t: "HighErrorRate" in t)
        panel = app.query_one(AlertsPanel)
        panel.focus()
        await pilot.press("S")  # not armed: refused, Alertmanager never asked
        await pilot.pause(0.3)
        assert not isinstance(app.screen, SilenceScreen)
        await pilot.pause(0.3)
        assert [a["outcome"] for a in _actions(journal)] == ["refused"]
        await pilot.press("o")  # arm
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.operator.armed
        panel.focus()
        await pilot.press("S")
        await pilot.pause(0.3)
        assert isinstance(app.screen, SilenceScreen)
        text = await wait_screen(pilot, lambda t: "matchers" in t)
        assert 'alertname="HighErrorRate"' in text and "alice@test" in text and "am0" in text
        await pilot.press("enter")  # no comment: not sent
        await pilot.pause(0.2)
        assert isinstance(app.screen, SilenceScreen)
        assert "a comment is required" in (await wait_screen(pilot, lambda t: "required" in t))
        for key in "rollback":
            await pilot.press(key)
        await pilot.press("enter")
        for _ in range(50):
            await asyncio.sleep(0.1)
            if _silences(am):
                break
        await wait_screen(pilot, lambda t: "1 silenced" in t)
    (silence,) = _silences(am)
    assert silence["comment"] == "rollback" and silence["createdBy"] == "alice@test"
    assert [a["outcome"] for a in _actions(journal)] == ["refused", "started", "finished"]
