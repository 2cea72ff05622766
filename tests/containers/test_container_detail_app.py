"""The drill-down in the REAL app against the real engine, at 80x24 and 200x50: Enter on a
container row opens its detail (sections present, env values never on screen nor in any
file the app wrote), its logs view follows the tail's lines of just this container with the
logs pane's keys, R restarts through the shared confirmation and shows "restarting… N s"
until the engine confirms it running again, keys typed fast never reach the screen beneath,
Escape closes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app.screen import screen_text, wait_screen
from tests.containers.conftest import eventually
from tests.containers.test_container_detail_model import SECRETS, make_web
from tests.infra.docker import wait_status
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.screens.confirm import ConfirmScreen
from tui.screens.container_detail import ContainerDetailScreen, render_sections
from widgets.containers import ContainersPanel
from widgets.log_view import LogView

pytestmark = pytest.mark.docker


def _config(prefix: str, web: str, tmp_path: Path) -> Any:
    return parse_config(f"""
[environment]
name = "prod-eu"
[containers]
names = ["^{prefix}"]
timeout = 5
stats = true
stats_interval = 0.5
[[logs.sources]]
kind = "docker"
container = "{web}"
name = "web"
tail = 50
[incident]
dir = "{tmp_path / 'incidents'}"
""", env={})


async def _open(app: WarroomApp, pilot: Any, name: str, keys: tuple[str, ...] = ()
                ) -> ContainerDetailScreen:
    app.action_pane("containers")
    panel = app.query_one(ContainersPanel)
    await eventually(lambda: any(r.name == name for r in panel.rows_shown.values()),
                     what="the row")
    panel.table.focus()
    panel.table.move_cursor(row=panel.table.keys.index(f"local/{name}"))
    await pilot.press("enter", *keys)
    await eventually(lambda: isinstance(app.screen, ContainerDetailScreen), what="detail")
    screen = app.screen
    assert isinstance(screen, ContainerDetailScreen)
    await eventually(lambda: screen.sections is not None, what="the inspect summary")
    return screen


def _no_secret_written(*folders: Path) -> None:
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not any(s.encode() in data for s in SECRETS), path


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_detail_opens_restarts_and_closes(container_factory, tmp_path, monkeypatch,
                                                size):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    web = make_web(container_factory, tmp_path)
    other = container_factory("echo other-line; exec sleep 600", name="other",
                              stop_signal="SIGKILL")
    app = WarroomApp(_config(container_factory.prefix, web.name, tmp_path),
                     author="alice@test")
    async with app.run_test(size=size) as pilot:
        await pilot.press("o", "y")  # arm first: the war room's keys are off in a dialog
        await eventually(lambda: app.operator.armed, what="armed")
        # Enter then a key at once: the key lands on the detail, never beneath it
        screen = await _open(app, pilot, web.name, keys=("n",))
        assert len(app.screen_stack) == 2, app.screen_stack
        assert screen.has_class("-wide") == (size[0] >= 140)
        info = render_sections(screen.sections or []).plain
        for section in ("State", "Health", "Image", "Ports", "Mounts", "Environment",
                        "Labels", "SECRET_TOKEN", "127.0.0.1:18931 → 8080/tcp"):
            assert section in info
        text = await wait_screen(pilot, lambda t: "memory" in t and "Container" in t)
        assert web.name in text and "R restart" in text
        # the logs: this container's lines only (the tail follows it)
        view = screen.query_one(LogView)
        await eventually(lambda: any("ERROR: sample failure" in x.plain for x in view.lines),
                         what="the web's lines in the detail")
        assert not any("other-line" in x.plain for x in view.lines)
        sections = screen.query_one("#detail-sections")
        logs = screen.query_one("#detail-logs")
        if size[0] >= 140:
            assert logs.region.x > sections.region.x and logs.region.y == sections.region.y
        else:
            assert logs.region.y > sections.region.y
            sections.scroll_end(animate=False, immediate=True)
            await wait_screen(pilot, lambda t: "Labels (" in t)
        # the logs pane's keys: / filter, Esc back to the lines, w wrap, f pause
        view.focus()
        await pilot.press("slash", "E", "R", "R", "O", "R")
        await eventually(lambda: view.pattern == "ERROR", what="the filter")
        assert not isinstance(app.screen, ConfirmScreen)  # R typed as text, not an action
        await pilot.press("escape", "w", "f")
        assert app.screen is screen and view.has_focus and view.wrap and not view.follow
        assert [x.plain for x in view.view if not x.plain.startswith("──")] == [
            "ERROR: sample failure"]  # markers (attached …) pass every filter
        # R: the shared confirmation, then progress until the engine confirms
        before = web.attrs["State"]["StartedAt"]
        await pilot.press("R")
        await eventually(lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        await pilot.press("y")
        seen = await wait_screen(pilot, lambda t: "restarting…" in t or "restarted:" in t)
        await wait_screen(pilot, lambda t: "restarted: running" in t, timeout=20)
        web.reload()
        assert web.status == "running" and web.attrs["State"]["StartedAt"] != before
        assert "restarting…" in seen or "restarted" in seen
        started = web.attrs["State"]["StartedAt"][11:19]  # the summary fetched again
        await eventually(lambda: f"{started} UTC" in render_sections(screen.sections or []
                                                                     ).plain, what="re-read")
        for secret in SECRETS:
            assert secret not in screen_text(app)
        await pilot.press("escape")
        await eventually(lambda: len(app.screen_stack) == 1, what="closed")
        assert other.status == "running"
    _no_secret_written(tmp_path / "incidents", tmp_path / "state")


async def test_exited_and_oom_details_fetch_a_tail(container_factory, tmp_path, monkeypatch):
    """No logs source follows them: a bounded tail is fetched on open. Exit code 3 and a real
    OOM kill are shown; an action refused (not armed) is said on the progress line."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    job = container_factory("echo boom; echo 'error: bad thing' >&2; exit 3", name="job")
    oom = container_factory(["tail", "/dev/zero"], name="oom", mem_limit="6m",
                            memswap_limit="6m")
    wait_status(job, "exited", 15)
    wait_status(oom, "exited", 15)
    config = parse_config(f"""
[environment]
name = "test"
[containers]
names = ["^{container_factory.prefix}"]
include_stopped = true
timeout = 5
stats = false
[incident]
dir = "{tmp_path / 'incidents'}"
""", env={})
    app = WarroomApp(config, author="alice@test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot, job.name)
        view = screen.query_one(LogView)
        tail = ["boom", "error: bad thing"]  # stdout and stderr: either order
        await eventually(lambda: sorted(x.plain for x in view.lines) == tail, what="the tail")
        assert "last 2 lines" in str(screen.query_one("#detail-logs").border_title)
        info = render_sections(screen.sections or []).plain
        assert "last exit        3" in info and "OOM killed       no" in info
        await pilot.press("S")  # not armed: refused by the executor, said here too
        await wait_screen(pilot, lambda t: "stop failed:" in t and "arm" in t)
        assert job.status == "exited"
        await pilot.press("escape")
        await eventually(lambda: len(app.screen_stack) == 1, what="closed")
        screen = await _open(app, pilot, oom.name)
        info = render_sections(screen.sections or []).plain
        oom.reload()  # what the engine says (its OOMKilled flag can miss a kill under load)
        said = "YES" if oom.attrs["State"]["OOMKilled"] else "no"
        assert f"OOM killed       {said}" in info and "last exit        137" in info
        await pilot.press("escape")
        await eventually(lambda: len(app.screen_stack) == 1, what="closed")
