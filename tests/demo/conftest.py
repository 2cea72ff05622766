"""Fixtures for the demo tests: a real demo production (3 processes) on free loopback ports."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.demo.env import DemoEnv, start_demo

ANY_PORTS = {"router": 0, "blue": 0, "green": 0}


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnv]:
    env = start_demo(tmp_path / "demo", ports=ANY_PORTS, chatter=0.2, say=lambda _m: None)
    yield env
    env.stop()


def get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """GET `url`: (status, lower-cased headers, body), also for 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def get_json(url: str) -> tuple[int, dict[str, str], dict]:
    status, headers, body = get(url)
    return status, headers, json.loads(body)


def service_pids(demo_dir: Path) -> list[int]:
    """PIDs of live demo service processes serving `demo_dir` (read from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and b"tui.demo.service" in argv and os.fsencode(demo_dir) in argv:
            pids.append(int(entry.name))
    return pids
