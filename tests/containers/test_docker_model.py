"""The engine listing vs the rows (what the reconcile compares), and engine status wording."""

from __future__ import annotations

import datetime as dt

from tui.core.docker_model import (
    CONNECTING,
    ContainerRow,
    ContainersSnapshot,
    EngineStatus,
    listed_state,
    matches,
)

T0 = dt.datetime(2024, 5, 1, 12, 3, 4, tzinfo=dt.UTC)


def row(state: str, health: str | None = None) -> ContainerRow:
    return ContainerRow("local", "abc", "app", None, state, health, 0, T0, "img")


def test_listing_compared_with_rows() -> None:
    up = {"State": "running", "Status": "Up 3 minutes (healthy)"}
    assert listed_state(up) == ("running", "healthy")
    assert listed_state({"State": "running", "Status": "Up 1 second (health: starting)"}) == (
        "running", "starting")
    assert matches(row("running", "healthy"), up)
    assert not matches(row("exited", "healthy"), up)  # the row missed a restart
    assert not matches(row("running", "unhealthy"), up)
    # a stopped container keeps its last health in inspect; the listing shows none
    assert matches(row("exited", "unhealthy"), {"State": "exited", "Status": "Exited (1) 2s ago"})
    assert not matches(row("running", "healthy"), {"State": "running", "Status": "Up 2s"})


def test_engine_status_wording_and_unreachable() -> None:
    later = T0 + dt.timedelta(seconds=133)
    down = EngineStatus("local", False, T0, "connection refused")
    assert down.describe(later) == (
        "local: docker unreachable since 12:03:04 UTC (2m13s ago, connection refused)")
    assert down.age(later) == 133 and down.age(T0 - dt.timedelta(seconds=5)) == 0
    first = EngineStatus("prod", False, T0, CONNECTING)
    assert first.connecting and not down.connecting
    assert first.describe(later) == "prod: connecting to docker since 12:03:04 UTC (2m13s)"
    ok = EngineStatus("b", True, T0)
    snap = ContainersSnapshot((), (down, first, ok), later)
    assert [e.host for e in snap.unreachable()] == ["local", "prod"]
