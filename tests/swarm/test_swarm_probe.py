"""The swarm probe on a real single-node swarm: replicas, failing tasks (DEGRADED/DOWN), a
dead manager UNKNOWN without delaying the local one, `docker service logs` merged into the
tail, `warroom status` text and --json rows, and the panel at 80x24 and 200x50."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from probes.logs import LogHub
from probes.ssh import SshPool
from probes.swarm import SwarmProbe
from tests.swarm.conftest import Services, eventually
from tui.core.config import parse_config
from tui.core.config.logs import LogsConfig, LogSource
from tui.core.config.swarm import SwarmConfig
from tui.core.model import State, utcnow
from tui.core.store import Store
from tui.core.swarm import SwarmService, SwarmSnapshot, service_views
from tui.core.verdict import Exit, verdict

pytestmark = pytest.mark.docker


def _by_name(snap: SwarmSnapshot | None, name: str) -> SwarmService | None:
    return next((s for s in snap.services if s.name == name), None) if snap else None


async def test_replicas_and_failing_tasks(services: Services) -> None:
    ok = services("ok", "sleep", "600", replicas=2)
    bad = services("bad", "false", replicas=2, extra=("--restart-max-attempts", "1"))
    half = services("half", "sh", "-c", 'case "$HOSTNAME" in *) sleep 600;; esac',
                    replicas=2, extra=("--reserve-memory", "1T"))  # placeable: none
    config = parse_config(f'[environment]\nname = "t"\n[swarm]\nservices = ["^{services.prefix}"]'
                          f'\ncritical = ["-bad$"]\ninterval = 1\n', env={})
    assert config.swarm is not None
    snaps: list[SwarmSnapshot] = []
    probe = SwarmProbe(config.swarm, snaps.append)
    probe.start()
    try:
        await eventually(lambda: (s := _by_name(probe.last, ok)) and s.running == 2,
                         what="2/2 running")
        row = _by_name(probe.last, ok)
        assert row.replicas == "2/2" and row.state is State.OK and row.mode == "replicated"
        assert row.image == "warroom-fixture:busybox"
        await eventually(lambda: (s := _by_name(probe.last, bad)) and s.state is State.DOWN
                         and any("exit" in t.error for t in s.tasks),
                         what="the failing service DOWN with its failed tasks")
        failing = _by_name(probe.last, bad)
        assert failing.desired == 2 and failing.running == 0
        assert any("exit" in t.error for t in failing.tasks), failing.tasks
        assert _by_name(probe.last, half).state is State.DOWN  # pending: no suitable node
        assert any(t.state == "pending" for t in _by_name(probe.last, half).tasks)
        # scale the healthy one to an impossible 3rd replica: DEGRADED
        subprocess.run(["docker", "service", "update", "--detach", "--reserve-memory", "1T",
                        "--replicas", "3", "--update-order", "start-first", ok],
                       capture_output=True, timeout=30, check=True)
        store = Store()
        await eventually(lambda: (s := _by_name(probe.last, ok)) and s.desired == 3,
                         what="desired 3")
        await eventually(lambda: (s := _by_name(probe.last, ok)) and s.state in
                         (State.DEGRADED, State.DOWN), what="below desired")
        store.put("swarm", probe.last, 60)
        result = verdict(config, store)
        assert result.code is Exit.CRITICAL  # the critical service is DOWN
        text = "; ".join(result.problems)
        assert f"swarm service {bad} DOWN" in text and f"swarm service {half} DOWN" in text
        assert probe.watchers["local"].listings < 40  # events + reconcile, not polling
    finally:
        await probe.close()


async def test_dead_manager_is_unknown_without_delaying_local(services: Services,
                                                              tmp_path: Path) -> None:
    name = services("alive", "sleep", "600")
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)  # accepts, never says a word: the SSH handshake hangs
    port = mute.getsockname()[1]
    (tmp_path / "known_hosts").write_text("")
    config = parse_config(f"""
