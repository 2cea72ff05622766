"""ContainersPanel headless: diffed rows, STALE marking with since-when, hostile text inert,
actions through the confirmation modal (cancel by default), read-only refusal."""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult

from tests.app.screen import screen_text, widget_text
from tui.core.docker_model import ContainerRow, ContainersSnapshot, EngineStatus
from tui.core.sanitize import one_line
from widgets.containers import ContainersPanel

NOW = dt.datetime(2024, 5, 1, 12, 3, 4, tzinfo=dt.UTC)


def row(name: str, color: str | None, state: str = "running", host: str = "local") -> ContainerRow:
    return ContainerRow(host, name[:12], name, color, state, "healthy", 0,
                        NOW - dt.timedelta(minutes=5), "app:1.2", cpu_pct=1.5, mem_bytes=2 << 20)


class PanelApp(App[None]):
    def __init__(self, read_only: bool = False) -> None:
        super().__init__()
        self.read_only = read_only
        self.calls: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        async def act(host: str, name: str, action: str) -> str:
            self.calls.append((host, name, action))
            return f"{action} {name} done"

        yield ContainersPanel(act=act)


def cells(panel: ContainersPanel) -> list[list[str]]:
    table = panel.table
    return [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_rows_stale_and_hostile_text() -> None:
    app = PanelApp()
    async with app.run_test(size=(160, 20)) as pilot:
        panel = app.query_one(ContainersPanel)
        evil = one_line("\x1b]0;pwned\x07[bold red]evil[/]\x1b[2J")
        snap = ContainersSnapshot((row("app-blue-web", "blue"), row("app-green-web", "green"),
                                   row(evil, None, "exited")),
                                  (EngineStatus("local", True, NOW),), NOW)
        panel.show(snap, NOW)
        await pilot.pause()
        table = cells(panel)
        assert [r[1] for r in table] == ["app-blue-web", "app-green-web", "[bold red]evil[/]"]
        assert table[0][6] == "5m00s" and table[0][8] == "1.5%" and table[0][9] == "2.0MiB"
        assert "3 containers, 1 not running/healthy" in screen_text(app)
        # engine down: rows stay, marked STALE; the status line, drawn on screen, says
        # since when and for how long
        down = EngineStatus("local", False, NOW, "connection refused")
        later = NOW + dt.timedelta(seconds=133)
        panel.show(ContainersSnapshot(snap.rows, (down,), later), later)
        await pilot.pause()
        assert all(r[3].startswith("STALE") for r in cells(panel))
        shown = screen_text(app)
        assert "docker unreachable since 12:03:04 UTC (2m13s ago, connection refused)" in shown
        assert panel.has_class("-stale")
        # back: the warning goes
        panel.show(snap, later)
        await pilot.pause()
        assert "unreachable" not in screen_text(app) and not panel.has_class("-stale")


async def test_status_line_visible_at_80x24_with_many_rows() -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ContainersPanel)
        rows = tuple(row(f"svc-{i:02d}", None) for i in range(40))
        down = EngineStatus("local", False, NOW, "connection refused")
        panel.show(ContainersSnapshot(rows, (down,), NOW), NOW + dt.timedelta(seconds=5))
        await pilot.pause()
        shown = widget_text(app, panel.status)
        assert "unreachable since 12:03:04 UTC (5s ago, connection refused)" in shown
        assert panel.table.region.bottom <= panel.region.bottom  # the table scrolls inside


async def test_actions_confirm_cancel_and_read_only() -> None:
    app = PanelApp()
    async with app.run_test(size=(160, 24)) as pilot:
        panel = app.query_one(ContainersPanel)
        panel.show(ContainersSnapshot((row("app-blue-web", "blue"),),
                                      (EngineStatus("local", True, NOW),), NOW), NOW)
        panel.focus()
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        modal = app.screen
        assert modal is not panel.screen
        question = getattr(modal, "question", None)
        shown = question.plain if question is not None else " ".join(
            [modal.what, modal.where, *(v for _k, v in modal.details)])
        assert "app-blue-web" in shown and "local" in shown and "blue" in shown
        await pilot.press("enter")  # focus is on Cancel: nothing runs
        await pilot.pause()
        assert app.calls == []
        await pilot.press("S")
        await pilot.pause()
        await pilot.click("#run, #yes")
        await pilot.pause()
        await pilot.pause()
        assert app.calls == [("local", "app-blue-web", "stop")]
    ro = PanelApp(read_only=True)
    async with ro.run_test(size=(160, 24)) as pilot:
        panel = ro.query_one(ContainersPanel)
        panel.show(ContainersSnapshot((row("x-blue", "blue"),),
                                      (EngineStatus("local", True, NOW),), NOW), NOW)
        panel.focus()
        await pilot.press("T")
        await pilot.pause()
        assert ro.screen is panel.screen and ro.calls == []


async def test_first_connection_is_not_an_alarm() -> None:
    app = PanelApp()
    async with app.run_test(size=(120, 20)) as pilot:
        panel = app.query_one(ContainersPanel)
        first = EngineStatus("local", False, NOW, "connecting")
        panel.show(ContainersSnapshot((), (first,), NOW), NOW + dt.timedelta(seconds=2))
        await pilot.pause()
        shown = widget_text(app, panel.status)
        assert "local: connecting to docker since 12:03:04 UTC (2s)" in shown
        assert "unreachable" not in shown and not panel.has_class("-stale")
