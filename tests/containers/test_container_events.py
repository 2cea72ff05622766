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


def _engine(reachable: bool, error: str | None = None) -> EngineStatus:
    return EngineStatus("local", reachable, T0, error)


def test_watch_summarises_a_host_when_first_listed_instead_of_appeared_each():
    from tui.core.container_events import ContainerWatch

    watch = ContainerWatch()
    connecting = ContainersSnapshot((), (_engine(False, "connecting"),), T0)
    assert watch.changes(connecting) == []  # the probe's first, empty snapshot
    exited = dataclasses.replace(ROW, name="app-green-web", state="exited", health=None)
    listed = ContainersSnapshot((ROW, exited), (_engine(True),), T0)
    found = watch.changes(listed)
    assert [c["event"] for c in found] == ["watching", "reachable", "baseline", "baseline"]
    assert found[0]["detail"] == "2 containers (1 exited, 1 running)"
    assert watch.changes(listed) == []
    gone = ContainersSnapshot((ROW,), (_engine(True),), T0)
    assert [c["event"] for c in watch.changes(gone)] == ["removed"]


def _said(data: dict, at: dt.datetime = T0, ident: str = "e1") -> Entry:
    return Entry(ident, "container", at, at, "ops@host", data)


def test_a_container_that_changed_while_nobody_watched_is_recorded_at_start():
    from tui.core.auto_events import decide_container
    from tui.core.container_events import _entry

    later = T0 + dt.timedelta(seconds=30)
    exited = dataclasses.replace(ROW, state="exited", health=None, exit_code=1)
    was_exited = _said(_entry(exited, "exited", "running → exited"))
    baseline = _entry(ROW, "baseline", "state running")
    decided = decide_container(baseline, later, was_exited)
    assert decided is not None and decided["event"] == "running"
    assert decided["detail"] == "exited → running healthy (changed while no war room watched)"
    assert decide_container(_entry(exited, "baseline", ""), later, was_exited) is None
    assert decide_container(baseline, later, None) is None  # the summary covers it
    # the same change seen by a second war room is written once
    assert decide_container(_entry(exited, "exited", ""), later, was_exited) is None


def test_color_and_check_decisions_compare_with_the_journal():
    from tui.core.auto_events import decide_check, decide_color

    later = T0 + dt.timedelta(seconds=5)
    down = Entry("c1", "check", T0, T0, "a", {"key": "api", "old": "OK", "new": "DOWN"})
    first_down = {"key": "api", "old": None, "new": "DOWN", "reason": "HTTP 503"}
    assert decide_check(first_down, later, down) is None
    first_ok = {"key": "api", "old": None, "new": "OK", "reason": "HTTP 200"}
    assert decide_check(first_ok, later, down) == {**first_ok, "old": "DOWN"}
    assert decide_check(first_ok, later, None) is None
    late = {"key": "api", "old": "OK", "new": "UNKNOWN", "reason": "x"}
    assert decide_check(late, T0 - dt.timedelta(seconds=1), down) is None  # old news
    blue = Entry("k1", "color", T0, T0, "a", {"live": "blue", "disagreement": False})
    assert decide_color({"live": "blue", "previous": None, "disagreement": False}, later,
                        blue) is None
    assert decide_color({"live": "green", "previous": None, "disagreement": False}, later,
                        blue)["previous"] == "blue"


def test_the_post_mortem_shows_a_crash_loop_as_one_row(tmp_path):
    from pathlib import Path

    from tui.core.incident.export_postmortem import timeline_rows
    from tui.core.incident.model import fold

    first = _said({"key": "local/w", "name": "w", "event": "restarted", "count": 1}, T0, "r1")
    second = _said({"key": "local/w", "name": "w", "event": "restarting", "count": 2,
                    "since": T0.isoformat(), "amends": "r1"}, T0, "r2")
    opened = Entry("o1", "incident", T0, T0, "a", {"op": "open", "title": "t",
                                                   "severity": "SEV2"})
    state = fold([opened, second], Path(tmp_path / "i.jsonl"))
    assert state is not None
    rows = [describe(e) for e in timeline_rows(state, [first]) if e.kind == "container"]
    assert rows == ["Container w: restarting ×2 since 03:00:00"]
