"""How long a log reader waits before it reattaches, reconnects or restarts its source."""

from __future__ import annotations

import time

MAX_WAIT = 5.0
"""Reattach backoff cap: a container or file that comes back is followed within 5 s."""
RESTART_MAX_WAIT = 30.0
"""`restart = true` backoff cap: a command that keeps ending at once is not re-run (and
marked) every few seconds all night."""
LONG_RUN = 60.0
"""A run that lasted this long was not a failure loop: the next wait starts over."""


class Backoff:
    """The waits between attempts of one source: the first, doubling up to a cap, and the
    first again after `reset()` (attached) or a run longer than LONG_RUN (`started()`)."""

    def __init__(self, first: float) -> None:
        self.first = self._next = first
        self._since: float | None = None

    def started(self) -> None:
        self._since = time.monotonic()

    def reset(self) -> None:
        self._next = self.first

    def take(self, cap: float) -> float:
        """The wait before the next attempt (the one after doubles, up to `cap`)."""
        if self._since is not None and time.monotonic() - self._since > LONG_RUN:
            self.reset()
        wait, self._next = self._next, min(self._next * 2, cap)
        return wait
