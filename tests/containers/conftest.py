"""Fixtures of the container tests: a PRIVATE second dockerd (safe to stop and restart)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.infra import docker as infra_docker
from tests.infra.common import is_root, require


class PrivateDockerd:
    """A dockerd with its own data-root, exec-root, pidfile and unix socket (never shared)."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="wr-cl-dockerd-")
        self.socket = os.path.join(self.dir, "d.sock")
        self.url = f"unix://{self.socket}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 30.0) -> None:
        log = open(os.path.join(self.dir, "dockerd.log"), "ab")  # noqa: SIM115
        config = os.path.join(self.dir, "daemon.json")  # its own: never /etc/docker's
        with open(config, "w") as fh:
            json.dump({"live-restore": False}, fh)  # a restart stops its containers
        self.proc = subprocess.Popen(
            ["dockerd", "--config-file", config, "--data-root", f"{self.dir}/data",
             "--exec-root", f"{self.dir}/exec", "--pidfile", f"{self.dir}/dockerd.pid",
             "-H", self.url, "--bridge=none", "--iptables=false", "--ip6tables=false"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            env=infra_docker.daemon_env(),  # outlives the per-test XDG dirs
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.client(timeout=2) is not None:
                return
            time.sleep(0.1)
        raise RuntimeError(f"private dockerd did not start (see {self.dir}/dockerd.log)")

    def client(self, timeout: int = 30) -> Any | None:
        import docker

        try:
            client = docker.DockerClient(base_url=self.url, timeout=timeout)
            client.ping()
            return client
        except Exception:
            return None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def remove(self) -> None:
        self.stop()
        with open("/proc/mounts") as fh:  # e.g. exec/netns/default (nsfs), overlay leftovers
            mounts = [line.split()[1] for line in fh if line.split()[1].startswith(self.dir)]
        for mount in sorted(mounts, key=len, reverse=True):
            subprocess.run(["umount", "-l", mount], capture_output=True, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="package")
def private_dockerd(docker_client: Any) -> Iterator[PrivateDockerd]:
    """A second, private engine the tests may stop/start (each leaves it running); the
    fixture image is built in it. Shared by the modules of this package: one build."""
    require("dockerd", shutil.which("dockerd") is not None, "dockerd not installed")
    require("root", is_root(), "starting a private dockerd needs root")
    daemon = PrivateDockerd()
    try:
        daemon.start()
        client = daemon.client()
        assert client is not None
        infra_docker.ensure_fixture_image(client)
        client.close()
        yield daemon
    finally:
        daemon.remove()


async def eventually(probe: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    """Await until `probe()` is truthy (async polling; bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}")
        await asyncio.sleep(0.05)