[environment]
name = "t"
[hosts.dead]
address = "127.0.0.1"
port = {port}
known_hosts = "{tmp_path / 'known_hosts'}"
agent = false
connect_timeout = 2
[swarm]
hosts = ["dead", "local"]
services = ["^{services.prefix}"]
timeout = 2
""", env={})
    pool = SshPool(config.hosts, resolve=config.path)
    probe = SwarmProbe(config.swarm, lambda snap: None, ssh_pool=pool)
    started = time.monotonic()
    probe.start()
    try:
        await eventually(lambda: _by_name(probe.last, name), timeout=10, what="local listed")
        assert time.monotonic() - started < 3  # the dead manager delayed nothing
        dead = probe.watchers["dead"].status
        assert not dead.reachable
        snap = await probe.answered(10)
        dead = next(m for m in snap.managers if m.host == "dead")
        assert not dead.reachable and dead.error and dead.error != "connecting"
        store = Store()
        store.put("swarm", snap, 60)
        problems = verdict(config, store).problems
        assert any(p.startswith("swarm dead: manager unreachable since") for p in problems)
        views = service_views(config, snap, utcnow())
        assert [v.state for v in views] == [State.OK]
    finally:
        await probe.close()
        await pool.close_all()
        mute.close()


async def test_service_logs_merge_into_the_tail(services: Services) -> None:
    name = services("talk", "sh", "-c", "while true; do echo hello error $$; sleep 0.2; done",
                    replicas=2)
    got: list = []
    hub = LogHub(LogsConfig(sources=(LogSource(kind="swarm-service", service=name,
                                               name="talk", tail=10),)), got.extend)
    hub.start()
    try:
        await eventually(lambda: {ln.plain.split(" ")[0] for ln in got if "hello" in ln.plain}
                         >= {f"{name}.1", f"{name}.2"}, what="both tasks' lines")
    finally:
        await hub.close()
    line = next(ln for ln in got if "hello" in ln.plain)
    assert line.source == "talk" and line.level == 2  # classified like every line (error)
    assert len(hub.buffers["talk"].lines) <= hub.buffers["talk"].lines.maxlen


def test_status_text_and_json(services: Services, tmp_path: Path) -> None:
    ok = services("web", "sleep", "600", replicas=2)
    bad = services("dead", "false", extra=("--restart-condition", "none"))
    path = tmp_path / "config.toml"
    path.write_text(f'[environment]\nname = "t"\n[swarm]\nservices = ["^{services.prefix}"]\n'
                    f'critical = ["-web$"]\n[incident]\ndir = "{tmp_path}/inc"\n')
    deadline = time.monotonic() + 20
    while True:
        done = subprocess.run([sys.executable, "-m", "tui", "status", "--config", str(path),
                               "--json"], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "COLUMNS": "200"})
        doc = json.loads(done.stdout)
        rows = {r["name"]: r for r in doc["swarm"]["services"]}
        if rows.get(ok, {}).get("running") == 2 and rows.get(bad, {}).get("state") == "DOWN":
            break
        assert time.monotonic() < deadline, doc["swarm"]
        time.sleep(0.5)
    assert doc["status"] == "WARNING" and done.returncode == 1  # bad is not critical
    assert rows[ok]["state"] == "OK" and rows[ok]["critical"] is True
    assert rows[bad]["critical"] is False and rows[bad]["desired"] == 1
    assert doc["swarm"]["managers"][0]["reachable"] is True
    text = subprocess.run([sys.executable, "-m", "tui", "status", "--config", str(path)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "COLUMNS": "200"}).stdout
    assert f"SWARM OK       {ok}  2/2" in text and f"SWARM DOWN     {bad}  0/1" in text
    assert text.rstrip().splitlines()[-1].startswith(f"WARNING: swarm service {bad} DOWN")


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_panel_renders(services: Services, size: tuple[int, int]) -> None:
    from tui.app import WarroomApp
    from widgets.swarm import SwarmPanel

    name = services("shown", "sleep", "600")
    config = parse_config(f'[environment]\nname = "t"\n[[services]]\nname = "web"\n'
                          f'url = "http://127.0.0.1:9/"\n[swarm]\n'
                          f'services = ["^{services.prefix}"]\n', env={})
    app = WarroomApp(config)
    async with app.run_test(size=size) as pilot:
        if size[0] < 120:
            app.action_pane("swarm")
        panel = app.query_one(SwarmPanel)
        await eventually(lambda: f"✓ {name}" in str(panel.body.render()), what="the row")
        await pilot.pause()
        assert panel.region.height >= 3 and panel.region.width >= 60
        assert "1/1" in str(panel.body.render())
    assert isinstance(config.swarm, SwarmConfig)
    await asyncio.sleep(0)


async def test_a_manager_refusing_the_api_version_is_asked_its_own(services: Services) -> None:
    name = services("ver", "sleep", "600")
    config = parse_config(f'[environment]\nname = "t"\n[swarm]\n'
                          f'services = ["^{services.prefix}ver$"]\n', env={})
    assert config.swarm is not None
    probe = SwarmProbe(config.swarm, lambda snap: None)
    (manager,) = probe.watchers.values()
    manager.api_version = "1.99"  # too new for any engine: its `info` check is refused first
    probe.start()
    try:
        await eventually(lambda: _by_name(probe.last, name) is not None, what="the service")
        assert manager.api_version != "1.99" and manager.reconnects == 0
    finally:
        await probe.close()
