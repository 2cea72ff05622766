"""Helpers shared by the benchmarks: a loopback server process, configs, machine facts."""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def loopback_server() -> Iterator[str]:
    """Start benchmarks/loopback_server.py; yield its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "loopback_server.py"), str(port)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(5)


def services_toml(urls: list[str], timeout: float, interval: float = 5.0) -> str:
    text = '[environment]\nname = "bench"\n'
    text += f"[defaults]\ntimeout = {timeout}\ninterval = {interval}\n"
    for i, url in enumerate(urls):
        text += f'[[services]]\nname = "s{i}"\nurl = "{url}"\n'
        text += 'json = [{ path = "status", equals = "ok" }]\n'
    return text


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
