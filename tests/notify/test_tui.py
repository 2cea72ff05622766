"""Sending a status update from the war room (Pilot, real loopback receivers): menu → kind →
the draft with its targets (name and host only) → sent in a worker; a hanging target never
blocks the screen; keys typed in the dialogs stay there; refused in read-only mode; the
secret URL never on screen."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from tests.app.screen import APP_CSS, screen_text, wait_screen
from tests.infra.http import Fixed, Hang, HttpServer
from tests.notify.conftest import SECRET, bodies, config_with, declared, hook, target
from tui.app import WarroomApp
from tui.core.journal import Journal
from tui.screens.help import HelpScreen
from tui.screens.incident import IncidentScreen
from tui.screens.notify import NotifyKindScreen, NotifyScreen


class Room(WarroomApp):
    """The war room, remembering every toast it asked for."""

    CSS_PATH = APP_CSS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.said: list[str] = []

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.said.append(message)
        super().notify(message, **kwargs)


async def _menu_send(app: Room, pilot: Any) -> None:
    await pilot.press("i")
    assert isinstance(app.screen, IncidentScreen)
    options = app.screen.query_one(OptionList)
    options.highlighted = [c for c, _ in app.screen._choices].index(("notify",))
    await pilot.press("enter")


async def test_send_from_the_menu_a_hang_never_blocks(http_server: HttpServer,
                                                     tmp_path: Path) -> None:
    http_server.route(f"/ok/{SECRET}", Fixed(200, b"ok"))
    http_server.route(f"/hang/{SECRET}", Hang())
    config = config_with(tmp_path, target("slack-ops", hook(http_server, "/ok")),
                         target("dead", hook(http_server, "/hang"), timeout=2.0),
                         production=True)
    state = declared(config)
    app = Room(config, author="ann@tui")
    async with app.run_test(size=(120, 40)) as pilot:
        await _menu_send(app, pilot)
        assert isinstance(app.screen, NotifyKindScreen)
        await pilot.press("enter")  # the first kind: the incident's status (investigating)
        assert isinstance(app.screen, NotifyScreen)
        text = await wait_screen(pilot, lambda t: "[Investigating] Checkout down" in t)
        assert f"slack-ops (slack) {http_server.base_url}/…" in text
        assert f"dead (slack) {http_server.base_url}/…" in text and "PRODUCTION" in text
        assert SECRET not in text and "/ok/" not in text
        await pilot.press("i", "q", "r", "I", "question_mark")  # none reaches the war room
        assert isinstance(app.screen, NotifyScreen) and app.is_running
        await pilot.press("y")
        assert not isinstance(app.screen, NotifyScreen)
        await pilot.pause(0.3)  # slack-ops answered; dead hangs for 2 s
        began = time.monotonic()
        await pilot.press("question_mark")  # the war room answers meanwhile
        assert isinstance(app.screen, HelpScreen) and time.monotonic() - began < 0.5
        await pilot.press("escape")
        await wait_screen(pilot, lambda t: any("FAILED" in s for s in app.said), timeout=6)
        [result] = [s for s in app.said if s.startswith("investigating update:")]
        assert "slack-ops" in result and "sent, HTTP 200" in result
        assert "dead" in result and "no answer within 2 s" in result
        text = await wait_screen(pilot, lambda t: "Status update (investigating) NOT" in t)
        assert SECRET not in text and SECRET not in screen_text(app)
    assert len(bodies(http_server, "/ok/")) == 1
    notify = [e.data for e in Journal(state.path).load().entries if e.kind == "notify"]
    assert [d["outcome"] for d in notify] == ["sending", "sent", "failed"]
    assert SECRET not in state.path.read_text()


async def test_cancel_sends_nothing_and_read_only_refuses(http_server: HttpServer,
                                                         tmp_path: Path) -> None:
    http_server.route(f"/ok/{SECRET}", Fixed(200, b"ok"))
    config = config_with(tmp_path, target("slack-ops", hook(http_server, "/ok")))
    state = declared(config)
    app = Room(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await _menu_send(app, pilot)
        await pilot.press("down", "enter")  # another kind
        assert isinstance(app.screen, NotifyScreen)
        await wait_screen(pilot, lambda t: "Checkout down" in t and "rendering" not in t)
        await pilot.press("enter")  # Cancel has focus
        assert not isinstance(app.screen, NotifyScreen)
        assert "status update not sent (cancelled)" in app.said
    ro = Room(config, read_only=True)
    async with ro.run_test(size=(100, 30)) as pilot:
        await _menu_send(ro, pilot)
        assert not isinstance(ro.screen, NotifyKindScreen)
        assert any("read-only" in s for s in ro.said)
    assert http_server.requests == []
    assert not [e for e in Journal(state.path).load().entries if e.kind == "notify"]
