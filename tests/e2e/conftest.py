"""End-to-end fixtures: the demo production (+ real containers), the INSTALLED `warroom`, tmux.

Everything is read from the screen (`capture-pane`), never from the app's internals.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.infra import docker as infra_docker
from tests.infra.common import require
from tests.infra.tmux import TmuxSession
from tui.demo.config import write_config
from tui.demo.env import DemoEnv, start_demo

ANY_PORTS = {"router": 0, "blue": 0, "green": 0}


@pytest.fixture(scope="session")
def warroom_bin() -> str:
    """The `warroom` console script pip installed beside this Python (not `python -m`)."""
    beside = Path(sys.executable).parent / "warroom"
    path = str(beside) if beside.exists() else shutil.which("warroom")
    require("warroom", bool(path), "the warroom console script is not installed (pip install -e .)")
    return str(path)


@dataclass
class Production:
    """A running demo production, optionally with blue/green containers, and its config."""

    demo: DemoEnv
    config: Path
    containers: list[Any] = field(default_factory=list)

    @property
    def dir(self) -> Path:
        return self.demo.dir

    def container_names(self) -> list[str]:
        return [c.name for c in self.containers]


def make_config(demo: DemoEnv, path: Path, extra: dict[str, Any] | None = None,
                drop: tuple[str, ...] = ()) -> Path:
    """The demo's generated config plus `extra` sections, less the `drop` ones (e.g.
    `maintenance`, which names an action that replaced `actions` no longer have), written
    to `path`."""
    data = tomllib.loads(write_config(demo).read_text())
    data.update(extra or {})
    for section in drop:
        data.pop(section, None)
    path.write_text(tomli_w.dumps(data))
    return path


@pytest.fixture(scope="module")
def production(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    """The demo production for one module; with blue/green containers when the module sets
    ``WITH_CONTAINERS = True`` (real Docker Engine)."""
    base = tmp_path_factory.mktemp("e2e-prod")
    demo = start_demo(base / "demo", ports=ANY_PORTS, chatter=1.0, say=lambda _m: None)
    factory = None
    try:
        extra: dict[str, Any] = {}
        containers: list[Any] = []
        if getattr(request.module, "WITH_CONTAINERS", False):
            client = request.getfixturevalue("docker_client")
            image = request.getfixturevalue("fixture_image")
            factory = infra_docker.ContainerFactory(client, image)
            for color in ("blue", "green"):
                containers.append(factory(
                    f"echo api-{color} container up; exec sleep 3600", name=f"api-{color}",
                    labels={"color": color}, stop_signal="SIGKILL"))
            extra["containers"] = {"labels": [f"{infra_docker.TEST_LABEL}.run={factory.run_id}"],
                                   "reconcile_interval": 5.0, "stats_interval": 2.0}
        config = make_config(demo, base / "warroom-e2e.toml", extra)
        yield Production(demo, config, containers)
    finally:
        if factory is not None:
            factory.cleanup()
        demo.stop()


@pytest.fixture
def unique_config(production: Production, tmp_path: Path) -> Path:
    """A per-test copy of the config at a unique path (so `pgrep -f` finds this test's app)."""
    path = tmp_path / f"warroom-{os.getpid()}-{tmp_path.name}.toml"
    shutil.copyfile(production.config, path)
    return path


# --- reading the screen -------------------------------------------------------------------

def tmux_display(session: TmuxSession, fmt: str) -> str:
    """`tmux display -p FMT` for the session's pane (e.g. '#{alternate_on}')."""
    out = subprocess.run(
        ["tmux", "-L", session.socket, "display-message", "-p", "-t", session.target, fmt],
        capture_output=True, text=True, check=True, timeout=10, stdin=subprocess.DEVNULL)
    return out.stdout.strip()


def wait_screen(session: TmuxSession, ok: Callable[[str], bool], what: str,
                timeout: float = 20.0) -> str:
    """Poll the screen until ``ok(screen)``; fail with the last screen."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        screen = session.capture()
        if ok(screen):
            return screen
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} "
                                 f"(at {time.strftime('%H:%M:%S', time.gmtime())} UTC: "
                                 f"compare the screen's clock); screen:\n{screen}")
        time.sleep(0.15)


def has_all(*needles: str | re.Pattern[str]) -> Callable[[str], bool]:
    def ok(screen: str) -> bool:
        return all((n.search(screen) is not None) if isinstance(n, re.Pattern) else n in screen
                   for n in needles)
    return ok


LIVE = re.compile(r"LIVE\s+(BLUE|GREEN)\s+idle (blue|green)")


def live_and_idle(screen: str) -> tuple[str, str]:
    found = LIVE.search(screen)
    assert found, f"no live/idle colors on screen:\n{screen}"
    return found.group(1).lower(), found.group(2)


def app_pids(config: Path) -> list[int]:
    """PIDs of the warroom Python process(es) run with this (unique) config path."""
    out = subprocess.run(["pgrep", "-f", "--", f"warroom --config {config}"],
                         capture_output=True, text=True, check=False).stdout.split()
    pids = []
    for pid in map(int, out):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and os.path.basename(argv[0]).startswith(b"python"):  # not sh, not tmux
            pids.append(pid)
    return pids
