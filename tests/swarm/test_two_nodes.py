"""The swarm probe on a REAL two-node swarm: the local engine (manager) and a second dockerd on
this machine joined as a worker (tests/swarm/two_nodes.py). Both nodes carry the machine's
hostname, so warroom names each by hostname and short node id. A task on the worker shows
with the worker's name; killing that task's container through the worker's own socket makes
the service DEGRADED with the failed task showing the worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from probes.swarm import SwarmProbe
from tests.swarm.conftest import Services, docker, eventually
from tests.swarm.two_nodes import Worker, worker_node
from tui.core.config import parse_config
from tui.core.model import State
from tui.core.swarm import SwarmService, SwarmSnapshot

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def worker(swarm: str) -> Iterator[Worker]:
    yield from worker_node()


def _row(snap: SwarmSnapshot | None, name: str) -> SwarmService | None:
    return next((s for s in snap.services if s.name == name), None) if snap else None


async def test_worker_task_named_and_its_failure_degrades(swarm: str, worker: Worker,
                                                          services: Services) -> None:
    manager_host = docker("node", "inspect", swarm, "--format", "{{.Description.Hostname}}")
    assert manager_host == worker.hostname  # one machine, one hostname: ids tell them apart
    on_worker = f"{worker.hostname} ({worker.node_id[:6]})"
    on_manager = f"{manager_host} ({swarm[:6]})"
    name = services("spread", "sleep", "600", replicas=2,
                    extra=("--replicas-max-per-node", "1", "--restart-condition", "none"))
    config = parse_config(f'[environment]\nname = "t"\n[swarm]\nservices = ["^{name}$"]\n'
                          f'interval = 1\n', env={})
    assert config.swarm is not None
    probe = SwarmProbe(config.swarm, lambda snap: None)
    probe.start()
    try:
        await eventually(lambda: (s := _row(probe.last, name)) and s.running == 2,
                         what="2/2 running, one per node")
        assert _row(probe.last, name).state is State.OK
        detail = await probe.inspect_service("local", name)
        nodes = {t.node: t.state for t in detail.tasks}
        assert nodes == {on_worker: "running", on_manager: "running"}, detail.tasks
        # the worker's task container dies (killed through the worker's own engine)
        container = worker.docker("ps", "-q", "--filter",
                                  f"label=com.docker.swarm.service.name={name}")
        assert container, worker.docker("ps", "-a")
        worker.docker("kill", container)
        await eventually(lambda: (s := _row(probe.last, name)) and s.state is State.DEGRADED
                         and s.tasks, what="DEGRADED with the worker's failed task")
        row = _row(probe.last, name)
        assert row.running == 1 and row.desired == 2
        assert [(t.node, t.state) for t in row.tasks] == [(on_worker, "failed")], row.tasks
        assert "137" in row.tasks[0].error, row.tasks[0].error
    finally:
        await probe.close()
