"""The first paint's round trips: rows from the engine's listing first (one call per host),
inspected after — nothing invented meanwhile — and no version round trip per connect (an engine
refusing the API version spoken is asked its own, once)."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from typing import Any

import pytest

from probes.docker_engine import EngineWatcher
from tests.containers.conftest import eventually
from tests.infra.docker import TEST_LABEL
from tui.core.config.containers import ContainersConfig
from tui.core.container_events import ContainerWatch, container_changes
from tui.core.docker_model import ContainerRow, ContainersSnapshot, EngineStatus, row_from_listing
from tui.core.model import utcnow
from widgets.containers import ContainersPanel

LISTED = {
    "Id": "0123456789abcdef" * 4, "Names": ["/app-\x1b[2Jblue-web"], "Image": "app:1",
    "State": "exited", "Status": "Exited (137) 3 minutes ago", "Labels": {"color": "blue"},
}


def test_a_listing_entry_is_a_listed_row_with_what_the_engine_said() -> None:
    row = row_from_listing("h1", LISTED, "blue")
    assert (row.host, row.id, row.state, row.exit_code, row.image) == (
        "h1", "0123456789ab", "exited", 137, "app:1")
    assert "\x1b" not in row.name and row.listed
    assert (row.restart_count, row.started_at) == (0, None)
    up = row_from_listing("h1", {**LISTED, "State": "running",
                                 "Status": "Up 2 hours (unhealthy)"}, None)
    assert (up.state, up.health, up.exit_code) == ("running", "unhealthy", None)
    # the table says "not read yet", not 0 restarts nor an uptime
    cells = ContainersPanel._cells(up, utcnow(), False)
    assert cells[5].plain == "…" and cells[6].plain == "…"


def test_inspecting_a_listed_row_is_no_restart() -> None:
    engine = (EngineStatus("h1", True, utcnow()),)
    listed = row_from_listing("h1", {**LISTED, "State": "running", "Status": "Up 1 hour"}, None)
    inspected = dataclasses.replace(listed, listed=False, restart_count=4,
                                    started_at=utcnow())
    before, after = (ContainersSnapshot((r,), engine, utcnow()) for r in (listed, inspected))
    assert container_changes(before, after) == []
    # a state change seen between the listing and the inspect is still one
    died = dataclasses.replace(inspected, state="exited", exit_code=1)
    assert [c["event"] for c in container_changes(before, ContainersSnapshot(
        (died,), engine, utcnow()))] == ["exited"]


def test_a_relisted_row_keeps_what_the_inspect_knew() -> None:
    inspected = dataclasses.replace(
        row_from_listing("h1", {**LISTED, "State": "exited"}, None), listed=False,
        restart_count=3, started_at=utcnow(), health="unhealthy")
    again = row_from_listing("h1", {**LISTED, "Status": "Exited (1) 1 second ago"}, None,
                             inspected)
    assert again.listed and not again.never_inspected
    assert (again.restart_count, again.exit_code, again.health) == (3, 1, "unhealthy")
    assert row_from_listing("h1", LISTED, None).never_inspected


def test_the_timeline_baseline_waits_for_the_inspects() -> None:
    """A stopped container's health is not in a listing: the baseline is taken once every
    row of the host is inspected, and a listed row's missing health is no change."""
    engine = (EngineStatus("h1", True, utcnow()),)
    listed = row_from_listing("h1", LISTED, None)
    inspected = dataclasses.replace(listed, listed=False, restart_count=2, health="unhealthy",
                                    started_at=utcnow())
    watch = ContainerWatch()
    assert watch.changes(ContainersSnapshot((listed,), engine, utcnow())) == []
    first = watch.changes(ContainersSnapshot((inspected,), engine, utcnow()))
    assert [c["event"] for c in first] == ["watching", "reachable", "baseline"]
    assert first[-1]["seen"]["restarts"] == 2 and first[-1]["seen"]["health"] == "unhealthy"
    before = ContainersSnapshot((listed,), engine, utcnow())
    assert container_changes(before, ContainersSnapshot((inspected,), engine, utcnow())) == []


def test_the_engine_filters_the_listing_only_when_it_means_the_same() -> None:
    assert ContainersConfig(labels=("team = core",)).engine_filters() == {
        "label": ["team=core"]}
    assert ContainersConfig(labels=("a", "b"), match="all").engine_filters() == {
        "label": ["a", "b"]}
    assert ContainersConfig(labels=("a", "b")).engine_filters() == {}  # any of them
    assert ContainersConfig(labels=("a",), names=("^x",)).engine_filters() == {}
    assert ContainersConfig(names=("^x",)).engine_filters() == {}


