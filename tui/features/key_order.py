"""Keys apply in the order typed, and nothing beneath a dialog acts (mixed into the app).

Textual hands a key to the focused widget by posting it to that widget's queue, and reads the
next key at once; a key that opens or closes a dialog does so only once it has bubbled back
up to the app. `KeyOrderMixin` lets one key through at a time: the next key is dispatched
only after the previous one — with everything it caused (bindings, button presses, a dialog
opened or dismissed, focus moved) — has been applied. While a dialog is active
`check_action` refuses every war-room action (see `tui/screens/modal.py`).
"""

from __future__ import annotations

import collections
from typing import Any

from textual import events
from textual.message import Message
from textual.widget import Widget

from tui.features.base import WarroomBase
from tui.screens.modal import GENERIC_ACTIONS

MAX_ROUNDS = 8
"""A key is applied after at most this many settle rounds (each follows focus once)."""
FAILSAFE = 1.0
"""Seconds after which a key whose settle marker was lost (its widget removed) releases the
next key anyway: a slower keyboard, never a dead one."""


class KeySettled(Message, bubble=True):
    """Posted behind a key to the widget that received it; bubbles back to the app once
    that widget and all its ancestors have processed the key (and what it posted first)."""

    def __init__(self, token: int) -> None:
        super().__init__()
        self.token = token


class KeyOrderMixin(WarroomBase):
    """Mixed into the App before `App`: one key (or paste) is applied at a time, in order."""

    key_failsafes = 0
    """How often a settle marker was lost and the fail-safe released a key (tests read it)."""

    def _key_gate_init(self) -> None:
        self._key_backlog: collections.deque[events.Event] = collections.deque()
        self._key_token = 0
        self._key_busy = False
        self._key_rounds = 0
        self._key_seen: tuple[Any, Any] = (None, None)
        self._key_timer: Any = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if not hasattr(self, "_key_backlog"):
                self._key_gate_init()
            self._key_backlog.append(event)
            if not self._key_busy:
                await self._key_next()
            return
        await super().on_event(event)

    async def _key_next(self) -> None:
        while self._key_backlog and not self._key_busy:
            event = self._key_backlog.popleft()
            self._key_busy = True
            self._key_rounds = 0
            await super().on_event(event)  # priority keys, then forward
            if not self.is_running:
                self._key_busy = False
                return
            self._key_settle()

    def _key_target(self) -> Widget:
        return self.focused or self.screen

    def _key_settle(self) -> None:
        """Send a settle marker behind the key, through the widget that has focus now."""
        self._key_token += 1
        self._key_rounds += 1
        self._key_seen = (self.screen, self.focused)
        if self._key_timer is not None:
            self._key_timer.stop()
        token = self._key_token
        self._key_timer = self.set_timer(FAILSAFE, lambda: self._key_lost(token))
        if not self._key_target().post_message(KeySettled(token)):
            self._key_done_round(token)  # the widget is closing: look again at once

    def on_key_settled(self, message: KeySettled) -> None:
        message.stop()
        self._key_done_round(message.token)

    def _key_lost(self, token: int) -> None:
        if token == self._key_token and self._key_busy:
            KeyOrderMixin.key_failsafes += 1
            self._key_release()

    def _key_done_round(self, token: int) -> None:
        if token != self._key_token or not self._key_busy:
            return  # a marker from a round already given up on
        # Two rounds at least: the first lets the key reach the app's bindings, the second
        # carries what the binding posted (Button.Pressed, Input.Submitted → dismiss); more
        # while the screen or the focus still moves (a dialog opened, closed, chained).
        moved = self._key_seen != (self.screen, self.focused)
        if (self._key_rounds < 2 or moved) and self._key_rounds < MAX_ROUNDS:
            self._key_settle()
            return
        self._key_release()

    def _key_release(self) -> None:
        if self._key_timer is not None:
            self._key_timer.stop()
            self._key_timer = None
        self._key_token += 1
        self._key_busy = False
        if self._key_backlog:
            self.call_next(self._key_next)

    # -- nothing beneath a dialog ----------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in GENERIC_ACTIONS and self.dialog_active():
            return False
        return super().check_action(action, parameters)
