"""A marker naming an action that is not configured: the link is dropped, and the pane says so
under the step (not only `warroom runbook show` on stderr)."""

from __future__ import annotations

from pathlib import Path

from tests.app.screen import wait_screen
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.runbook.library import link_actions
from tui.core.runbook.parse import parse
from tui.features.runbook import marker_warning

BOOK = """# Demo

## Bad deploy

1. Look at the live color <!-- warroom: action=status -->
2. Roll back now <!-- warroom: action=rollbak -->
3. Tell the team
"""


def test_unknown_marker_kept_on_the_step_for_the_pane() -> None:
    rb = link_actions(parse(BOOK, "demo", "demo.md", "markdown"), {"status"}, {})
    steps = rb.scenarios[0].steps
    assert [s.action for s in steps] == ["status", None, None]
    assert [s.unknown_action for s in steps] == [None, "rollbak", None]
    assert marker_warning("rollbak") == ("marker names 'rollbak': no such action — check the "
                                         "runbook")
    assert marker_warning(None) == ""
    assert len(marker_warning("x\x1b[31m" * 50)) < 140  # bounded, one safe line
    assert "\x1b" not in marker_warning("x\x1b[31m")


async def test_pane_shows_the_warning_under_the_step(tmp_path: Path) -> None:
    (tmp_path / "books").mkdir()
    (tmp_path / "books" / "demo.md").write_text(BOOK)
    config = parse_config(
        f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
        '[[actions]]\nname = "status"\nkey = "g"\nargv = ["true"]\n'
        f'[runbooks]\npaths = ["{tmp_path / "books"}"]\n', env={})
    app = WarroomApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pane("runbook")
        await wait_screen(pilot, lambda t: "Bad deploy" in t)
        await pilot.press("enter")
        text = await wait_screen(pilot, lambda t: "no such action" in t)
        assert "marker names 'rollbak'" in text
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if "Roll back now" in line)
        assert "rollbak" in lines[at + 1]
