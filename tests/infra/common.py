"""Small shared helpers: skip-or-fail policy, free ports, polling."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import NoReturn, TypeVar

import pytest

T = TypeVar("T")


def in_ci() -> bool:
    """True when running under CI (env ``CI=true``): missing components then fail tests."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def is_root() -> bool:
    """True when the tests run as root (needed to start dockerd/sshd ourselves)."""
    return os.geteuid() == 0


def _missing(component: str, why: str) -> NoReturn:
    msg = f"{component} unavailable: {why}"
    if in_ci():
        pytest.fail(msg + " (CI=true: a missing component is a failure)", pytrace=False)
    pytest.skip(msg)


def require(component: str, ok: bool, why: str) -> None:
    """If ``ok`` is false: fail the test when ``CI=true``, else skip it."""
    if not ok:
        _missing(component, why)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago (bind to port 0, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_until(
    probe: Callable[[], T | None],
    timeout: float = 10.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll ``probe`` until it returns a truthy value; raise ``TimeoutError`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(interval)
