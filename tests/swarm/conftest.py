"""Fixtures of the swarm tests: a REAL single-node swarm on the local engine.

The engine is shared with the other tests: the swarm is initialised only when the engine is
not a manager already (and left at the end only then); services get unique names
(`wr-test-<random>-…`) and are all removed, waiting (bounded) until their task containers are
gone, so the containers tests never see them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.infra.docker import FIXTURE_IMAGE


def docker(*args: str, timeout: float = 30) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


@pytest.fixture(scope="session")
def swarm(docker_client: Any, fixture_image: str) -> Iterator[str]:
    """The local engine as a swarm manager; yields its node id."""
    state = docker_client.info().get("Swarm") or {}
    created = False
    if not state.get("ControlAvailable"):
        docker("swarm", "init", "--advertise-addr", "127.0.0.1")
        created = True
    try:
        yield docker_client.info()["Swarm"]["NodeID"]
    finally:
        if created:
            docker("swarm", "leave", "--force")


class Services:
    """Creates uniquely named services from the fixture image; `cleanup()` removes them."""

    def __init__(self) -> None:
        self.prefix = f"wr-test-{uuid.uuid4().hex[:6]}-"
        self.names: list[str] = []

    def __call__(self, suffix: str, *command: str, replicas: int = 1,
                 extra: tuple[str, ...] = ()) -> str:
        name = self.prefix + suffix
        self.names.append(name)
        docker("service", "create", "--detach", "--name", name, "--replicas", str(replicas),
               "--init", "--stop-grace-period", "1s", "--restart-delay", "500ms",
               "--update-delay", "0s", "--update-monitor", "1s", "--rollback-monitor", "1s",
               "--label", "warroom.test=1", *extra, FIXTURE_IMAGE, *command)
        return name

    def inspect(self, name: str) -> dict[str, Any]:
        return json.loads(docker("service", "inspect", name))[0]

    def cleanup(self) -> None:
        for name in self.names:
            subprocess.run(["docker", "service", "rm", name], capture_output=True, timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            left = subprocess.run(
                ["docker", "ps", "-aq", "--filter", "label=com.docker.swarm.service.name"],
                capture_output=True, text=True, timeout=10).stdout.split()
            names = subprocess.run(["docker", "ps", "-a", "--format", "{{.Names}}"],
                                   capture_output=True, text=True, timeout=10).stdout
            if not left or self.prefix not in names:
                return
            time.sleep(0.2)


@pytest.fixture
def services(swarm: str) -> Iterator[Services]:
    made = Services()
    yield made
    made.cleanup()


async def eventually(probe: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}")
        await asyncio.sleep(0.05)
