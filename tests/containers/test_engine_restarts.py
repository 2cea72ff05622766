"""The containers pane of the REAL app matches the engine after every engine outage.

A private dockerd (own socket, data-root, exec-root, pidfile, config; live-restore off) is
stopped and started 5 times while containers are created, started, stopped and removed in
between (and right after each restart). After each restart the rows the panel shows equal
`docker -H unix://… ps -a` within one reconcile interval of the app reconnecting; while the
engine is away the panel draws "unreachable since HH:MM:SS (… ago)" and the store's snapshot
says so (`ContainersSnapshot.unreachable()`); open fds and threads stay flat.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any

import pytest

from probes.docker_probe import ContainersProbe
from probes.ssh import SshPool
from tests.app.screen import widget_text
from tests.containers.conftest import PrivateDockerd, eventually
from tests.infra.docker import FIXTURE_IMAGE
from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.config.containers import ContainersConfig
from tui.core.config.schema import Host
from tui.core.docker_model import STORE_KIND, ContainersSnapshot
from widgets.containers import ContainersPanel

pytestmark = pytest.mark.docker
PREFIX = "wr-rs-"
RECONCILE = 3.0
CONFIG = f"""
[environment]
name = "engine-restarts"
[containers]
names = ["^{PREFIX}"]
reconcile_interval = {RECONCILE}
timeout = 2
stats_interval = 1
"""
# sh as PID 1 ignores SIGTERM: without SIGKILL every stop would wait 10 s
RUN = {"network_mode": "host", "detach": True, "stop_signal": "SIGKILL"}
LOOP = ["sleep", "600"]
SLOW = ["sh", "-c", "trap 'sleep 1; exit 0' TERM; while true; do sleep 1 & wait $!; done"]


def _threads() -> list[str]:
    """Live threads, without the event loop's default executor (`asyncio_N`: started lazily
    under load, bounded by its max_workers), which the test itself uses."""
    return [t.name for t in threading.enumerate() if not t.name.startswith("asyncio_")]


async def _settled() -> tuple[int, int]:
    """(threads, open fds), the least of a few samples: a call in flight holds a socket
    and a pool thread for a moment; a leak holds them for good."""
    samples = []
    for _ in range(5):
        samples.append((len(_threads()), len(os.listdir("/proc/self/fd"))))
        await asyncio.sleep(0.1)
    return min(t for t, _ in samples), min(f for _, f in samples)


async def _docker_ps(daemon: PrivateDockerd, prefix: str = PREFIX) -> dict[str, str]:
    """`docker -H … ps -a`: name -> state, our containers only."""
    proc = await asyncio.create_subprocess_exec(
        "docker", "-H", daemon.url, "ps", "-a", "--format", "{{.Names}}\t{{.State}}",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err.decode()
    pairs = (line.split("\t") for line in out.decode().splitlines() if line.strip())
    return {name: state for name, state in pairs if name.startswith(prefix)}


def _shown(panel: ContainersPanel) -> dict[str, str]:
    """The rows the table draws: name -> state word (without a STALE mark or exit code)."""
    table = panel.table
    shown = {}
    for i in range(table.row_count):
        cells = [c.plain for c in table.get_row_at(i)]
        shown[cells[1]] = cells[3].split(" (")[0]
    return shown


async def _converged(app: WarroomApp, panel: ContainersPanel, daemon: PrivateDockerd,
                     what: str) -> None:
    """Within one reconcile interval (+ scheduling slack) of the watcher being back, the
    table equals `docker ps -a` (re-read each time: the engine may still be settling)."""
    watcher = app.monitor.containers.watchers["local"]
    await eventually(lambda: watcher.status.reachable, timeout=30, what=f"{what}: reconnect")
    deadline = time.monotonic() + RECONCILE + 3.0
    while True:
        engine = await _docker_ps(daemon)
        shown = _shown(panel)
        if shown == engine:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: panel {shown} != docker ps -a {engine}")
        await asyncio.sleep(0.2)


def _mutate(daemon: PrivateDockerd, cycle: int, phase: str) -> None:
    """Change the engine the way a deploy or a crash would: create, start, stop, remove."""
    client = daemon.client()
    assert client is not None
    try:
        mine = {c.name: c for c in client.containers.list(all=True)
                if c.name.startswith(PREFIX)}
        client.containers.run(FIXTURE_IMAGE, LOOP, name=f"{PREFIX}{phase}{cycle}", **RUN)
        exited = sorted(n for n, c in mine.items() if c.status == "exited")
        running = sorted(n for n, c in mine.items()
                         if c.status == "running" and "always" not in n)
        if exited:
            mine[exited[0]].start()
        if running:
            mine[running[-1]].stop(timeout=1)
        old = sorted(n for n in mine if n.startswith(f"{PREFIX}{phase}"))
        if len(old) > 2:
            mine[old[0]].remove(force=True)
    finally:
        client.close()


def _cleanup(daemon: PrivateDockerd) -> None:
    client = daemon.client()
    if client is None:
        return
    try:
        for c in client.containers.list(all=True):
            if c.name.startswith(PREFIX):
                c.remove(force=True)
    finally:
        client.close()


def run_trio(daemon: PrivateDockerd, prefix: str) -> None:
    """Three containers: two with restart policy 'always' (one takes 1 s to stop: the daemon
    shuts down slowly and its events stream still reports the others dying, so their rows
    turn exited before the engine goes away; the policy brings them back while the app
    cannot see it) and a plain one."""
    client = daemon.client()
    assert client is not None
    client.containers.run(FIXTURE_IMAGE, LOOP, name=f"{prefix}always",
                          restart_policy={"Name": "always"}, **RUN)
    client.containers.run(FIXTURE_IMAGE, SLOW, name=f"{prefix}always-slow",
                          restart_policy={"Name": "always"},
                          **{**RUN, "stop_signal": "SIGTERM"})
    client.containers.run(FIXTURE_IMAGE, LOOP, name=f"{prefix}plain", **RUN)
    client.close()


async def test_rows_match_the_engine_after_five_restarts(
        private_dockerd: PrivateDockerd, monkeypatch: pytest.MonkeyPatch) -> None:
    daemon = private_dockerd
    # the app's "local" engine is the private one, through a link the test can hide: an
    # engine back before the app's next retry (backoff), its restart events long gone
    link = os.path.join(daemon.dir, "app.sock")
    os.symlink(daemon.socket, link)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{link}")
    run_trio(daemon, PREFIX)
    app = WarroomApp(parse_config(CONFIG, "restarts.toml", env={}))
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            app.action_pane("containers")
            panel = app.query_one(ContainersPanel)
            watcher = app.monitor.containers.watchers["local"]
            await _converged(app, panel, daemon, "start")
            base: tuple[int, int] | None = None
            for cycle in range(5):
                late = cycle % 2 == 0  # even cycles: the app sees the engine only later
                await asyncio.to_thread(_mutate, daemon, cycle, "up")
                await _converged(app, panel, daemon, f"cycle {cycle}: before the stop")
                await asyncio.to_thread(daemon.stop)
                # away: the panel says so, drawn, with since when and how long; the store too
                await eventually(lambda: "docker unreachable since" in
                                 widget_text(app, panel.status), what="unreachable drawn")
                text = widget_text(app, panel.status)
                assert " UTC (" in text and " ago" in text, text
                snap: ContainersSnapshot = app.store.snapshots[STORE_KIND].value
                assert [e.host for e in snap.unreachable()] == ["local"]
                assert all(state.startswith("STALE") for state in _shown(panel).values())
                if late:
                    os.unlink(link)
                await asyncio.to_thread(daemon.start)
                # changes as the engine comes back, before or while the app reconnects
                await asyncio.to_thread(_mutate, daemon, cycle, "back")
                if late:
                    await asyncio.sleep(2.5)  # beyond what the events stream replays
                    os.symlink(daemon.socket, link)
                await _converged(app, panel, daemon, f"cycle {cycle} (late={late}): back")
                await pilot.pause()
                assert "unreachable" not in widget_text(app, panel.status)
                assert not app.store.snapshots[STORE_KIND].value.unreachable()
                assert _shown(panel)[f"{PREFIX}always"] == "running"
                assert _shown(panel)[f"{PREFIX}always-slow"] == "running"
                assert watcher._events_thread is not None and watcher._events_thread.is_alive()
                if cycle == 0:  # warmed up: every pool and thread that stays has started
                    base = await _settled()
            assert base is not None
            threads, fds = await _settled()
            assert threads <= base[0] + 1, (base, _threads())
            assert fds <= base[1] + 3, (base, fds)  # a leak of one per restart: +4
    finally:
        if not os.path.lexists(link):
            os.symlink(daemon.socket, link)
        if daemon.client(timeout=2) is None:  # leave the shared daemon running
            await asyncio.to_thread(daemon.start)
        await asyncio.to_thread(_cleanup, daemon)
        os.unlink(link)


async def test_remote_engine_over_ssh_converges_after_a_restart(
        private_dockerd: PrivateDockerd, sshd: Any) -> None:
    """The same path through the real sshd: the private engine's socket forwarded."""
    daemon, prefix = private_dockerd, f"{PREFIX}ssh-"
    run_trio(daemon, prefix)
    host = Host(address=sshd.host, port=sshd.port, user=sshd.user,
                known_hosts=str(sshd.known_hosts_path),
                identity_files=(str(sshd.client_key_path),), agent=False,
                docker_socket=daemon.socket)
    pool = SshPool({"prod": host})
    cfg = ContainersConfig(hosts=("prod",), names=(f"^{prefix}",), reconcile_interval=RECONCILE,
                           timeout=3, stats_interval=1)
    probe = ContainersProbe(cfg, lambda s: None, ssh_pool=pool)
    watcher = probe.watchers["prod"]

    def rows() -> dict[str, str]:
        return {r.name: r.state for r in probe.last.rows} if probe.last else {}

    async def converged(what: str) -> None:
        await eventually(lambda: watcher.status.reachable, timeout=30, what=f"{what}: back")
        deadline = time.monotonic() + RECONCILE + 3.0
        while (engine := await _docker_ps(daemon, prefix)) != rows():
            assert time.monotonic() < deadline, f"{what}: {rows()} != docker ps -a {engine}"
            await asyncio.sleep(0.2)

    probe.start()
    try:
        await converged("start")
        await asyncio.to_thread(daemon.stop)
        await eventually(lambda: probe.last and probe.last.unreachable(), what="unreachable")
        assert "prod: docker unreachable since" in probe.last.unreachable()[0].describe()
        await asyncio.to_thread(daemon.start)
        await asyncio.to_thread(_mutate, daemon, 0, "ssh-back")
        await converged("after the restart")
        assert rows()[f"{prefix}always"] == rows()[f"{prefix}always-slow"] == "running"
        assert pool.connects("prod") == 1  # the SSH connection itself never dropped
    finally:
        await probe.close()
        await pool.close_all()
        await asyncio.to_thread(_cleanup, daemon)