@pytest.mark.docker
async def test_rows_show_from_the_listing_then_fill_in(container_factory: Any) -> None:
    crash = container_factory("exit 3", name="crashy",
                              restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    container_factory("sleep 600", name="web")
    deadline = time.monotonic() + 20
    while True:  # the crashing one is done restarting before the watcher starts
        crash.reload()
        if crash.attrs["State"]["Status"] == "exited" and crash.attrs["RestartCount"] == 2:
            break
        assert time.monotonic() < deadline, crash.attrs["State"]
        await asyncio.sleep(0.1)
    config = ContainersConfig(labels=(f"{TEST_LABEL}.run={container_factory.run_id}",),
                              stats=False, reconcile_interval=5, timeout=5)
    assert config.engine_filters()  # a real engine takes the label filter
    seen: list[tuple[ContainerRow, ...]] = []
    watcher = EngineWatcher("local", config, lambda: seen.append(tuple(w.rows.values())))
    w = watcher
    watcher.start()
    try:
        await eventually(lambda: len(w.rows) == 2 and w.complete, what="both inspected")
        first = next(rows for rows in seen if rows)
        assert all(r.listed for r in first) and len(first) == 2
        by_name = {r.name.rsplit("-", 1)[-1]: r for r in first}
        assert by_name["crashy"].exit_code == 3 and by_name["web"].state == "running"
        done = {r.name.rsplit("-", 1)[-1]: r for r in w.rows.values()}
        assert done["crashy"].restart_count == 2 and done["web"].started_at is not None
        engine = (EngineStatus("local", True, utcnow()),)
        events = [c for a, b in itertools.pairwise(seen)
                  for c in container_changes(ContainersSnapshot(a, engine, utcnow()),
                                             ContainersSnapshot(b, engine, utcnow()))]
        assert not [c for c in events if c["event"] == "restarted"], events
    finally:
        await watcher.close()


def _one_container_at(container_factory: Any, version: str, **config: Any) -> EngineWatcher:
    """A started watcher of one new container that speaks API `version` first."""
    container_factory("sleep 600", name="web")
    watcher = EngineWatcher("local", ContainersConfig(
        labels=(f"{TEST_LABEL}.run={container_factory.run_id}",), reconcile_interval=5,
        timeout=5, **config), lambda: None)
    watcher.api_version = version
    watcher.start()
    return watcher


@pytest.mark.docker
async def test_an_engine_refusing_the_api_version_is_asked_its_own(
        container_factory: Any) -> None:
    # no engine speaks 1.99: 400 "client version 1.99 is too new"
    watcher = _one_container_at(container_factory, "1.99", stats=False)
    try:
        await eventually(lambda: len(watcher.rows) == 1 and watcher.complete, what="the row")
        assert watcher.api_version != "1.99" and watcher.reconnects == 0
        assert watcher.status.reachable
    finally:
        await watcher.close()


@pytest.mark.docker
async def test_an_engine_below_api_1_41_gets_stats_without_one_shot(
        container_factory: Any) -> None:
    # 1.40, as negotiated with Engine 19.03: one_shot is 1.41's
    watcher = _one_container_at(container_factory, "1.40", stats_interval=0.5)
    try:
        await eventually(lambda: any(r.mem_bytes for r in watcher.rows.values()),
                         timeout=15, what="stats read")
        assert watcher.reconnects == 0 and watcher.status.reachable
    finally:
        await watcher.close()


def test_warroom_status_says_when_an_inspect_did_not_answer_in_time() -> None:
    """At `warroom status`'s deadline a row may still be only listed: the text and --json say
    its restart count and uptime are unknown, not 0 and '-'."""
    import io

    from rich.console import Console

    from tui.cli import status, status_json
    from tui.core.config import parse_config
    from tui.core.docker_model import STORE_KIND
    from tui.core.store import Store

    config = parse_config('[environment]\nname = "t"\n[containers]\n', env={})
    up = row_from_listing("local", {**LISTED, "State": "running", "Status": "Up 2 hours"},
                          None)
    store = Store()
    store.put(STORE_KIND, ContainersSnapshot((up,), (EngineStatus("local", True, utcnow()),),
                                             utcnow()), 60)
    out = io.StringIO()
    status._containers(Console(file=out, width=200), config, store)
    assert "not inspected in time: restarts and uptime unknown" in out.getvalue()
    assert "up -" not in out.getvalue()
    (row,) = status_json._containers(config, store, None)["rows"]
    assert row["inspected"] is False and row["restart_count"] is None
