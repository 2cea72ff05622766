"""Operator mode, UI-free: the app starts in view mode; actions run only while armed.

Arming expires by itself (default 10 minutes). In read-only mode arming is impossible; the
executor checks read-only on its own as well (two independent guards).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class ReadOnlyError(PermissionError):
    """Raised when something tries to arm or act in read-only mode."""


class OperatorMode:
    """`view` ↔ `armed` with an expiry; `clock` is injectable for tests."""

    def __init__(
        self, read_only: bool = False, arm_seconds: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.read_only = read_only
        self.arm_seconds = arm_seconds
        self._clock = clock
        self._expires: float | None = None

    def arm(self) -> None:
        if self.read_only:
            raise ReadOnlyError("read-only mode: operator mode cannot be armed")
        self._expires = self._clock() + self.arm_seconds

    def disarm(self) -> None:
        self._expires = None

    @property
    def armed(self) -> bool:
        """True while armed; expiry disarms (checked on every read)."""
        if self._expires is None or self.read_only:
            return False
        if self._clock() >= self._expires:
            self._expires = None
            return False
        return True

    @property
    def mode(self) -> str:
        return "read-only" if self.read_only else ("armed" if self.armed else "view")

    def remaining(self) -> float:
        """Seconds until arming expires (0 when not armed)."""
        if not self.armed or self._expires is None:
            return 0.0
        return max(0.0, self._expires - self._clock())

    def countdown(self) -> str:
        left = int(self.remaining() + 0.999)
        return f"{left // 60:d}:{left % 60:02d}"
