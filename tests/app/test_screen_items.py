"""Small screen and key items at 80x24: the logs filter visible while typing, toasts short and
out of the way, the whole incident panel readable, a screenshot saved somewhere that exists,
and `y` / `n` shown on the confirmation buttons (letters typed into a reason are text)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from textual.widgets import Button, Input
from textual.widgets._toast import Toast

from tests.app.keys import burst, keys_applied
from tests.app.screen import screen_text, wait_screen, widget_text
from tests.app.test_snapshots import frozen_app
from tui.app import WarroomApp
from tui.core.attempts import PreflightResult
from tui.core.config import parse_config
from tui.core.incident import Declaration, ops
from tui.screens.confirm import ConfirmScreen
from widgets.incident_clock import IncidentClockPanel


async def test_logs_filter_text_is_visible_while_typing(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("".join(f"line {i}\n" for i in range(5)) + "needle here\n")
    app = WarroomApp(parse_config(f'[environment]\nname = "f"\n[[logs.sources]]\n'
                                  f'kind = "file"\nname = "app"\npath = "{log}"\n'))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(str(app.panes.index("logs") + 1))
        await wait_screen(pilot, lambda t: "needle here" in t)
        await burst(app, pilot, ["/", *"needle"])
        assert isinstance(app.focused, Input) and app.focused.value == "needle"
        row = screen_text(app).splitlines()[app.focused.region.y]
        assert "needle" in row  # the one-row box shows what is typed (no border over it)


async def test_toasts_are_one_at_a_time_deduplicated_short_and_off_the_panels() -> None:
    app = frozen_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for _ in range(3):
            app.notify("api-green: OK → DOWN (HTTP 503)", severity="error", timeout=6)
        app.notify("note saved to audit", timeout=6)  # milder: waits for nothing, dropped
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 1 and "api-green" in str(toasts[0].render())
        app.clear_notifications()
        app.notify("api-green: DOWN → OK", timeout=6)
        await pilot.pause()
        shown = list(app._notifications)
        assert len(shown) == 1 and shown[0].timeout <= 3
        toast = app.screen.query_one(Toast)
        assert toast.region.height == 1 and toast.region.y == 23  # the footer's row
        for panel in app.query(IncidentClockPanel):
            assert not toast.region.overlaps(panel.region)


async def test_the_whole_incident_panel_is_readable_at_80x24(tmp_path: Path) -> None:
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        now = app.clock()
        state = ops.declare(app.incident_tracker.incidents,
                            Declaration("checkout down", start=now - dt.timedelta(minutes=3)),
                            author="ann")
        ops.set_milestone(state, "detected", author="ann", at=now - dt.timedelta(minutes=2))
        app.incident_poll()
        await pilot.pause()
        app.incident_tick(now)
        await pilot.pause()
        panel = app.query_one(IncidentClockPanel)
        assert panel.region.bottom <= 23  # above the footer, nothing cut
        text = widget_text(app, panel)
        for word in ("checkout down", "Detect", "Mitigate", "Recover", "MTTR", "det ", "res —"):
            assert word in text, text


async def test_screenshot_goes_where_a_directory_exists(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Downloads
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nocfg"))  # no user-dirs.dirs
    app = frozen_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.deliver_screenshot()
        text = await wait_screen(pilot, lambda t: "screenshot saved to" in t)
        where = Path(os.environ["XDG_STATE_HOME"]) / "warroom" / "screenshots"
        assert len(list(where.glob("*.svg"))) == 1, text
        assert "warroom/screenshots/" in text.replace("\n", "").replace(" ", "")
        blocked = tmp_path / "file"
        blocked.write_text("")
        app.deliver_screenshot(path=str(blocked / "sub"))
        text = await wait_screen(pilot, lambda t: "screenshot not saved" in t)
        assert "Not a directory" in text or "cannot create" in text


async def test_letters_answer_only_a_dialog_that_asks_for_no_text() -> None:
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        simple = ConfirmScreen("Restart?", "restart web", "local")
        app.push_screen(simple)
        await pilot.pause()
        labels = [str(b.label) for b in simple.query(Button)]
        assert labels == ["Cancel (n)", "Run (y)"] and simple.focused.id == "cancel"
        await burst(app, pilot, ["n"])
        assert app.screen is not simple  # n answered No

        failed = ConfirmScreen("Run rollback?", "rollback", "local",
                               checks=[PreflightResult("idle green", False, "DOWN")])
        app.push_screen(failed)
        await pilot.pause()
        reason = failed.query_one("#confirm-reason", Input)
        assert failed.focused is reason  # the text asked for has focus, not Cancel
        assert [str(b.label) for b in failed.query(Button)] == \
            ["Cancel (Esc)", "Override and run (Enter)"]
        await burst(app, pilot, [*"no, yes: blue is idle"])
        assert app.screen is failed and reason.value == "no, yes: blue is idle"
        await burst(app, pilot, ["tab", "n", "y"])  # even on a button: no letter answers
        await keys_applied(app, pilot)
        assert app.screen is failed
