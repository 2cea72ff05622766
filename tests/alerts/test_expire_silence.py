"""Expiring one's own silence from warroom, on a REAL Alertmanager: only your own active
silences are offered (others' counted), refused and recorded unarmed, expired when armed and
confirmed, the attempt audited (silence id, matchers, comment) — and the alert pages again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.alerts.test_silence import LABELS, _actions, _config, _engine
from tests.app.screen import wait_screen
from tests.infra.alertmanager import Alertmanager
from tui.app import WarroomApp
from tui.core.incident.files import Incidents
from tui.core.journal import Journal
from tui.screens.silences import ExpireSilenceScreen
from widgets.alerts import AlertsPanel

pytestmark = pytest.mark.alertmanager


def _states(am: Alertmanager) -> dict[str, str]:
    return {s["id"]: s["status"]["state"] for s in am._call("GET", "/api/v2/silences")}


def _silence_by(am: Alertmanager, author: str, comment: str,
                labels: dict[str, str] = LABELS) -> str:
    return am._call("POST", "/api/v2/silences", {
        "matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True}
                     for k, v in labels.items()],
        "startsAt": "2020-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
        "createdBy": author, "comment": comment})["silenceID"]


async def test_only_own_silence_expired_and_audited(
        alertmanager_factory: Callable[[], Alertmanager], tmp_path: Path) -> None:
    am = alertmanager_factory()
    mine = _silence_by(am, "alice@test", "rollback in progress")
    theirs = _silence_by(am, "bob", "bob's maintenance")
    config = _config(tmp_path, am.url)
    ex, monitor, journal = await _engine(config, tmp_path, armed=True)
    try:
        listed, unanswered = await monitor.silences()
        assert unanswered == []
        by_id = {s.id: s for s in listed}
        assert by_id[mine].is_own("alice@test") and not by_id[theirs].is_own("alice@test")
        assert 'alertname="HighErrorRate"' in by_id[mine].describe()
        with pytest.raises(ValueError, match="created by bob"):
            await ex.expire_silence(by_id[theirs], "alice@test", monitor.expire_silence)
        assert _actions(journal) == []  # not asked, not recorded
        said = await ex.expire_silence(by_id[mine], "alice@test", monitor.expire_silence)
    finally:
        await monitor.close()
    assert f"silence {mine} expired on am0" == said
    states = _states(am)
    assert states[mine] == "expired" and states[theirs] == "active"
    started, finished = _actions(journal)
    assert [started["outcome"], finished["outcome"]] == ["started", "finished"]
    assert finished["silence_id"] == mine and finished["comment"] == "rollback in progress"
    assert finished["action"] == "alert-unsilence" and finished["author"] == "alice@test"


async def test_expire_from_the_panel_armed_and_confirmed(
        alertmanager_factory: Callable[[], Alertmanager], tmp_path: Path) -> None:
    am = alertmanager_factory()
    am.post({"labels": LABELS, "annotations": {"summary": "5xx"}})
    mine = _silence_by(am, "alice@test", "known: rollback")
    _silence_by(am, "bob", "not yours", {"alertname": "DiskFull"})
    config = _config(tmp_path, am.url)
    journal = Journal(Incidents.from_config(config).audit_path)
    app = WarroomApp(config, author="alice@test")
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (said.append(str(message)), notify(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")  # the alerts pane
        await wait_screen(pilot, lambda t: "1 silenced" in t)
        panel = app.query_one(AlertsPanel)
        panel.focus()
        await pilot.press("X")  # not armed: refused and recorded, nothing listed
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ExpireSilenceScreen)
        assert [a["outcome"] for a in _actions(journal)] == ["refused"]
        await pilot.press("o", "y")  # arm
        await pilot.pause()
        assert app.operator.armed
        panel.focus()
        await pilot.press("X")
        for _ in range(30):
            await asyncio.sleep(0.1)
            if isinstance(app.screen, ExpireSilenceScreen):
                break
        text = await wait_screen(pilot, lambda t: "Expire a silence" in t)
        assert "known: rollback" in text and "1 active silence(s) by others" in text
        assert "not yours" not in text
        await pilot.press("enter")
        for _ in range(50):
            await asyncio.sleep(0.1)
            if _states(am)[mine] == "expired":
                break
        for _ in range(30):
            await asyncio.sleep(0.1)
            if any(f"silence {mine} expired on am0" in m for m in said):
                break
        assert said[0] == "expire silence: operator mode is not armed; press o to arm"
        assert f"silence {mine} expired on am0" in said
        await wait_screen(pilot, lambda t: "1 firing" in t)  # it pages again
    assert _states(am)[mine] == "expired"
    assert [a["outcome"] for a in _actions(journal)] == ["refused", "started", "finished"]
