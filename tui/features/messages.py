"""The messages the engine's results reach the widgets by: small, immutable, merged.

The engine is UI-free and calls back (a store change, a run's update, a batch of log lines);
the app turns each callback into one of these messages, posted to itself, so every result is
rendered on the event loop, in order, and a burst merges where a newer message supersedes an
older one (`can_replace`).
"""

from __future__ import annotations

from textual.message import Message

from tui.core.attempts import RunView
from tui.core.logline import LogLine


class StoreChanged(Message):
    """Something in the store changed; bursts merge into one re-render."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoreChanged)


class ActionUpdate(Message):
    """A run changed (new output or status): its state now. A newer one for the same attempt
    supersedes an older one."""

    def __init__(self, view: RunView) -> None:
        super().__init__()
        self.view = view

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ActionUpdate) and message.view.attempt == self.view.attempt


class LogLines(Message):
    """New log lines (never merged: each batch is shown) and the count dropped so far."""

    def __init__(self, batch: tuple[LogLine, ...], dropped: int) -> None:
        super().__init__()
        self.batch = batch
        self.dropped = dropped
