"""A second, throwaway `dockerd` on this machine joined to the local swarm as a WORKER.

Its own socket, data-root, exec-root and pidfile under a fresh /tmp directory; it advertises
127.0.0.2 and listens for the swarm on a free port there (the manager holds *:2377). Its
gossip listener (7946, not configurable in this engine) clashes with the manager's and fails —
logged, harmless: only overlay networks need it, the tests use `--network host`. Its hostname
is the machine's, like the manager's: two nodes with one hostname, as `docker node ls` shows.

Torn down always, bounded: dockerd stopped (SIGTERM, `--shutdown-timeout 1`, SIGKILL after
8 s), the node removed from the manager (`docker node rm --force`), anything still running
from its directory killed by pid, its mounts undone and the directory removed — nothing left
that the other swarm or containers tests (same engine) could see.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.infra.common import free_port, is_root, require, terminate, wait_until
from tests.infra.docker import FIXTURE_IMAGE, daemon_env
from tests.swarm.conftest import docker

ADDR = "127.0.0.2"
START_TIMEOUT = 20.0


@dataclass(frozen=True)
class Worker:
    socket: str
    node_id: str
    hostname: str
    log: Path

    def docker(self, *args: str, timeout: float = 30) -> str:
        return docker("-H", f"unix://{self.socket}", *args, timeout=timeout)


def _manager_addr() -> str:
    info = json.loads(docker("info", "--format", "{{json .Swarm}}"))
    managers = info.get("RemoteManagers") or []
    return next((m["Addr"] for m in managers if m.get("NodeID") == info.get("NodeID")),
                managers[0]["Addr"] if managers else "127.0.0.1:2377")


def _node_ready(node_id: str) -> bool:
    done = subprocess.run(["docker", "node", "inspect", node_id, "--format",
                           "{{.Status.State}}"], capture_output=True, text=True, timeout=10)
    return done.stdout.strip() == "ready"


def _ours(root: str) -> list[int]:
    """Pids of processes started from the worker's directory (its containerd, shims)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if root.encode() in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _stop(proc: subprocess.Popen[bytes], root: str) -> None:
    terminate(proc, grace=8)
    for pid in _ours(root):
        if pid != os.getpid():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()
              if line.split()[1].startswith(root)]
    for point in sorted(mounts, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True, timeout=10)
    shutil.rmtree(root, ignore_errors=True)


def worker_node() -> Iterator[Worker]:
    """Start the second engine, join it as a worker, yield it; always torn down."""
    exe = shutil.which("dockerd")
    require("second dockerd", is_root() and exe is not None,
            "needs root and dockerd to start a second engine")
    assert exe is not None
    root = tempfile.mkdtemp(prefix="wr-worker-", dir="/tmp")
    sock, log = f"{root}/docker.sock", Path(root) / "dockerd.log"
    proc = subprocess.Popen(
        [exe, "-H", f"unix://{sock}", "--data-root", f"{root}/data", "--exec-root",
         f"{root}/exec", "--pidfile", f"{root}/docker.pid", "--bridge=none",
         "--iptables=false", "--ip6tables=false", "--shutdown-timeout", "1"],
        stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True, env=daemon_env())
    node_id = ""
    try:
        try:
            wait_until(lambda: proc.poll() is not None or subprocess.run(
                ["docker", "-H", f"unix://{sock}", "version"], capture_output=True,
                timeout=10).returncode == 0, timeout=START_TIMEOUT, interval=0.2,
                what="the second dockerd")
            require("second dockerd", proc.poll() is None,
                    f"exited: {log.read_text()[-400:]}")
            save = subprocess.Popen(["docker", "save", FIXTURE_IMAGE], stdout=subprocess.PIPE)
            subprocess.run(["docker", "-H", f"unix://{sock}", "load", "-q"], stdin=save.stdout,
                           capture_output=True, timeout=30, check=True)
            save.wait(10)
            token = docker("swarm", "join-token", "-q", "worker")
            docker("-H", f"unix://{sock}", "swarm", "join", "--token", token,
                   "--advertise-addr", ADDR, "--listen-addr", f"{ADDR}:{free_port(ADDR)}",
                   _manager_addr())
            node_id = docker("-H", f"unix://{sock}", "info", "--format",
                             "{{.Swarm.NodeID}}")
            wait_until(lambda: _node_ready(node_id), timeout=START_TIMEOUT, interval=0.2,
                       what="the worker node ready")
        except (TimeoutError, RuntimeError, subprocess.SubprocessError) as exc:
            require("second dockerd as a swarm worker", False,
                    f"{exc}; log: {log.read_text()[-400:] if log.exists() else ''}")
        hostname = docker("node", "inspect", node_id, "--format", "{{.Description.Hostname}}")
        yield Worker(sock, node_id, hostname, log)
    finally:
        _stop(proc, root)
        if node_id:
            subprocess.run(["docker", "node", "rm", "--force", node_id], capture_output=True,
                           timeout=30)
        deadline = time.monotonic() + 10
        while node_id and time.monotonic() < deadline and node_id in subprocess.run(
                ["docker", "node", "ls", "-q"], capture_output=True, text=True,
                timeout=10).stdout:
            time.sleep(0.2)
