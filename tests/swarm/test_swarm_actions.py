"""Service actions from warroom on a real swarm: rollback (armed, confirmed in the panel,
audited; the spec returns), restart bumps ForceUpdate, scale; refused when read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from probes.swarm import SwarmProbe
from tests.swarm.conftest import Services, docker, eventually
from tui.core.config import parse_config
from tui.core.incident.files import Incidents
from tui.core.journal import Journal
from tui.core.store import Store
from tui.engine.actions import Executor, OperatorMode
from tui.engine.actions.swarm import swarm_action

pytestmark = pytest.mark.docker


def _config(prefix: str, tmp_path: Path) -> Any:
    return parse_config(f'[environment]\nname = "prod"\nproduction = true\n[swarm]\n'
                        f'services = ["^{prefix}"]\n[incident]\ndir = "{tmp_path}/inc"\n',
                        env={})


def _env(services: Services, name: str) -> list[str]:
    spec = services.inspect(name)["Spec"]["TaskTemplate"]["ContainerSpec"]
    return list(spec.get("Env") or [])


def _actions(journal: Journal) -> list[dict[str, Any]]:
    return [e.data for e in journal.load().entries if e.kind == "action"]


async def test_restart_scale_and_read_only(services: Services, tmp_path: Path) -> None:
    name = services("api", "sleep", "600")
    config = _config(services.prefix, tmp_path)
    probe = SwarmProbe(config.swarm, lambda snap: None)
    probe.start()
    journal = Journal(tmp_path / "audit.jsonl")
    try:
        await eventually(lambda: probe.last and any(s.name == name and s.running == 1
                                                    for s in probe.last.services), what="1/1")
        row = next(s for s in probe.last.services if s.name == name)
        locked = Executor(config, Store(), journal, operator=OperatorMode(read_only=True),
                          read_only=True, author="alice")
        with pytest.raises(PermissionError, match="read-only"):
            await swarm_action(locked, row, "restart", probe.act)
        operator = OperatorMode()
        operator.arm()
        ex = Executor(config, Store(), journal, operator=operator, author="alice")
        said = await swarm_action(ex, row, "restart", probe.act)
        assert "ForceUpdate 1" in said
        assert services.inspect(name)["Spec"]["TaskTemplate"]["ForceUpdate"] == 1
        await swarm_action(ex, row, "scale", probe.act, replicas=2)
        assert services.inspect(name)["Spec"]["Mode"]["Replicated"]["Replicas"] == 2
        await eventually(lambda: any(s.name == name and s.running == 2
                                     for s in probe.last.services), what="2/2")
    finally:
        await probe.close()
    records = _actions(journal)
    assert [r["outcome"] for r in records] == ["refused", "started", "finished", "started",
                                              "finished"]
    assert records[2]["argv"] == ["docker", "service", "update", "--force", name]
    assert records[4]["argv"] == ["docker", "service", "scale", f"{name}=2"]
    assert records[4]["replicas"] == 2 and records[4]["where"] == "local"


async def test_rollback_from_the_panel(services: Services, tmp_path: Path) -> None:
    from tui.app import WarroomApp
    from tui.screens.confirm import ConfirmScreen
    from widgets.swarm import SwarmPanel

    name = services("web", "sleep", "600", extra=("--env", "VERSION=1"))
    await eventually(lambda: services.inspect(name).get("UpdatedAt"), what="created")
    docker("service", "update", "--detach", "--env-add", "VERSION=2", name)
    await eventually(lambda: "VERSION=2" in _env(services, name), what="updated spec")
    config = _config(services.prefix, tmp_path)
    journal = Journal(Incidents.from_config(config).audit_path)
    app = WarroomApp(config, author="alice@test")
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pane("swarm")
        panel = app.query_one(SwarmPanel)
        await eventually(lambda: (s := panel.selected()) and s.name == name
                         and s.previous_image, what="the service with a previous spec")
        panel.focus()
        await pilot.press("U")  # not armed: refused and recorded, nothing asked
        await eventually(lambda: [a["outcome"] for a in _actions(journal)] == ["refused"],
                         what="the refusal")
        await pilot.press("o", "y")  # arm
        await pilot.pause()
        assert app.operator.armed
        panel.focus()
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown = dict(app.screen.details)
        assert shown["manager"] == "local" and shown["previous spec image"]
        assert shown["image now"].startswith("warroom-fixture:busybox")
        assert list(app.screen.command) == ["docker", "service", "rollback", name]
        await pilot.press("y")
        await eventually(lambda: _env(services, name) == ["VERSION=1"], timeout=20,
                         what="the previous spec back")
        await eventually(lambda: len(_actions(journal)) == 3, what="the audit")
    refused, started, finished = _actions(journal)
    assert (started["outcome"], finished["outcome"]) == ("started", "finished")
    assert finished["action"] == "swarm-rollback" and finished["service"] == name
    assert finished["previous_image"] and "rollback" in finished["result"]
    assert refused["outcome"] == "refused"
