"""The actions UI at 80x24 with Textual's Pilot: arming, confirmation, panel, quit guard."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from rich.console import Console
from textual.widgets import Button, Input, Log

from tests.actions.conftest import pid_alive
from tui.app import WarroomApp
from tui.core.config import Config, load_config
from tui.core.journal import Journal
from tui.demo.config import config_dict
from tui.demo.env import DemoEnv, start_demo
from tui.screens.confirm import ConfirmScreen
from widgets.actions import ActionsPanel
from widgets.color import ColorPanel

SIZE = (80, 24)


ActionsApp = WarroomApp


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnv]:
    env = start_demo(tmp_path / "demo", ports={"router": 0, "blue": 0, "green": 0},
                     chatter=0.5, say=lambda _m: None)
    yield env
    env.stop()


def demo_config(demo: DemoEnv, tmp_path: Path, extra: list[dict[str, Any]] = ()) -> Config:
    data = config_dict(demo)
    data["actions"] = [*data["actions"], *extra]
    data["incident"] = {"dir": str(tmp_path / "incidents")}
    (tmp_path / "warroom.toml").write_text(tomli_w.dumps(data))
    return load_config(tmp_path / "warroom.toml")


def action_records(tmp_path: Path) -> list[dict[str, Any]]:
    paths = list((tmp_path / "incidents").rglob("*.jsonl"))
    return [e.data for p in paths for e in Journal(p).load().entries if e.kind == "action"]


def plain(renderable: Any) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def until(pilot: Any, check: Callable[[], Any], what: str, limit: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise TimeoutError(what)
        await pilot.pause(0.05)


async def arm(pilot: Any, app: ActionsApp) -> None:
    await pilot.press("o")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "arm modal")
    assert app.screen.focused is app.screen.query_one("#cancel", Button)
    await pilot.click("#run")
    await until(pilot, lambda: app.operator.armed, "armed")


async def test_rollback_from_the_keyboard_flips_the_live_color(
    demo: DemoEnv, tmp_path: Path
) -> None:
    config = demo_config(demo, tmp_path)
    app = ActionsApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store.color and app.store.color.live
                    and all(app.store.checks.get(s.name) for s in config.services), "probes")
        before = app.store.color.live
        idle = {"blue": "green", "green": "blue"}[before]
        await pilot.press("b")  # view mode: refused, nothing runs
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and demo.active() == before
        await arm(pilot, app)
        assert "OPERATOR ARMED" in str(app.query_one("Banner").mode)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm modal")
        screen = app.screen
        # typed confirmation: the (empty) field has focus, so the keyboard alone confirms
        typed = screen.query_one("#confirm-typed", Input)
        assert screen.focused is typed and typed.value == ""
        summary = screen.plain(200)
        assert str(demo.script("bluegreen.sh")) in summary and "PRODUCTION" in summary
        assert "preflight" in summary and "PASS" in summary
        await pilot.press(*before)  # the wrong color: refused
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        typed.value = ""
        await pilot.press(*idle)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "modal closed")
        run = app.executor.runs["rollback"]
        await until(pilot, lambda: run.done.is_set(), "rollback done")
        assert run.status == "finished" and run.effect_ok is True
        assert demo.active() == idle
        await until(pilot, lambda: f"LIVE  {idle.upper()} " in plain(
            app.query_one(ColorPanel).content), "color panel shows the new live color")
        log = app.query_one(ActionsPanel).query_one(Log)
        assert any("Rollback complete" in line for line in log.lines)
    outcomes = [r["outcome"] for r in action_records(tmp_path) if r["action"] == "rollback"]
    assert outcomes == ["refused", "started", "running", "finished", "effect"]


async def test_escape_cancels_double_press_runs_once_and_quit_asks_first(
    demo: DemoEnv, tmp_path: Path
) -> None:
    marker = tmp_path / "count"
    slow = {"name": "slow", "key": "z", "description": "a slow step",
            "argv": ["sh", "-c", f"echo once >> {marker}; printf '\\033]0;pwn\\007\\033[2J"
                     "[bold]x[/]\\n'; exec sleep 300"]}
    config = demo_config(demo, tmp_path, [slow])
    app = ActionsApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await arm(pilot, app)
        await pilot.press("z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm modal")
        await pilot.press("z")  # a second press while the modal is open stacks nothing
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "cancelled")
        await pilot.press("z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm modal")
        await pilot.click("#run")
        await until(pilot, lambda: "slow" in app.executor.runs, "started")
        run = app.executor.runs["slow"]
        await until(pilot, lambda: run.line_count >= 1, "output")
        await pilot.press("z")  # double press: focuses the running one
        await pilot.pause()
        assert app.executor.runs["slow"] is run and not isinstance(app.screen, ConfirmScreen)
        lines = app.query_one(ActionsPanel).query_one(Log).lines
        assert any("[bold]x[/]" in line for line in lines)
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        await pilot.press("q")  # quitting asks first
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "quit modal")
        await pilot.press("escape")
        await pilot.pause()
        assert run.running
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "quit modal")
        await pilot.click("#run")
        await until(pilot, lambda: not run.running, "stopped")
    assert marker.read_text() == "once\n" and not pid_alive(run.pid or 0)
    outcomes = [r["outcome"] for r in action_records(tmp_path) if r["action"] == "slow"]
    assert outcomes == ["cancelled", "started", "running", "interrupted"]


async def test_read_only_app_cannot_arm_or_run(demo: DemoEnv, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    config = demo_config(demo, tmp_path, [
        {"name": "touch", "key": "k", "argv": ["touch", str(marker)]}])
    app = ActionsApp(config, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and not app.operator.armed
        for action in config.actions:
            await pilot.press(action.key)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
        assert "READ-ONLY" in str(app.query_one(ActionsPanel).border_subtitle)
    assert not marker.exists() and demo.active() == "green"
    records = action_records(tmp_path)
    assert len(records) == len(config.actions)
    assert all(r["outcome"] == "refused" for r in records)
