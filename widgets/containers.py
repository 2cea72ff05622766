"""Containers panel: one row per watched container, blue and green next to each other.

Renders `ContainersSnapshot`s (no I/O). Rows are keyed by `host/name` and diffed cell by
cell; every cell is a `Text` (never markup). A status line above the table counts the rows;
when an engine is unreachable its rows stay, marked STALE, and the status line says so, since
when and for how long ("local: docker unreachable since 12:03:04 UTC (2m13s ago, connection
refused)"), in an alarm colour. Restart/stop/start post `ActionRequested`:
the app guards (read-only, armed), confirms (host, container, color) and audits them like
every action.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.widgets import DataTable, Input

from tui.core.docker_model import ContainerRow, ContainersSnapshot, stepped_bytes, stepped_cpu
from widgets.container_groups import Grouping, summary_host, summary_key
from widgets.container_groups import status_line as fleet_status_line
from widgets.containers_table import (
    COLOR_STYLE,
    HEALTH_STYLE,
    STATE_STYLE,
    ContainersTable,
)
from widgets.steady import SteadyStatic


class ContainersPanel(Vertical):
    """A status line (engines, counts) over the `ContainersTable`; `show()` renders a
    snapshot into both."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("R", "container('restart')", "Restart container", id="container-restart"),
        Binding("S", "container('stop')", "Stop container", id="container-stop"),
        Binding("T", "container('start')", "Start container", id="container-start"),
        # -- grouping by host (more than one host) --
        Binding("space", "toggle_host", "Collapse/expand host", id="containers-host-toggle"),
        Binding("Z", "toggle_all_hosts", "Collapse/expand all hosts", id="containers-hosts-all"),
        Binding("h", "only_host", "Only this host / all", id="containers-only-host"),
        Binding("slash", "filter", "Filter (host:NAME)", id="containers-filter"),
    ]

    def __init__(self, actions: bool = True, id: str = "containers", fresh: float = 20.0
                 ) -> None:
        super().__init__(id=id)
        self.border_title = "Containers"
        self.actions_enabled = actions
        self.table = ContainersTable()
        self.status = SteadyStatic("waiting for docker…", id="containers-status", markup=False)
        self.filter_input = Input(placeholder="filter: words, host:NAME (Enter keeps, Esc clears)",
                                  id="containers-filter", compact=True)
        self._show_filter(False)
        self.grouping = Grouping(fresh=fresh)
        self._shown: tuple[ContainersSnapshot, bool] | None = None
        self._next_change = dt.datetime.min.replace(tzinfo=dt.UTC)
        self._last: tuple[ContainersSnapshot, dt.datetime, bool] | None = None
        self._cache: dict[str, tuple[ContainerRow, bool, str, tuple[Text, ...]]] = {}

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.filter_input
        yield self.table

    # -- rendering ------------------------------------------------------------------------
    def show(self, snapshot: ContainersSnapshot | None, now: dt.datetime, stale: bool = False
             ) -> None:
        """Render `snapshot`; `stale` marks every row (the whole probe stopped reporting)."""
        if snapshot is None:
            self.status.paint(Text("waiting for docker…"))
            return
        if (snapshot, stale) == self._shown and now < self._next_change:
            return  # nothing on screen would change: called every second, a cheap no-op
        self._shown = (snapshot, stale)
        self._last = (snapshot, now, stale)
        grouped = len(snapshot.engines) > 1
        layout = self.grouping.layout(snapshot, grouped)
        wait = self._stable_for(snapshot, now, grouped)
        if grouped:
            wait = min(wait, self.grouping.next_step(layout.summaries, now))
        self._next_change = now + dt.timedelta(seconds=wait)
        stale_hosts = snapshot.stale_hosts()
        rows = {r.key: r for r in snapshot.rows}
        cells = {k: self._cached_cells(rows[k], now, stale or rows[k].host in stale_hosts)
                 for k in layout.order if k in rows}
        if grouped:
            for summary in layout.summaries:
                cells[summary_key(summary.host)] = self.grouping.summary_cells(summary, now)
        self.table.show_rows(rows, cells, layout.order)
        if grouped:
            line = fleet_status_line(layout.summaries, snapshot, layout, now, stale,
                               self.grouping.filter_text)
        else:
            line = self.status_line(snapshot, now, stale)
            if self.grouping.filter_text:
                line.append(f" · filter: {len(layout.order)} shown", style="dim")
        self.status.paint(line)
        down = stale or any(not e.connecting for e in snapshot.unreachable())
        self.set_class(down, "-stale")
        self.status.set_class(down, "-down")

    def _cached_cells(self, row: ContainerRow, now: dt.datetime, stale: bool
                      ) -> tuple[Text, ...]:
        """The row's cells, built again only when the row, its staleness or its shown
        uptime changed (the same tuple otherwise: the table skips comparing it)."""
        uptime = row.uptime_step(now)[0]
        hit = self._cache.get(row.key)
        if hit is not None and hit[0] is row and hit[1] == stale and hit[2] == uptime:
            return hit[3]
        cells = self._cells(row, now, stale)
        self._cache[row.key] = (row, stale, uptime, cells)
        return cells

    def rerender(self) -> None:
        """Show the last snapshot again now (grouping or filter changed)."""
        if self._last is None:
            return
        snapshot, now, stale = self._last
        self._shown = None
        self.show(snapshot, max(now, dt.datetime.now(dt.UTC)), stale)

    @staticmethod
    def _stable_for(snapshot: ContainersSnapshot, now: dt.datetime, grouped: bool = False
                    ) -> float:
        """Seconds until a shown uptime steps (or an unreachable engine's age ticks)."""
        if not grouped and any(not e.reachable for e in snapshot.engines):
            return 1.0
        return min([3600.0, *(row.uptime_step(now)[1] for row in snapshot.rows)])

    @staticmethod
    def status_line(snapshot: ContainersSnapshot, now: dt.datetime, stale: bool) -> Text:
        """Unreachable engines first (since when, how long), then the counts."""
        line = Text()
        for engine in snapshot.unreachable():
            if engine.connecting:
                line.append(f"{engine.describe(now)} · ")
                continue
            line.append(f"⚠ {engine.describe(now)}", style="bold")
            kept = any(row.host == engine.host for row in snapshot.rows)
            line.append(" — its rows are the last known · " if kept else " · ")
        if stale:
            line.append("⚠ STALE: no fresh data from the containers probe", style="bold")
            line.append(" · ")
        bad = sum(1 for r in snapshot.rows if r.state != "running" or r.health == "unhealthy")
        line.append(f"{len(snapshot.rows)} containers")
        if bad:
            line.append(f", {bad} not running/healthy", style="bold")
        return line

    @property
    def rows_shown(self) -> dict[str, ContainerRow]:
        """The rows on screen now, by key."""
        return self.table.rows_shown

    @staticmethod
    def _cells(row: ContainerRow, now: dt.datetime, stale: bool) -> tuple[Text, ...]:
        dim = "dim" if stale else ""
        state = Text(f"STALE {row.state}" if stale else row.state,
                     style="bold magenta" if stale else STATE_STYLE.get(row.state, ""))
        if row.state == "exited" and row.exit_code is not None and not stale:
            state.append(f" ({row.exit_code})")
        cpu = stepped_cpu(row.cpu_pct)
        mem = stepped_bytes(row.mem_bytes)
        restarts = Text("…" if row.never_inspected else str(row.restart_count),  # not read
                        style="bold yellow" if row.restart_count else dim, justify="right")
        return (
            Text(row.host, style=dim),
            Text(row.name, style="bold" if not stale else "dim"),
            Text(row.color or "-", style=COLOR_STYLE.get(row.color or "", dim)),
            state,
            Text(row.health or "-", style=HEALTH_STYLE.get(row.health or "", dim)),
            restarts,
            Text("…" if row.listed and row.state == "running" else row.uptime_step(now)[0],
                 style=dim, justify="right"),
            Text(row.image, style=dim),
            Text(cpu, style=dim, justify="right"),
            Text(mem, style=dim, justify="right"),
        )

    # -- grouping by host -----------------------------------------------------------------
    def _selected_host(self) -> str | None:
        key = self.table.selected_key()
        host = summary_host(key)
        if host is None and key is not None and key in self.rows_shown:
            host = self.rows_shown[key].host
        return host

    def _grouped(self) -> bool:
        return self._last is not None and len(self._last[0].engines) > 1

    def action_toggle_host(self) -> None:
        host = self._selected_host()
        if host is None or not self._grouped():
            return
        self.grouping.toggle(host)
        self.rerender()
        if summary_key(host) in self.table.keys:  # the cursor stays on the host's row
            self.table.move_cursor(row=self.table.keys.index(summary_key(host)))

    def action_toggle_all_hosts(self) -> None:
        if not self._grouped() or self._last is None:
            return
        self.grouping.toggle_all([e.host for e in self._last[0].engines])
        self.rerender()

    def action_only_host(self) -> None:
        """Only the selected row's host (`host:NAME` in the filter); again: every host."""
        host = self._selected_host()
        only = f"host:{host}"
        self.set_filter("" if host is None or self.grouping.filter_text == only else only)

    def action_filter(self) -> None:
        self._show_filter(True)
        self.filter_input.focus()

    def _show_filter(self, shown: bool) -> None:
        """The filter input shows (and takes focus) only while open or set."""
        self.filter_input.display = shown
        self.filter_input.can_focus = shown

    def set_filter(self, text: str) -> None:
        """Filter the rows (words, `host:NAME`), shown in the input while set."""
        self.grouping.filter_text = text
        self._show_filter(bool(text))
        if self.filter_input.value != text:
            with self.filter_input.prevent(Input.Changed):
                self.filter_input.value = text
        self.rerender()

    @on(Input.Changed, "#containers-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.grouping.filter_text = event.value
        self.rerender()

    @on(Input.Submitted, "#containers-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()
        self._show_filter(bool(event.value))

    def on_key(self, event: Key) -> None:
        if event.key == "escape" and self.filter_input.has_focus:
            event.stop()
            self.table.focus()
            self.set_filter("")

    @on(DataTable.RowSelected, "#containers-table")
    def _summary_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a host's summary row collapses or expands it (a container row's Enter
        is left to others)."""
        host = summary_host(event.row_key.value)
        if host is not None:
            event.stop()
            self.grouping.toggle(host)
            self.rerender()
            if summary_key(host) in self.table.keys:
                self.table.move_cursor(row=self.table.keys.index(summary_key(host)))

    # -- actions --------------------------------------------------------------------------
    def selected(self) -> ContainerRow | None:
        return self.table.selected()

    class ActionRequested(Message):
        """Restart / stop / start asked for on the selected row: the app guards, confirms,
        runs and audits it."""

        def __init__(self, row: ContainerRow, action: str) -> None:
            super().__init__()
            self.row = row
            self.action = action

    def action_container(self, action: str) -> None:
        row = self.selected()
        if row is None:
            return
        if not self.actions_enabled:
            self.notify("container actions are disabled in the config", severity="warning")
            return
        self.post_message(self.ActionRequested(row, action))

    class DetailRequested(Message):
        """Enter on a container row: the app opens its detail (inspect, logs, actions)."""

        def __init__(self, row: ContainerRow) -> None:
            super().__init__()
            self.row = row

    @on(DataTable.RowSelected, "#containers-table")
    def _detail_selected(self, event: DataTable.RowSelected) -> None:
        row = self.rows_shown.get(str(event.row_key.value))
        if row is not None:
            event.stop()
            self.post_message(self.DetailRequested(row))
