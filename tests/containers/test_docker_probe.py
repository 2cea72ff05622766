"""ContainersProbe against the real engine: rows, events, health, stats, restarts, removal."""

from __future__ import annotations

from typing import Any

import pytest

from probes.docker_probe import ActionError, ContainersProbe
from tests.containers.conftest import eventually
from tui.core.config.containers import ContainersConfig
from tui.core.docker_model import ContainersSnapshot

pytestmark = pytest.mark.docker


def _config(prefix: str, **kw: Any) -> ContainersConfig:
    kw.setdefault("stats_interval", 0.5)
    return ContainersConfig(names=(f"^{prefix}",), reconcile_interval=5, timeout=5, **kw)


def _row(probe: ContainersProbe, suffix: str) -> Any:
    snap = probe.last
    if snap is None:
        return None
    return next((r for r in snap.rows if r.name.endswith(suffix)), None)


async def test_blue_green_rows_health_stats_and_events(container_factory: Any) -> None:
    blue = container_factory("sleep 600", name="app-blue-web", labels={"color": "blue"},
                             healthcheck="true")
    container_factory("sleep 600", name="app-green-web", healthcheck="false")
    container_factory("sleep 600", name="other", labels={"service": "critical"})
    snaps: list[ContainersSnapshot] = []
    probe = ContainersProbe(_config(container_factory.prefix + "app-"), snaps.append)
    probe.start()
    try:
        await eventually(lambda: (r := _row(probe, "blue-web")) and r.health == "healthy",
                         what="blue healthy")
        await eventually(lambda: (r := _row(probe, "green-web")) and r.health == "unhealthy",
                         what="green unhealthy (events)")
        b, g = _row(probe, "blue-web"), _row(probe, "green-web")
        assert (b.color, g.color) == ("blue", "green")  # label, then name pattern
        assert b.state == "running" and b.image == "warroom-fixture:busybox"
        assert b.started_at is not None and b.key == f"local/{blue.name}"
        assert not any(r.name.endswith("other") for r in probe.last.rows)  # not selected
        await eventually(lambda: _row(probe, "blue-web").cpu_pct is not None, what="cpu %")
        assert _row(probe, "blue-web").mem_bytes > 0
        # blue and green sit next to each other
        names = [r.name for r in probe.last.rows]
        assert abs(names.index(b.name) - names.index(g.name)) == 1
        # kill -> exited via events; remove -> row gone
        blue.kill()
        await eventually(lambda: _row(probe, "blue-web").state == "exited", what="exited")
        assert _row(probe, "blue-web").cpu_pct is None
        await probe.act("local", blue.name, "start")
        await eventually(lambda: _row(probe, "blue-web").state == "running", what="started")
        blue.remove(force=True)
        await eventually(lambda: _row(probe, "blue-web") is None, what="row removed")
        assert all(e.reachable for e in probe.last.engines), probe.last.engines
    finally:
        await probe.close()


async def test_restart_count_and_actions(container_factory: Any) -> None:
    crash = container_factory("sleep 0.3; exit 3", name="crashy",
                              restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    probe = ContainersProbe(_config(container_factory.prefix, stats=False), lambda s: None)
    probe.start()
    try:
        await eventually(lambda: (r := _row(probe, "crashy")) and r.restart_count >= 2
                         and r.state == "exited", timeout=30, what="restart count 2")
        assert _row(probe, "crashy").exit_code == 3
        with pytest.raises(ActionError):
            await probe.act("local", "nope", "restart")
        with pytest.raises(ActionError):
            await probe.act("elsewhere", crash.name, "restart")
        worker = container_factory("sleep 600", name="worker")
        await eventually(lambda: _row(probe, "worker"), what="worker row")
        await probe.act("local", worker.name, "stop", timeout=1)
        await eventually(lambda: _row(probe, "worker").state == "exited", what="stopped")
        await probe.act("local", worker.name, "restart", timeout=1)
        await eventually(lambda: _row(probe, "worker").state == "running", what="restarted")
    finally:
        await probe.close()


async def test_hostile_names_labels_and_images_are_sanitized(container_factory: Any) -> None:
    evil = "\x1b]0;pwned\x07[bold red]x\x1b[2J"
    container_factory("sleep 600", name="evil", labels={"color": evil})
    probe = ContainersProbe(_config(container_factory.prefix, stats=False), lambda s: None)
    probe.start()
    try:
        row = await eventually(lambda: _row(probe, "evil"), what="row")
        assert row.color == "[bold red]x"
    finally:
        await probe.close()
