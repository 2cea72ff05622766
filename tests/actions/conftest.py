"""Fixtures for the actions tests: configs written to disk and loaded strictly, a real
journal, a store fed with results, and helpers for the real sshd."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.infra.sshd import SshServer
from tui.core.config import Config, load_config
from tui.core.journal import Journal
from tui.core.model import CheckResult, ColorReading, ColorResult, State, utcnow
from tui.core.store import Store
from tui.engine.actions import Executor, OperatorMode

SERVICES = [
    {"name": "api-blue", "url": "http://127.0.0.1:9/health", "color": "blue", "group": "api"},
    {"name": "api-green", "url": "http://127.0.0.1:9/health", "color": "green", "group": "api"},
]
COLOR = {"colors": ["blue", "green"],
         "sources": [{"kind": "state_file", "path": "state", "key": "active"}]}


def write_config(path: Path, data: dict[str, Any]) -> Config:
    base: dict[str, Any] = {"environment": {"name": "prod-eu", "production": True}}
    base |= {"services": SERVICES, "color": COLOR}
    base |= data
    path.write_text(tomli_w.dumps(base))
    return load_config(path)


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    def make(**data: Any) -> Config:
        return write_config(tmp_path / "warroom.toml", data)

    return make


def ssh_host(server: SshServer, known: Path | None = None) -> dict[str, Any]:
    return {
        "address": server.host, "port": server.port, "user": server.user,
        "known_hosts": str(known or server.known_hosts_path),
        "identity_files": [str(server.client_key_path)], "agent": False,
        "connect_timeout": 5.0, "keepalive_interval": 5.0,
    }


def feed(store: Store, live: str | None = "blue", states: dict[str, State] | None = None,
         age: float = 0.0) -> None:
    """Put fresh (or `age` seconds old) results into the store."""
    at = utcnow() - dt.timedelta(seconds=age)
    for name, state in (states or {"api-blue": State.OK, "api-green": State.OK}).items():
        store.put_check(CheckResult(name, state, f"{name} says {state.value}", at), 30.0)
    idle = {"blue": "green", "green": "blue"}.get(live or "")
    store.put_color(ColorResult(live, idle, (ColorReading("state", live),), at), 30.0)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal" / "audit.jsonl")


def records(journal: Journal) -> list[dict[str, Any]]:
    return [e.data for e in journal.load().entries if e.kind == "action"]


def armed_executor(config: Config, store: Store, journal: Journal, **kw: Any) -> Executor:
    operator = OperatorMode(kw.pop("read_only", False))
    if not operator.read_only:
        operator.arm()
    return Executor(config, store, journal, operator=operator,
                    read_only=operator.read_only, **kw)


def pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def processes_with(marker: str) -> list[int]:
    """PIDs whose command line contains `marker` (not zombies)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmd and pid_alive(int(entry.name)):
                found.append(int(entry.name))
    return found
