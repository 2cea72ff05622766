"""Service health: one row per HTTP check, its dependencies as child rows."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tui.core.state_text import maintenance_text, state_text
from tui.core.views import HealthRow

COLUMNS = ("state", "service", "color", "latency", "build", "age", "reason")
NARROW = tuple(c for c in COLUMNS if c != "color")


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


class HealthPanel(DataTable):
    """A DataTable keyed by check name; updates are diffed cell by cell."""

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id="health")
        self.border_title = "Service health"
        self._keys: list[str] = []
        self._columns: tuple[str, ...] = ()
        self._subtitle: str | None = None

    def show(self, rows: list[HealthRow], narrow: bool = False) -> None:
        """Render `rows`; `narrow` drops the color column (the color panel shows it)."""
        columns = NARROW if narrow else COLUMNS
        if columns != self._columns:
            self.clear(columns=True)
            for name in columns:
                self.add_column(name.upper(), key=name)
            self._columns, self._keys = columns, []
        cells = {row.key: self._cells(row, columns) for row in rows}
        keys = [row.key for row in rows]
        if keys != self._keys:
            self.clear()
            for key in keys:
                self.add_row(*cells[key], key=key)
            self._keys = keys
        else:
            for key in keys:
                for column, value in zip(columns, cells[key], strict=True):
                    if self.get_cell(key, column) != value:
                        self.update_cell(key, column, value, update_width=True)
        subtitle = summary(rows)
        if subtitle != self._subtitle:  # setting a border title always repaints the panel
            self.border_subtitle = self._subtitle = subtitle

    @staticmethod
    def _cells(row: HealthRow, columns: tuple[str, ...]) -> tuple[Text, ...]:
        name = Text(f"  └ {row.name}" if row.child else row.name,
                    style="dim" if row.child else "bold")
        cells = {
            "state": maintenance_text(10) if row.maintenance else state_text(row.state, 10),
            "service": name,
            "color": Text(row.color),
            "latency": Text(row.latency, justify="right"),
            "build": Text(row.build),
            "age": Text(row.age, justify="right"),
            "reason": Text(row.reason),
        }
        return tuple(cells[c] for c in columns)
