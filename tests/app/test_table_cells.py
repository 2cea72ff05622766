"""forget_rows: a changed cell re-renders its row on the next frame, not every row."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tests.app.screen import screen_text
from widgets.table_cells import forget_cells, forget_rows


class Table(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("name", "uptime")
        for i in range(20):
            table.add_row(Text(f"c{i:02d}"), Text("5m"), key=f"c{i:02d}")


async def test_one_row_rendered_again() -> None:
    app = Table()
    async with app.run_test(size=(40, 24)) as pilot:
        table = app.query_one(DataTable)
        await pilot.pause()
        table.refresh()  # the rows added are measured on idle (one more cache key): settle
        await pilot.pause()
        rendered: list[object] = []
        render_row = table._render_line_in_row

        def counted(row_key, *args, **kwargs):  # type: ignore[no-untyped-def]
            rendered.append(row_key.value)
            return render_row(row_key, *args, **kwargs)

        table._render_line_in_row = counted  # type: ignore[method-assign]
        table._data["c03"][table.ordered_columns[1].key] = Text("6m")  # width unchanged
        forget_rows(table, ["c03"])
        table.refresh_coordinate(Coordinate(3, 1))
        table.refresh()  # the whole table asked for, as when a frame's crop covers it
        await pilot.pause()
        assert " ".join(screen_text(app).split("\n")[4].split()) == "c03 6m"
        assert set(rendered) == {"c03"}, rendered
        assert " ".join(screen_text(app).split("\n")[5].split()) == "c04 5m"



async def test_one_cell_rendered_again() -> None:
    """forget_cells: of the row's rendered cells only the changed one is forgotten; the row's
    line is put together again from it and the cached others."""
    app = Table()
    async with app.run_test(size=(40, 24)) as pilot:
        table = app.query_one(DataTable)
        await pilot.pause()
        table.refresh()
        await pilot.pause()

        def cached() -> set[str]:
            return {k[1].value for k in table._cell_render_cache.keys()  # noqa: SIM118
                    if k[0].value == "c03"}

        name, uptime = (c.key for c in table.ordered_columns)
        assert cached() == {name.value, uptime.value}
        table._data["c03"][uptime] = Text("6m")
        forget_cells(table, [("c03", uptime)])
        assert cached() == {name.value}
        table.refresh()
        await pilot.pause()
        assert " ".join(screen_text(app).split("\n")[4].split()) == "c03 6m"
        assert " ".join(screen_text(app).split("\n")[5].split()) == "c04 5m"
