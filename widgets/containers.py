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
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from tui.core.docker_model import ContainerRow, ContainersSnapshot, stepped_bytes, stepped_cpu
from widgets.steady import SteadyStatic

COLUMNS = ("host", "name", "color", "state", "health", "restarts", "uptime", "image", "cpu",
           "mem")
COLOR_STYLE = {"blue": "bold #5fafff", "green": "bold #5fd75f"}
STATE_STYLE = {"running": "green", "exited": "bold red", "dead": "bold red",
               "restarting": "bold yellow", "paused": "yellow", "created": "dim"}
HEALTH_STYLE = {"healthy": "green", "unhealthy": "bold red", "starting": "yellow"}


def same_text(a: object, b: Text) -> bool:
    """Equal as shown: rich's `Text.__eq__` ignores the style of the whole text."""
    return isinstance(a, Text) and (a.plain, a.style, a.justify, a.spans) == \
        (b.plain, b.style, b.justify, b.spans)


class ContainersTable(DataTable[Text]):
    """The rows, keyed by `host/name`; `show_rows()` diffs them against new ones."""

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id="containers-table")
        self._keys: list[str] = []
        self.rows_shown: dict[str, ContainerRow] = {}
        """The rows on screen now, by key (what an operator sees)."""
        for name in COLUMNS:
            self.add_column(name.upper(), key=name)

    def show_rows(self, rows: dict[str, ContainerRow], cells: dict[str, tuple[Text, ...]]
                  ) -> None:
        keys = list(rows)
        if keys != self._keys:
            cursor = self._keys[self.cursor_row] if 0 <= self.cursor_row < len(self._keys) else None
            self.clear()
            for key in keys:
                self.add_row(*cells[key], key=key)
            self._keys = keys
            if cursor in rows:
                self.move_cursor(row=keys.index(cursor))
        else:
            changed = [(key, column, value) for key in keys
                       for column, value in zip(COLUMNS, cells[key], strict=True)
                       if not same_text(self.get_cell(key, column), value)]
            if changed:
                self._update_cells(changed)
        self.rows_shown = rows

    def _update_cells(self, changed: list[tuple[str, str, Text]]) -> None:
        """Set the cells and repaint only their regions. `DataTable.update_cell` repaints the
        whole table — every row written to the terminal again for one uptime that ticked."""
        data = getattr(self, "_data", None)
        if data is None or not hasattr(self, "_update_count"):  # another Textual: the slow way
            for key, column, value in changed:
                self.update_cell(key, column, value)
            return
        for key, column, value in changed:
            data[RowKey(key)][ColumnKey(column)] = value
        self._update_count += 1  # the row render cache is keyed by it
        for key, column, _value in changed:
            self.refresh_coordinate(Coordinate(self.get_row_index(key),
                                               self.get_column_index(column)))

    def selected(self) -> ContainerRow | None:
        if not self._keys or not 0 <= self.cursor_row < len(self._keys):
            return None
        return self.rows_shown.get(self._keys[self.cursor_row])


class ContainersPanel(Vertical):
    """A status line (engines, counts) over the `ContainersTable`; `show()` renders a
    snapshot into both."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("R", "container('restart')", "Restart container", id="container-restart"),
        Binding("S", "container('stop')", "Stop container", id="container-stop"),
        Binding("T", "container('start')", "Start container", id="container-start"),
    ]

    def __init__(self, actions: bool = True, id: str = "containers") -> None:
        super().__init__(id=id)
        self.border_title = "Containers"
        self.actions_enabled = actions
        self.table = ContainersTable()
        self.status = SteadyStatic("waiting for docker…", id="containers-status", markup=False)
        self._shown: tuple[ContainersSnapshot, bool] | None = None
        self._next_change = dt.datetime.min.replace(tzinfo=dt.UTC)

    def compose(self) -> ComposeResult:
        yield self.status
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
        self._next_change = now + dt.timedelta(seconds=self._stable_for(snapshot, now))
        stale_hosts = snapshot.stale_hosts()
        rows = {r.key: r for r in snapshot.rows}
        cells = {k: self._cells(r, now, stale or r.host in stale_hosts) for k, r in rows.items()}
        self.table.show_rows(rows, cells)
        self.status.paint(self.status_line(snapshot, now, stale))
        down = stale or any(not e.connecting for e in snapshot.unreachable())
        self.set_class(down, "-stale")
        self.status.set_class(down, "-down")

    @staticmethod
    def _stable_for(snapshot: ContainersSnapshot, now: dt.datetime) -> float:
        """Seconds until a shown uptime steps (or an unreachable engine's age ticks)."""
        if any(not e.reachable for e in snapshot.engines):
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
        restarts = Text(str(row.restart_count),
                        style="bold yellow" if row.restart_count else dim, justify="right")
        return (
            Text(row.host, style=dim),
            Text(row.name, style="bold" if not stale else "dim"),
            Text(row.color or "-", style=COLOR_STYLE.get(row.color or "", dim)),
            state,
            Text(row.health or "-", style=HEALTH_STYLE.get(row.health or "", dim)),
            restarts,
            Text(row.uptime_step(now)[0], style=dim, justify="right"),
            Text(row.image, style=dim),
            Text(cpu, style=dim, justify="right"),
            Text(mem, style=dim, justify="right"),
        )

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
