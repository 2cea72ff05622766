"""The runbook pane in the app at 80x24: choose a scenario, tick a step (journaled, fsynced,
in the incident's journal), a tick from another war room appears within a second, a linked
step's Enter goes through the action's guard, and the file changing or disappearing while
shown is reloaded with the ticks kept by step text."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from tests.app.screen import screen_text, wait_screen
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident import Declaration, Incidents, ops
from tui.core.journal import Journal
from tui.core.runbook import KIND, tick_data
from widgets.runbook import RunbookPanel

BOOK = """# Demo

## Bad deploy

1. Look at the live color <!-- warroom: action=status -->
2. Tell the team
3. Roll back
   ```bash
   ./bluegreen.sh rollback
   ```
"""


def _config(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "books").mkdir()
    (tmp_path / "books" / "demo.md").write_text(BOOK)
    text = (f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
            '[[actions]]\nname = "status"\nkey = "g"\nargv = ["true"]\n'
            f'[runbooks]\npaths = ["{tmp_path / "books"}"]\n')
    return parse_config(text, env={})


async def _said(pilot, words: str, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for a toast containing `words` (toasts are not in the screen text)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(words in n.message for n in pilot.app._notifications):
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never said {words!r}: {[n.message for n in pilot.app._notifications]}")


def _ticks(config) -> list[dict]:  # type: ignore[no-untyped-def]
    state = Incidents.from_config(config).current()
    if state is None:
        return []
    return [e.data | {"by": e.author} for e in Journal(state.path).load().entries
            if e.kind == KIND]


async def test_tick_journal_pair_and_reload(tmp_path: Path) -> None:
    config = _config(tmp_path)
    app = WarroomApp(config, author="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pane("runbook")
        await wait_screen(pilot, lambda t: "Bad deploy" in t and "3 steps" in t)
        panel = app.query_one(RunbookPanel)
        assert app.focused is panel
        await pilot.press("enter")  # open the scenario
        await wait_screen(pilot, lambda t: "[ ] Look at the live color" in t)
        assert "[g] status" in screen_text(app)  # the linked action's key
        await pilot.press("space")  # no incident open: nothing journaled, said so
        await _said(pilot, "no incident open: declare one first")
        assert _ticks(config) == []

        ops.declare(Incidents.from_config(config), Declaration("API 5xx"), author="ann")
        await wait_screen(pilot, lambda t: "no incident open" not in t)
        await pilot.press("down", "space")  # tick "Tell the team"
        await wait_screen(pilot, lambda t: "[x] Tell the team" in t and "ann" in t)
        await wait_screen(pilot, lambda t: "saving" not in t)
        assert [(d["step"], d["ticked"], d["by"]) for d in _ticks(config)] == [
            ("Tell the team", True, "ann")]
        assert _ticks(config)[0]["scenario"] == "Bad deploy"

        # a pair in another war room ticks "Roll back" on the same journal
        state = Incidents.from_config(config).current()
        assert state is not None
        Journal(state.path).append(KIND, tick_data("demo", "Bad deploy", "Roll back", True),
                                   author="bob")
        start = time.monotonic()
        await wait_screen(pilot, lambda t: "[x] Roll back" in t, timeout=3)
        assert time.monotonic() - start < 1.0 + 0.2  # the poll (0.5 s) + the pane (0.25 s)

        # Enter on the linked step: the action's own guard (not armed) — nothing runs
        await pilot.press("up", "enter")
        await _said(pilot, "status: operator mode is not armed")

        # the file changes: "Tell the team" keeps its tick, a new step appears
        path = tmp_path / "books" / "demo.md"
        path.write_text(BOOK.replace("2. Tell the team", "2. Page the on-call\n3. Tell the team")
                        .replace("3. Roll back", "4. Roll back"))
        os.utime(path, (time.time() + 5, time.time() + 5))
        text = await wait_screen(pilot, lambda t: "[ ] Page the on-call" in t, timeout=5)
        assert "[x] Tell the team" in text and "reloaded" in text
        path.unlink()  # gone while shown: the last version stays, said
        text = await wait_screen(pilot, lambda t: "demo is gone" in t, timeout=5)
        assert "[x] Tell the team" in text

        await pilot.press("home", "down", "down", "space")  # untick "Tell the team"
        await wait_screen(pilot, lambda t: "[ ] Tell the team" in t)
        await asyncio.sleep(0.3)
    ticks = _ticks(config)
    assert [(d["step"], d["ticked"]) for d in ticks] == [
        ("Tell the team", True), ("Roll back", True), ("Tell the team", False)]


async def test_copy_needs_osc52_and_never_runs(tmp_path: Path) -> None:
    config = _config(tmp_path)
    app = WarroomApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pane("runbook")
        await wait_screen(pilot, lambda t: "Bad deploy" in t)
        await pilot.press("enter", "end")
        await wait_screen(pilot, lambda t: "$ ./bluegreen.sh rollback" in t)
        await pilot.press("c")
        await _said(pilot, "clipboard copy is off")
        await pilot.press("enter")  # not linked: commands are never run
        await _said(pilot, "never run")
        await pilot.press("left")
        await wait_screen(pilot, lambda t: "choose a scenario" in t)
