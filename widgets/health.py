"""Service health: one row per HTTP check, its dependencies as child rows.

Where there is room (the wide layout) a HISTORY column shows each service's last answers as
a sparkline (`tui.core.latency.sparkline`, failed rounds as a red ×). A cell whose width does
not change is repainted alone — a new answer every few seconds redraws its cell, not the
table (`DataTable.update_cell` repaints the whole widget).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tui.core.latency import FAILED, sparkline
from tui.core.state_text import maintenance_text, state_text
from tui.core.views import HealthRow
from widgets.table_cells import forget_cells

COLUMNS = ("state", "service", "color", "latency", "history", "build", "age", "reason")
NARROW = tuple(c for c in COLUMNS if c not in ("color", "history"))
SPARK_STEP = 10
"""The sparkline is 10, 20 or 30 answers wide: whatever the panel has room for beyond
SPARK_ROOM columns (the others and a readable reason), in steps (a resize by a few columns
does not rebuild the table)."""
SPARK_MAX = 30
SPARK_ROOM = 96


def summary(rows: list[HealthRow]) -> str:
    """The border subtitle: "2 not OK", "1 not OK · 1 in maintenance", "all OK" ...
    (a service in planned maintenance is not counted as not OK)."""
    services = [r for r in rows if not r.child]
    paused = sum(1 for r in services if r.maintenance)
    bad = sum(1 for r in services if not r.maintenance and r.state.severity > 0)
    parts = [f"{bad} not OK"] if bad else []
    if paused:
        parts.append(f"{paused} in maintenance")
        if not bad and paused < len(services):
            parts.append("others OK")
    return " · ".join(parts) or "all OK"


def spark_width(panel_width: int) -> int:
    """Answers shown in the HISTORY column of a panel this wide (0: no column)."""
    return min(SPARK_MAX, max(0, panel_width - SPARK_ROOM) // SPARK_STEP * SPARK_STEP)


def spark_text(history: tuple[float | None, ...], width: int) -> Text:
    """The sparkline as Text, failed rounds in bold red (spans: `==` sees them)."""
    text = Text()
    for run in _runs(sparkline(history, width)):
        text.append(run, style="bold red" if run[0] == FAILED else "")
    return text


def _runs(line: str) -> list[str]:
    """`line` cut where it turns from failed to not (one span per run)."""
    runs: list[str] = []
    for ch in line:
        if runs and (runs[-1][0] == FAILED) == (ch == FAILED):
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


class HealthPanel(DataTable):
    """A DataTable keyed by check name; updates are diffed cell by cell."""

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id="health")
        self.border_title = "Service health"
        self._keys: list[str] = []
        self._columns: tuple[str, ...] = ()
        self._spark = 0
        self._subtitle: str | None = None
        self._shown: tuple[list[HealthRow], bool] | None = None
        self._made: dict[str, tuple[tuple[HealthRow, tuple[str, ...], int],
                                    tuple[Text, ...]]] = {}

    def show(self, rows: list[HealthRow], narrow: bool = False) -> None:
        """Render `rows`; `narrow` drops the color column (the color panel shows it) and the
        history."""
        self._shown = (rows, narrow)
        spark = 0 if narrow else spark_width(self.size.width)
        columns = NARROW if narrow else COLUMNS
        if not spark:
            columns = tuple(c for c in columns if c != "history")
        if columns != self._columns or spark != self._spark:
            self.clear(columns=True)
            for name in columns:
                self.add_column(name.upper(), key=name,
                                width=spark if name == "history" else None)
            self._columns, self._spark, self._keys = columns, spark, []
        cells = {row.key: self._cells_of(row, columns, spark) for row in rows}
        keys = [row.key for row in rows]
        if keys != self._keys:
            self.clear()
            for key in keys:
                self.add_row(*cells[key], key=key)
            self._keys = keys
            # rows come and go with the services' answers (dependencies): keep only these
            self._made = {k: v for k, v in self._made.items() if k in cells}
        else:
            for key in keys:
                for column, value in zip(columns, cells[key], strict=True):
                    old = self.get_cell(key, column)
                    if old != value:
                        self._update(key, column, old, value)
        subtitle = summary(rows)
        if subtitle != self._subtitle:  # setting a border title always repaints the panel
            self.border_subtitle = self._subtitle = subtitle

    def _cells_of(self, row: HealthRow, columns: tuple[str, ...], spark: int
                  ) -> tuple[Text, ...]:
        """The row's cells, built again only when the row (or the columns) changed: most
        renders (every second, every probe result) find most rows as they were."""
        made = (row, columns, spark)
        kept = self._made.get(row.key)
        if kept is not None and kept[0] == made:
            return kept[1]
        cells = self._cells(row, columns, spark)
        self._made[row.key] = (made, cells)
        return cells

    def _update(self, key: str, column: str, old: Text, value: Text) -> None:
        """Replace one cell: repaint only that cell when its width stays (the column's width
        cannot change), else let the table recompute its columns and repaint."""
        if cell_len(old.plain) != cell_len(value.plain):
            self.update_cell(key, column, value, update_width=True)
            return
        self._data[key][column] = value  # what update_cell does, without its full refresh
        forget_cells(self, [(key, column)])  # not every row's rendered lines: this cell's
        self.refresh_coordinate(Coordinate(self.get_row_index(key),
                                           self.get_column_index(column)))

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is not None and not self._shown[1] \
                and spark_width(event.size.width) != self._spark:
            self.show(*self._shown)

    @staticmethod
    def _cells(row: HealthRow, columns: tuple[str, ...], spark: int) -> tuple[Text, ...]:
        name = Text(f"  └ {row.name}" if row.child else row.name,
                    style="dim" if row.child else "bold")
        cells = {
            "state": maintenance_text(10) if row.maintenance else state_text(row.state, 10),
            "service": name,
            "color": Text(row.color),
            "latency": Text(row.latency, justify="right"),
            "history": spark_text(row.history, spark) if not row.child else Text(),
            "build": Text(row.build),
            "age": Text(row.age, justify="right"),
            "reason": Text(row.reason),
        }
        return tuple(cells[c] for c in columns)
