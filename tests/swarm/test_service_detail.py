"""The drill-down on a swarm service in the REAL app, on the real single-node swarm: Enter on
a service row opens its detail (service section, every recent task, the `docker service logs`
tail), env values (a secret) never on screen nor in any file the app wrote, a key typed with
Enter lands on the detail, a rollback from the detail (armed, confirmed) shows "rolling back…"
until the manager says rollback_completed, 80x24 and 200x50 both laid out, Escape closes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.screen import screen_text, wait_screen
from tests.swarm.conftest import Services, docker, eventually
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.screens.confirm import ConfirmScreen
from tui.screens.container_detail import render_sections
from tui.screens.swarm_detail import ServiceDetailScreen
from widgets.log_view import LogView
from widgets.swarm import SwarmPanel

pytestmark = pytest.mark.docker

SECRET = "s3cr3t-swarm-value-7f1c"


def _env(services: Services, name: str) -> list[str]:
    spec = services.inspect(name)["Spec"]["TaskTemplate"]["ContainerSpec"]
    return list(spec.get("Env") or [])


async def test_service_detail_opens_rolls_back_and_closes(services: Services, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    name = services("web", "sh", "-c", "echo hello-from-task; echo 'ERROR: boom'; "
                    "exec sleep 600",
                    extra=("--env", f"API_TOKEN={SECRET}", "--env", "VERSION=1",
                           "--constraint", "node.role==manager"))
    await eventually(lambda: services.inspect(name).get("UpdatedAt"), what="created")
    docker("service", "update", "--detach", "--env-add", "VERSION=2", name)
    await eventually(lambda: "VERSION=2" in _env(services, name), what="updated spec")
    config = parse_config(f'[environment]\nname = "prod"\n[swarm]\n'
                          f'services = ["^{services.prefix}"]\n'
                          f'[incident]\ndir = "{tmp_path}/inc"\n', env={})
    app = WarroomApp(config, author="alice@test")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "y")  # arm first: the war room's keys are off in a dialog
        await eventually(lambda: app.operator.armed, what="armed")
        app.action_pane("swarm")
        panel = app.query_one(SwarmPanel)
        await eventually(lambda: (s := panel.selected()) and s.name == name
                         and s.previous_image and s.running == 1
                         and s.update_state in ("", "completed"),
                         what="the service, updated and settled")
        panel.focus()
        await pilot.press("enter", "n")  # "n" typed at once lands on the detail, not beneath
        await eventually(lambda: isinstance(app.screen, ServiceDetailScreen), what="detail")
        screen = app.screen
        assert isinstance(screen, ServiceDetailScreen) and len(app.screen_stack) == 2
        await eventually(lambda: screen.sections is not None, what="the inspect summary")
        info = render_sections(screen.sections or []).plain
        for part in (f"Service {name}", "replicated", "1 running / 1 desired",
                     "previous image", "warroom-fixture:busybox", "force update",
                     "Tasks (", "running (→running)", "shutdown", "node.role==manager",
                     "Environment (names only, 2)", "API_TOKEN", "VERSION",
                     "warroom.test", "restart policy"):
            assert part in info, (part, info)
        assert SECRET not in info
        view = screen.query_one(LogView)
        await eventually(lambda: any("hello-from-task" in x.plain for x in view.lines),
                         what=f"the service logs tail ({screen._logs.border_title})")
        text = await wait_screen(pilot, lambda t: "U rollback" in t and "Swarm service" in t)
        assert SECRET not in text and not screen.has_class("-wide")
        await pilot.resize_terminal(200, 50)
        await eventually(lambda: screen.has_class("-wide"), what="wide layout")
        text = await wait_screen(pilot, lambda t: f"[{name}.1] hello-from-task" in t
                                 and "Tasks (" in t)  # the line's source: its task
        assert SECRET not in text
        sections, logs = screen.query_one("#detail-sections"), screen.query_one("#detail-logs")
        assert logs.region.x > sections.region.x and logs.region.y == sections.region.y
        await pilot.resize_terminal(80, 24)
        # U from the detail: the shared confirmation, then progress until the manager says so
        await pilot.press("U")
        await eventually(lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        assert list(app.screen.command) == ["docker", "service", "rollback", name]
        await pilot.press("y")
        seen = await wait_screen(pilot, lambda t: "rolling back…" in t
                                 or "rollback_completed" in t)
        done = await wait_screen(pilot, lambda t: "rollback: rollback_completed" in t,
                                 timeout=25)
        assert "rolling back…" in seen or "rollback_completed" in seen
        assert "confirmed by the manager" in done and SECRET not in done
        assert _env(services, name) == [f"API_TOKEN={SECRET}", "VERSION=1"]
        await eventually(lambda: "rollback_completed" in render_sections(
            screen.sections or []).plain, what="the summary read again")
        assert SECRET not in screen_text(app)
        await pilot.press("escape")
        await eventually(lambda: len(app.screen_stack) == 1, what="closed")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
