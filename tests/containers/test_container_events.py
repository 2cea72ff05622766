"""Container changes become timeline entries: restarts, exits, health, engines lost."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tui.core.container_events import container_changes
from tui.core.docker_model import ContainerRow, ContainersSnapshot, EngineStatus
from tui.core.incident.export_common import describe
from tui.core.journal import Entry

T0 = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def snap(*rows: ContainerRow, reachable: bool = True) -> ContainersSnapshot:
    engine = EngineStatus("local", reachable, T0, None if reachable else "connection refused")
    return ContainersSnapshot(rows, (engine,), T0)


ROW = ContainerRow("local", "abc", "app-blue-web", "blue", "running", "healthy", 0, T0, "app:1")


def test_first_snapshot_is_the_baseline():
    assert container_changes(None, snap(ROW)) == []
    assert container_changes(snap(ROW), snap(ROW)) == []


def test_restart_exit_health_removal_and_engine():
    restarted = dataclasses.replace(ROW, restart_count=1, started_at=T0 + dt.timedelta(seconds=5))
    assert [c["event"] for c in container_changes(snap(ROW), snap(restarted))] == ["restarted"]
    exited = dataclasses.replace(ROW, state="exited", exit_code=137, health=None)
    (change,) = container_changes(snap(ROW), snap(exited))
    assert change["event"] == "exited" and "exit code 137" in change["detail"]
    sick = dataclasses.replace(ROW, health="unhealthy")
    assert [c["event"] for c in container_changes(snap(ROW), snap(sick))] == ["unhealthy"]
    assert [c["event"] for c in container_changes(snap(ROW), snap())] == ["removed"]
    lost = container_changes(snap(ROW), snap(ROW, reachable=False))
    assert [c["event"] for c in lost] == ["unreachable"]


def test_entries_read_well_in_the_post_mortem():
    exited = dataclasses.replace(ROW, state="exited", exit_code=1, health=None)
    (data,) = container_changes(snap(ROW), snap(exited))
    entry = Entry("x1", "container", T0, T0, "ops@host", data)
    assert describe(entry) == "Container app-blue-web: exited (running → exited (exit code 1))"
