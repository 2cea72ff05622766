"""The containers panel grouped by host (more than one host watched): what rows go where.

`Grouping` keeps the collapsed hosts and the `/` filter; `layout()` turns a snapshot into the
table's order: per host (worst first, `tui.core.fleet.host_summaries`) a summary row — ▾/▸,
the host, "N/M running", UP / UNREACHABLE / connecting, the worst trouble, the age (of the
last answer, or of the outage) — then, unless collapsed, its container rows. Ages are in
steps (10 s, then minutes …) and a fresh answer shows as "<Ns": a quiet fleet repaints
nothing. No I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.text import Text

from tui.core.docker_model import ContainerRow, ContainersSnapshot, stepped_duration
from tui.core.fleet import HostSummary, RowFilter, host_summaries
from tui.core.sanitize import one_line

SUMMARY = "\x1fhost:"
"""Key prefix of a summary row (a container row's key is `host/name`)."""
TROUBLE_STYLE = {"dead": "bold red", "exited": "bold red", "restarting": "bold yellow",
                 "unhealthy": "bold red", "paused": "yellow", "removing": "yellow",
                 "created": "dim", "starting": "yellow"}


def summary_key(host: str) -> str:
    return SUMMARY + host


def summary_host(key: str | None) -> str | None:
    """The host of a summary row's key (None for a container row)."""
    return key[len(SUMMARY):] if key and key.startswith(SUMMARY) else None


@dataclass
class Layout:
    """The table's rows in order and the summaries they were built from."""

    order: list[str]
    summaries: list[HostSummary]
    shown_hosts: list[str]
    hidden_rows: int
    """Container rows not shown (collapsed or filtered out)."""


@dataclass
class Grouping:
    """Collapsed hosts and the filter; `fresh` is how old an answer may be and still be
    shown as fresh ("<20s"): the reconcile interval plus the call timeout."""

    fresh: float = 20.0
    collapsed: set[str] = field(default_factory=set)
    filter_text: str = ""

    @property
    def row_filter(self) -> RowFilter:
        return RowFilter.parse(self.filter_text)

    def toggle(self, host: str) -> None:
        self.collapsed ^= {host}

    def toggle_all(self, hosts: list[str]) -> None:
        """Collapse every host, or expand all when every one is collapsed already."""
        self.collapsed = set() if set(hosts) <= self.collapsed else set(hosts)

    def layout(self, snapshot: ContainersSnapshot, grouped: bool) -> Layout:
        flt = self.row_filter
        rows_by_host: dict[str, list[ContainerRow]] = {}
        for row in snapshot.rows:
            if flt.keeps(row):
                rows_by_host.setdefault(row.host, []).append(row)
        summaries = host_summaries(snapshot)
        kept = flt.host_set([s.host for s in summaries])
        order: list[str] = []
        hidden = len(snapshot.rows)
        shown_hosts = []
        for summary in summaries:
            host = summary.host
            if host not in kept or (flt.words and not rows_by_host.get(host)
                                    and not flt.hosts):
                continue
            shown_hosts.append(host)
            if grouped:
                order.append(summary_key(host))
                if host in self.collapsed:
                    continue
            rows = rows_by_host.get(host, [])
            order += [r.key for r in rows]
            hidden -= len(rows)
        if not grouped:  # one host: the probe's order (blue and green side by side)
            keep = set(order)
            order = [r.key for r in snapshot.rows if r.key in keep]
        return Layout(order, summaries, shown_hosts, hidden)

    def summary_cells(self, s: HostSummary, now: dt.datetime) -> tuple[Text, ...]:
        """The ten cells of a host's summary row (the containers table's columns)."""
        down = not s.engine.reachable
        mark = "▸ " if s.host in self.collapsed else "▾ "
        host = Text(mark + s.host, style="bold red" if down and not s.engine.connecting
                    else "bold")
        count = Text(f"{s.running}/{s.seen} running",
                     style="bold" if s.running < s.seen else "")
        if down and not s.engine.connecting:  # legible at 80 columns: the second column
            count = Text(f"UNREACHABLE {stepped_duration(s.engine.age(now))[0]}",
                         style="bold red")
            count.append(f" ({s.seen} last known)" if s.seen else "", style="dim")
        if s.engine.connecting:
            state = Text("connecting", style="yellow")
        elif down:
            state = Text("UNREACHABLE", style="bold red reverse")
        else:
            state = Text("up", style="green")
        if s.worst:
            worst = Text(f"{s.worst_count} {s.worst}", style=TROUBLE_STYLE.get(s.worst, "bold"))
        else:
            worst = Text("ok" if s.seen else "-", style="green" if s.seen else "dim")
        restarts = Text(str(s.restarts) if s.restarts else "", style="bold yellow",
                        justify="right")
        return (host, count, Text(""), state, worst, restarts, self.age_cell(s, now),
                Text(self.detail(s), style="bold" if down else "dim"), Text(""), Text(""))

    def age_cell(self, s: HostSummary, now: dt.datetime) -> Text:
        """Down: how long (stepped). Up: "<20s" while the last answer is fresh, else its
        stepped age, in yellow (late)."""
        if not s.engine.reachable:
            return Text(stepped_duration(s.engine.age(now))[0], style="bold red",
                        justify="right")
        age = s.answered_age(now)
        if age is None:
            return Text("-", style="dim", justify="right")
        if age < self.fresh:
            return Text(f"<{self.fresh:.0f}s", style="dim", justify="right")
        return Text(stepped_duration(age)[0], style="bold yellow", justify="right")

    @staticmethod
    def detail(s: HostSummary) -> str:
        e = s.engine
        if e.reachable:
            return ""
        since = e.since.strftime("%H:%M:%S")
        if e.connecting:
            return f"connecting since {since}"
        last = f"; last answer {e.answered:%H:%M:%S}" if e.answered else "; never answered"
        return f"down since {since} ({e.error or 'no answer'}{last})"

    def next_step(self, summaries: list[HostSummary], now: dt.datetime) -> float:
        """Seconds until a summary's age cell may change."""
        waits = [3600.0]
        for s in summaries:
            if not s.engine.reachable:
                waits.append(stepped_duration(s.engine.age(now))[1])
            elif (age := s.answered_age(now)) is not None:
                waits.append(self.fresh - age if age < self.fresh else stepped_duration(age)[1])
        return max(0.2, min(waits))


def status_line(summaries: list[HostSummary], snapshot: ContainersSnapshot, layout: Layout,
                now: dt.datetime, stale: bool, filter_text: str) -> Text:
    """The fleet's status: hosts unreachable (named, a few), counts, the filter."""
    line = Text()
    down = [s for s in summaries if not s.engine.reachable and not s.engine.connecting]
    connecting = sum(1 for s in summaries if s.engine.connecting)
    if down:
        names = ", ".join(f"{s.host} {stepped_duration(s.engine.age(now))[0]}"
                          for s in down[:4])
        more = f" +{len(down) - 4}" if len(down) > 4 else ""
        line.append(f"⚠ {len(down)}/{len(summaries)} hosts UNREACHABLE: {names}{more}",
                    style="bold")
        line.append(" · ")
    if connecting:
        line.append(f"{connecting} connecting · ")
    if stale:
        line.append("⚠ STALE: no fresh data from the containers probe", style="bold")
        line.append(" · ")
    bad = sum(1 for r in snapshot.rows if r.state != "running" or r.health == "unhealthy")
    line.append(f"{len(summaries)} hosts, {len(snapshot.rows)} containers")
    if bad:
        line.append(f", {bad} not running/healthy", style="bold")
    if filter_text:
        line.append(f" · filter “{one_line(filter_text)[:60]}”: {len(layout.shown_hosts)} hosts")
    if layout.hidden_rows:
        line.append(f" · {layout.hidden_rows} rows hidden", style="dim")
    return line
