"""The containers table: one row per container (or host summary), diffed cell by cell.

Every cell is a `Text` (never markup). Rows are keyed by `host/name`; a new order moves rows in
place (only new rows are measured), a changed cell forgets only its own render (many at once:
one repaint of the table, reusing every other cell's render), and only a cell wider than its
column renders every row again.
"""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, ColumnKey, RowKey

from tui.core.docker_model import ContainerRow
from widgets.table_cells import forget_cells

COLUMNS = ("host", "name", "color", "state", "health", "restarts", "uptime", "image", "cpu",
           "mem")
COLOR_STYLE = {"blue": "bold #5fafff", "green": "bold #5fd75f"}
STATE_STYLE = {"running": "green", "exited": "bold red", "dead": "bold red",
               "restarting": "bold yellow", "paused": "yellow", "created": "dim"}
HEALTH_STYLE = {"healthy": "green", "unhealthy": "bold red", "starting": "yellow"}
MIN_WIDTH = {"cpu": 4, "mem": 7}
"""Columns as wide from the start as their stepped values get ("100%", "1023MiB"): a column
that widens later lays out the whole screen (40 ms at 120x40) and re-renders every row, and
the first stats after start widened both."""


def same_text(a: object, b: Text) -> bool:
    """Equal as shown: rich's `Text.__eq__` ignores the style of the whole text."""
    return isinstance(a, Text) and (a.plain, a.style, a.justify, a.spans) == \
        (b.plain, b.style, b.justify, b.spans)


class ContainersTable(DataTable[Text]):
    """The rows, keyed by `host/name`; `show_rows()` diffs them against new ones."""

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id="containers-table")
        self._keys: list[str] = []
        self._cells_shown: dict[str, tuple[Text, ...]] = {}
        self.rows_shown: dict[str, ContainerRow] = {}
        """The rows on screen now, by key (what an operator sees)."""
        for name in COLUMNS:  # a label's trailing spaces are its column's least width
            self.add_column(Text(name.upper().ljust(MIN_WIDTH.get(name, 0))), key=name)

    def show_rows(self, rows: dict[str, ContainerRow], cells: dict[str, tuple[Text, ...]],
                  order: list[str] | None = None) -> None:
        """Show `cells` in `order` (default: the rows' order; host summary rows have keys of
        their own, `summary_key()`). Cells given as the very tuple shown last are not compared
        again: with a thousand rows only those that changed cost anything."""
        keys = order if order is not None else list(rows)
        if keys != self._keys:
            cursor = self._keys[self.cursor_row] if 0 <= self.cursor_row < len(self._keys) else None
            if not self._rearrange(keys, cells):
                self.clear()
                for key in keys:
                    self.add_row(*cells[key], key=key)
            self._keys = keys
            if cursor in cells and cursor in keys:
                self.move_cursor(row=keys.index(cursor))
        else:
            shown = self._cells_shown
            changed = [(key, column, value) for key in keys if cells[key] is not shown.get(key)
                       for column, value in zip(COLUMNS, cells[key], strict=True)
                       if not same_text(self.get_cell(key, column), value)]
            if changed:
                self._update_cells(changed)
        self._cells_shown = {key: cells[key] for key in keys}
        self.rows_shown = {key: rows[key] for key in keys if key in rows}

    def _rearrange(self, keys: list[str], cells: dict[str, tuple[Text, ...]]) -> bool:
        """Go from the rows shown to `keys` without clearing: drop the rows gone, update the
        cells of those kept, append the new ones (only they are measured: DataTable measures
        every cell of an added row, ~40 µs each — a thousand rows re-added cost 0.4 s), then
        put every row in place at once. False (nothing done) on a Textual without the
        internals this needs."""
        data, locations = getattr(self, "_data", None), getattr(self, "_row_locations", None)
        if data is None or locations is None or not hasattr(self, "_update_count") \
                or not hasattr(self, "_new_rows"):
            return False
        from textual._two_way_dict import TwoWayDict

        wanted = set(keys)
        for key in [k for k in self._keys if k not in wanted]:
            row_key = RowKey(key)
            for column in data.get(row_key, {}):
                self._updated_cells.discard(CellKey(row_key, column))
            self._new_rows.discard(row_key)
            data.pop(row_key, None)
            self.rows.pop(row_key, None)
        kept = [k for k in self._keys if k in wanted]
        changed = [(key, column, value) for key in kept if cells[key] is not
                   self._cells_shown.get(key)
                   for column, value in zip(COLUMNS, cells[key], strict=True)
                   if not same_text(data[RowKey(key)][ColumnKey(column)], value)]
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(kept)})
        for key in keys:
            if key not in self._row_locations:
                self.add_row(*cells[key], key=key)
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(keys)})
        widths = {c.key.value: c.content_width for c in self.ordered_columns}
        for key, column, value in changed:
            data[RowKey(key)][ColumnKey(column)] = value
            if value.cell_len > widths.get(column, 0):  # only a wider cell is measured: a
                # narrower one makes DataTable measure its whole column again
                self._updated_cells.add(CellKey(RowKey(key), ColumnKey(column)))
        self._require_update_dimensions = True
        self._update_count += 1
        self._clear_caches()
        self.cursor_coordinate = self.cursor_coordinate  # clamped to the rows there are
        self.check_idle()
        self.refresh(layout=True)
        return True

    def _update_cells(self, changed: list[tuple[str, str, Text]]) -> None:
        """Set the cells and repaint only their regions. `DataTable.update_cell` repaints the
        whole table — every row written to the terminal again for one uptime that ticked."""
        data = getattr(self, "_data", None)
        if data is None or not hasattr(self, "_update_count"):  # another Textual: the slow way
            for key, column, value in changed:
                self.update_cell(key, column, value)
            return
        widths = {c.key.value: c.content_width for c in self.ordered_columns}
        wider = False
        for key, column, value in changed:
            data[RowKey(key)][ColumnKey(column)] = value
            if value.cell_len > widths.get(column, 0):  # wider than its column: measure it
                self._updated_cells.add(CellKey(RowKey(key), ColumnKey(column)))
                self.check_idle()
                wider = True
        if wider:  # a column widens: every row moves, and none of the render caches knows
            self._update_count += 1  # widths: every one is keyed by this
            self.refresh()
            return
        forget_cells(self, [(key, column) for key, column, _value in changed])  # only these
        if len(changed) > max(8, self.size.height):
            # many cells (a fleet's rows filled in after its listing, 20 uptimes stepping to
            # the next minute): one repaint of the table, each other cell's render reused —
            # a region per cell walks every row above it, and re-rendering all took 11 ms
            self.refresh()
            return
        for key, column, _value in changed:
            self.refresh_coordinate(Coordinate(self.get_row_index(key),
                                               self.get_column_index(column)))

    def selected(self) -> ContainerRow | None:
        """The container under the cursor (None on a host's summary row)."""
        key = self.selected_key()
        return None if key is None else self.rows_shown.get(key)

    def selected_key(self) -> str | None:
        if not self._keys or not 0 <= self.cursor_row < len(self._keys):
            return None
        return self._keys[self.cursor_row]

    @property
    def keys(self) -> list[str]:
        """Every row's key, top to bottom (summary rows included)."""
        return self._keys
