"""Repaint a few cells of a Textual `DataTable` without re-rendering every row.

`DataTable` keys all its render caches (cells, rows, lines) on one `_update_count`; bumping it
after a cell changes — what `update_cell` does, and what a panel that sets `_data` itself has
to do — makes the next frame render every visible row again (4-13 ms for the 20-row
containers table on a 2-core VM, once per changed uptime or age). `forget_rows` drops only the
changed rows' entries, so the next frame renders those rows and reuses the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


def forget_cells(table: DataTable, cells: Iterable[tuple[RowKey | str, ColumnKey | str]]
                 ) -> None:
    """`forget_rows` for the rows of `cells`, keeping the rendered cells that did not change:
    the rows' lines are put together again from one new cell and the others' renders."""
    changed = {(RowKey(r) if isinstance(r, str) else r, ColumnKey(c) if isinstance(c, str) else c)
               for r, c in cells}
    forget_rows(table, {row for row, _ in changed}, changed)


def forget_rows(table: DataTable, rows: Iterable[RowKey | str],
                cells: set[tuple[RowKey, ColumnKey]] | None = None) -> None:
    """Forget what the table rendered for `rows` (their cells' data was set in place, the
    column widths unchanged); the caller then refreshes the cells' regions. On a Textual
    whose caches are not the ones known here, every row is forgotten (`_update_count`).
    `cells`: of those rows' rendered cells, forget only these."""
    keys = {row if isinstance(row, RowKey) else RowKey(row) for row in rows}
    caches = ("_cell_render_cache", "_row_render_cache", "_row_renderable_cache", "_line_cache")
    if not keys or not all(hasattr(table, name) for name in (*caches, "_y_offsets")):
        table._update_count += 1
        return
    indices = {table.get_row_index(key) for key in keys}
    header = table.header_height if table.show_header else 0
    lines = {header + y for y, (key, _) in enumerate(table._y_offsets) if key in keys}
    def cell_changed(k: tuple) -> bool:
        return k[0] in keys if cells is None else (k[0], k[1]) in cells

    for cache, wanted in ((table._cell_render_cache, cell_changed),
                          (table._row_render_cache, lambda k: k[0] in keys),
                          (table._row_renderable_cache, lambda k: k[1] in indices),
                          (table._line_cache, lambda k: k[0] in lines)):
        for key in [k for k in cache.keys() if wanted(k)]:  # noqa: SIM118 (no __iter__)
            cache.discard(key)
