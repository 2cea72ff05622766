"""The fleet's plain parts: host summaries worst first, the `/` host filter, and the hosts
panel's one line per host from six hosts on (no I/O: real types, no mocks needed)."""

from __future__ import annotations

import datetime as dt

from tui.core.docker_model import ContainerRow, ContainersSnapshot, EngineStatus
from tui.core.fleet import RowFilter, host_summaries
from tui.core.resources import Assessment, HostResources, Level, MountUse
from widgets.container_groups import Grouping, summary_key
from widgets.resources import render_hosts

NOW = dt.datetime(2026, 12, 1, 12, 0, 0, tzinfo=dt.UTC)


def row(host: str, name: str, state: str = "running", health: str | None = None
        ) -> ContainerRow:
    return ContainerRow(host, name, name, None, state, health, 0, NOW, "img")


def snapshot() -> ContainersSnapshot:
    rows = (row("web-1", "a"), row("web-1", "b", "exited"), row("web-10", "a"),
            row("db", "a", health="unhealthy"), row("gone", "a"))
    engines = (EngineStatus("web-1", True, NOW, answered=NOW),
               EngineStatus("web-10", True, NOW, answered=NOW - dt.timedelta(seconds=95)),
               EngineStatus("db", True, NOW, answered=NOW),
               EngineStatus("gone", False, NOW - dt.timedelta(seconds=75), "timed out",
                            answered=NOW - dt.timedelta(seconds=80)),
               EngineStatus("new", False, NOW, "connecting"))
    return ContainersSnapshot(rows, engines, NOW)


def test_summaries_worst_first_with_counts():
    summaries = host_summaries(snapshot())
    assert [s.host for s in summaries] == ["gone", "new", "web-1", "db", "web-10"]
    web1 = summaries[2]
    assert (web1.running, web1.seen, web1.worst, web1.worst_count) == (1, 2, "exited", 1)
    assert summaries[3].worst == "unhealthy" and summaries[4].worst is None


def test_summary_cells_unreachable_age_and_late_answer():
    grouping = Grouping(fresh=20)
    by_host = {s.host: s for s in host_summaries(snapshot())}
    gone = [c.plain for c in grouping.summary_cells(by_host["gone"], NOW)]
    assert gone[1].startswith("UNREACHABLE 1m") and gone[3] == "UNREACHABLE"
    assert "timed out" in gone[7] and "last answer 11:58:40" in gone[7]
    assert grouping.summary_cells(by_host["web-1"], NOW)[6].plain == "<20s"
    assert grouping.summary_cells(by_host["web-10"], NOW)[6].plain == "1m"  # late: stepped
    assert grouping.summary_cells(by_host["new"], NOW)[3].plain == "connecting"


def test_host_filter_exact_then_substring_then_glob():
    hosts = ["web-1", "web-10", "db"]
    assert RowFilter.parse("host:web-1").host_set(hosts) == {"web-1"}
    assert RowFilter.parse("host:WEB").host_set(hosts) == {"web-1", "web-10"}
    assert RowFilter.parse("host:*1?").host_set(hosts) == {"web-10"}
    assert RowFilter.parse("host:db,web-10").host_set(hosts) == {"db", "web-10"}
    flt = RowFilter.parse("host:web exited")
    assert flt.words == ("exited",) and flt.keeps(row("web-1", "b", "exited"))
    assert not flt.keeps(row("web-1", "a"))


def test_layout_collapse_and_filter():
    grouping = Grouping()
    layout = grouping.layout(snapshot(), grouped=True)
    assert layout.order[:2] == [summary_key("gone"), "gone/a"]
    grouping.toggle_all([s.host for s in layout.summaries])
    assert grouping.layout(snapshot(), grouped=True).order == [
        summary_key(h) for h in ("gone", "new", "web-1", "db", "web-10")]
    grouping.collapsed.clear()
    grouping.filter_text = "host:web-1"
    assert grouping.layout(snapshot(), grouped=True).order == [
        summary_key("web-1"), "web-1/a", "web-1/b"]


def test_hosts_panel_one_line_per_host_from_six():
    def item(i: int, level: Level) -> tuple:
        res = HostResources(f"h{i}", NOW, load=(0.5, 0.4, 0.3), cores=2, cpu_pct=12.0,
                            mem_total=100, mem_available=40,
                            mounts=(MountUse("/", used_pct=91.0 if level is not Level.OK
                                             else 40.0),))
        return (f"h{i}", res, Assessment(level, ("/ 91 % used",) if level is not Level.OK
                                         else ()), None)

    items = [item(i, Level.CRITICAL if i == 4 else Level.OK) for i in range(8)]
    lines = render_hosts(items).plain.splitlines()
    assert lines[0] == "8 hosts, 7 OK, 1 not"
    assert len(lines) == 9 and lines[1].startswith("✗ h4") and "/ 91%" in lines[1]
    assert len(render_hosts(items[:3]).plain.splitlines()) > 3  # few hosts: the full view
