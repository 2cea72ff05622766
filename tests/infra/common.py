"""Small shared helpers: skip-or-fail policy, free ports, polling, loopback daemons."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
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


def spawn(argv: list[str], log: Path, stdin: int | None = None) -> subprocess.Popen[bytes]:
    """Start a daemon with its output (both streams) in `log`."""
    return subprocess.Popen(argv, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=stdin)


def wait_ready(name: str, proc: subprocess.Popen[bytes], log: Path, ready: Callable[[], object],
               timeout: float, stop: Callable[[], None]) -> None:
    """Poll `ready()` (an OSError: not yet) until true; when the daemon exits first (its log's
    tail in the error) or the time runs out, `stop()` and raise."""

    def check() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-500:]}")
        try:
            ready()
            return True
        except OSError:
            return False

    try:
        wait_until(check, timeout=timeout, what=f"{name} ready")
    except BaseException:
        stop()
        raise


def terminate(proc: subprocess.Popen[bytes] | None, grace: float = 5) -> None:
    """End a daemon: SIGTERM, then SIGKILL after `grace` seconds."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
