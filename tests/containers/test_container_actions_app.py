"""A container action in the REAL app against the real engine: refused while not armed (and
Docker never asked), then armed → S → the shared confirmation (host, container, color) → the
container stops, audited through the executor like every action (refused, started, finished;
one attempt id; the author). An action's `{container}` is the row selected."""

from __future__ import annotations

from typing import Any

import pytest

from tests.containers.conftest import eventually
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident import Incidents
from tui.core.journal import Journal
from tui.screens.confirm import ConfirmScreen
from widgets.containers import ContainersPanel

pytestmark = pytest.mark.docker


def _config(prefix: str, tmp_path: Any) -> Any:
    return parse_config(f"""
[environment]
name = "prod-eu"
production = true
[containers]
names = ["^{prefix}"]
timeout = 5
stats = false
[incident]
dir = "{tmp_path / 'incidents'}"
[[actions]]
name = "inspect"
key = "z"
description = "docker inspect the selected container"
argv = ["docker", "inspect", "{{container}}"]
""", env={})


def _actions(journal: Journal) -> list[dict[str, Any]]:
    return [e.data | {"author": e.author} for e in journal.load().entries if e.kind == "action"]


async def test_stop_from_the_panel_goes_through_the_executor(container_factory, tmp_path):
    # sh as PID 1 ignores SIGTERM: without SIGKILL `docker stop` would wait its 10 s
    worker = container_factory("sleep 600", name="worker-blue", labels={"color": "blue"},
                               stop_signal="SIGKILL")
    config = _config(container_factory.prefix, tmp_path)
    journal = Journal(Incidents.from_config(config).audit_path)
    app = WarroomApp(config, author="alice@test")
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pane("containers")
        panel = app.query_one(ContainersPanel)
        await eventually(lambda: any(r.name == worker.name for r in panel.rows_shown.values()),
                         timeout=20, what="the worker's row")
        panel.table.focus()
        await pilot.press("S")  # not armed: refused, Docker never asked
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await eventually(lambda: [a["outcome"] for a in _actions(journal)] == ["refused"],
                         what="the refused attempt")
        await pilot.press("o")  # arm
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.operator.armed
        panel.table.focus()
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown = " ".join([app.screen.what, app.screen.where,
                          *(v for _k, v in app.screen.details)])
        assert worker.name in shown and "local" in shown and "blue" in shown
        await pilot.press("y")
        await eventually(lambda: (worker.reload() or worker.status) == "exited", timeout=20,
                         what="the container stopped")
        await eventually(lambda: len(_actions(journal)) == 3, what="the audit")
        # an action's {container} is the row selected on the panel
        panel.table.focus()
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert ["docker", "inspect", worker.name] == list(app.screen.command)
        await pilot.press("escape")
        await pilot.pause()
    refused, started, finished, _cancelled = _actions(journal)
    assert [refused["outcome"], started["outcome"], finished["outcome"]] == \
        ["refused", "started", "finished"]
    assert started["attempt"] == finished["attempt"] != refused["attempt"]
    assert finished["argv"] == ["docker", "stop", worker.name]
    assert {a["author"] for a in (refused, started, finished)} == {"alice@test"}
