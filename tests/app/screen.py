"""Read what a headless app shows, as plain text lines (the same render a screenshot uses)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

import tui

APP_CSS = str(Path(tui.__file__).with_name("app.tcss"))
"""The app's one stylesheet: `CSS_PATH = APP_CSS` for a test that mounts a widget in a bare
`App` (widgets carry no DEFAULT_CSS; every style is there)."""


def screen_text(app: App) -> str:
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True
    ))
    return console.export_text(styles=False)


async def wait_screen(
    pilot: Pilot, predicate: Callable[[str], bool], timeout: float = 15.0
) -> str:
    """Pause until `predicate(screen text)` holds; fail with the screen when it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    text = ""
    while loop.time() < deadline:
        await pilot.pause(0.1)
        text = screen_text(pilot.app)
        if predicate(text):
            return text
    raise AssertionError(f"screen never matched; last screen:\n{text}")


def widget_text(app: App, widget) -> str:
    """The words a widget shows on screen, borders removed, lines joined by spaces."""
    lines = screen_text(app).splitlines()
    region = widget.region
    rows = [line[region.x:region.right] for line in lines[region.y:region.bottom]]
    words = " ".join(rows).replace("│", " ").replace("─", " ")
    return " ".join(words.split())
