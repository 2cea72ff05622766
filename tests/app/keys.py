"""Typing into the app as a terminal does: keys posted back to back (typeahead), or one at a
time (each applied before the next, Pilot's way), and waiting until every key was applied."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.keys import _character_to_key

SPECIAL = {"enter": "\r", "space": " ", "tab": "\t", "escape": "\x1b"}


def key_event(key: str) -> events.Key:
    """The Key event the driver posts for `key` (a character, or a name such as "enter")."""
    if len(key) == 1:
        return events.Key(_character_to_key(key) if not key.isalnum() else key, key)
    return events.Key(key, SPECIAL.get(key))


def as_keys(text: str) -> list[str]:
    """Text as key names: "\n" → enter, everything else one key per character."""
    return ["enter" if ch == "\n" else ch for ch in text]


async def keys_applied(app: Any, pilot: Any, limit: float = 10.0) -> None:
    """Wait until the app's key backlog is empty and the last key was applied."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while getattr(app, "_key_busy", False) or getattr(app, "_key_backlog", None):
        assert loop.time() < deadline, "keys still pending"
        await pilot.pause(0.01)
    await pilot.pause()


async def burst(app: Any, pilot: Any, keys: list[str]) -> None:
    """Post every key at once, as bytes arriving together from a paste or a slow link."""
    for key in keys:
        app.post_message(key_event(key))
    await keys_applied(app, pilot)


async def one_by_one(app: Any, pilot: Any, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
    await keys_applied(app, pilot)
