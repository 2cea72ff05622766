"""Engine faults on a PRIVATE dockerd: down at start, stopped mid-session, restarted; leaks;
and a remote host through the real sshd with the docker socket forwarded."""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

import pytest

from probes.docker_engine import EngineWatcher
from probes.docker_probe import ContainersProbe
from probes.ssh import SshPool
from tests.containers.conftest import PrivateDockerd, eventually
from tests.infra.docker import FIXTURE_IMAGE
from tui.core.config.containers import ContainersConfig
from tui.core.config.schema import Host

pytestmark = pytest.mark.docker
FAST = ContainersConfig(reconcile_interval=2, timeout=3, stats_interval=0.5)


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _watcher(url: str, rows: list[int] | None = None) -> EngineWatcher:
    async def base_url() -> str:
        return url

    return EngineWatcher("private", FAST, lambda: None, base_url, backoff=(0.2, 0.5))


async def test_daemon_down_at_start_stopped_and_restarted(private_dockerd: PrivateDockerd) -> None:
    client = private_dockerd.client()
    c = client.containers.run(FIXTURE_IMAGE, ["sleep", "600"], name="wr-cl-fault",
                              network_mode="host", detach=True, restart_policy={"Name": "always"},
                              stop_signal="SIGKILL")  # else the daemon's stop waits 10 s
    try:
        # down at start: a socket that does not exist yet
        down = _watcher(f"unix://{private_dockerd.dir}/absent.sock")
        down.start()
        await eventually(lambda: down.reconnects >= 2, what="retries")
        assert not down.status.reachable and down.status.error == "connection refused"
        assert "docker unreachable since" in down.status.describe()
        assert down.status.describe().endswith("UTC (connection refused)")
        await down.close()

        w = _watcher(private_dockerd.url)
        w.start()
        await eventually(lambda: w.status.reachable and w.rows, what="rows")
        # stopped mid-session: rows kept, status says since when
        private_dockerd.stop()
        await eventually(lambda: not w.status.reachable, what="unreachable")
        since = w.status.since
        assert [r.name for r in w.rows.values()] == ["wr-cl-fault"]
        await eventually(lambda: w.reconnects >= 3, what="backoff retries")
        assert w.status.since == since  # still the moment it went down
        # restarted: recovers by itself
        private_dockerd.start()
        await eventually(lambda: w.status.reachable, timeout=30, what="recovered")
        await eventually(lambda: any(r.state == "running" for r in w.rows.values()),
                         what="container running again")
        await w.close()
    finally:
        c.remove(force=True)
        client.close()


async def test_no_thread_or_fd_leak_across_reconnects(container_factory: Any) -> None:
    container_factory("sleep 600", name="leak")
    cfg = ContainersConfig(names=(f"^{container_factory.prefix}",), reconcile_interval=1,
                           timeout=3, stats_interval=0.2)
    # warm up imports and the default executor so they are not counted
    warm = ContainersProbe(cfg, lambda s: None)
    warm.start()
    await eventually(lambda: warm.last and warm.last.rows, what="warm rows")
    await warm.close()
    threads, fds = threading.active_count(), _fds()
    for _ in range(5):  # whole probes created and closed
        probe = ContainersProbe(cfg, lambda s: None)
        probe.start()
        await eventually(lambda p=probe: p.last and p.last.rows, what="rows")
        await probe.close()
    w = EngineWatcher("local", cfg, lambda: None, backoff=(0.01, 0.01))
    w.start()
    for i in range(15):  # forced reconnects: events stream ended
        await eventually(lambda: w.status.reachable and w._events_thread is not None,
                         timeout=5, what=f"connected ({i}; {w.status.describe()})")
        before = w.reconnects
        w._events_ended = f"forced {i}"
        w._wake.set()
        await eventually(lambda b=before: w.reconnects > b, timeout=5, what="reconnect")
    await w.close()
    await asyncio.sleep(0.2)
    assert w.reconnects >= 15
    assert threading.active_count() <= threads, [t.name for t in threading.enumerate()]
    assert _fds() <= fds + 2


async def test_remote_host_over_ssh_socket_forward(sshd: Any, container_factory: Any) -> None:
    c = container_factory("sleep 600", name="remote-blue")
    host = Host(address=sshd.host, port=sshd.port, user=sshd.user,
                known_hosts=str(sshd.known_hosts_path),
                identity_files=(str(sshd.client_key_path),), agent=False)
    pool = SshPool({"prod": host})
    cfg = ContainersConfig(hosts=("prod",), names=(f"^{container_factory.prefix}",),
                           reconcile_interval=2, timeout=5, stats_interval=0.5)
    probe = ContainersProbe(cfg, lambda s: None, ssh_pool=pool)
    probe.start()
    try:
        await eventually(lambda: probe.last and probe.last.rows, what="remote rows")
        row = probe.last.rows[0]
        assert (row.host, row.color, row.key) == ("prod", "blue", f"prod/{c.name}")
        await probe.act("prod", c.name, "stop", timeout=1)
        await eventually(lambda: probe.last.rows[0].state == "exited", what="remote stop")
        # the connection drops: rows kept and marked, then recovered by itself
        state = pool._state["prod"]
        state.conn.abort()
        await eventually(lambda: not probe.watchers["prod"].status.reachable
                         or probe.watchers["prod"].reconnects, what="drop seen")
        await eventually(lambda: probe.watchers["prod"].status.reachable, timeout=30,
                         what="remote recovered")
        assert probe.last.rows
        assert pool.connects("prod") <= 3
    finally:
        await probe.close()
        await pool.close_all()
