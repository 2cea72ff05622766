"""ContainersPanel headless: diffed rows, STALE marking with since-when, hostile text inert,
actions through the confirmation modal (cancel by default), read-only refusal."""

from __future__ import annotations

import dataclasses
import datetime as dt

from textual.app import App, ComposeResult

from tests.app.screen import APP_CSS, screen_text, widget_text
from tui.core.docker_model import (
    ContainerRow,
    ContainersSnapshot,
    EngineStatus,
    stepped_bytes,
    stepped_cpu,
    stepped_duration,
)
from tui.core.sanitize import one_line
from widgets.containers import ContainersPanel

NOW = dt.datetime(2024, 5, 1, 12, 3, 4, tzinfo=dt.UTC)


def row(name: str, color: str | None, state: str = "running", host: str = "local") -> ContainerRow:
    return ContainerRow(host, name[:12], name, color, state, "healthy", 0,
                        NOW - dt.timedelta(minutes=5), "app:1.2", cpu_pct=1.5, mem_bytes=2 << 20)


class PanelApp(App[None]):
    CSS_PATH = APP_CSS

    def __init__(self, actions: bool = True) -> None:
        super().__init__()
        self.actions = actions
        self.calls: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        yield ContainersPanel(actions=self.actions)

    def on_containers_panel_action_requested(self, message: ContainersPanel.ActionRequested
                                             ) -> None:
        self.calls.append((message.row.host, message.row.name, message.action))


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
        assert table[0][6] == "5m" and table[0][8] == "1%" and table[0][9] == "2.0MiB"
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


async def test_action_keys_ask_the_app() -> None:
    """R / S / T on a row ask the app (which guards, confirms and audits: see
    test_container_actions_app.py); with actions off in the config nothing is asked."""
    app = PanelApp()
    async with app.run_test(size=(160, 24)) as pilot:
        panel = app.query_one(ContainersPanel)
        panel.show(ContainersSnapshot((row("app-blue-web", "blue"),),
                                      (EngineStatus("local", True, NOW),), NOW), NOW)
        panel.focus()
        await pilot.press("R", "S", "T")
        await pilot.pause()
        assert app.calls == [("local", "app-blue-web", a) for a in ("restart", "stop", "start")]
    off = PanelApp(actions=False)
    async with off.run_test(size=(160, 24)) as pilot:
        panel = off.query_one(ContainersPanel)
        panel.show(ContainersSnapshot((row("x-blue", "blue"),),
                                      (EngineStatus("local", True, NOW),), NOW), NOW)
        panel.focus()
        await pilot.press("T")
        await pilot.pause()
        assert off.calls == []


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


async def test_a_quiet_table_is_not_repainted() -> None:
    """Uptimes move in steps (10 s, then minutes, 10 minutes, hours) and CPU/memory in coarse
    steps, so a second later nothing is repainted; when a step passes only that cell is."""
    app = PanelApp()
    async with app.run_test(size=(160, 20)) as pilot:
        panel = app.query_one(ContainersPanel)
        rows = (row("app-blue-web", "blue"), row("app-green-web", "green"))
        snap = ContainersSnapshot(rows, (EngineStatus("local", True, NOW),), NOW)
        panel.show(snap, NOW)
        await pilot.pause()
        painted = panel.table._update_count
        for seconds in range(1, 60):  # 5m01s … 5m59s: still "5m"
            panel.show(snap, NOW + dt.timedelta(seconds=seconds))
        drifted = ContainersSnapshot(tuple(
            dataclasses.replace(r, cpu_pct=1.9, mem_bytes=(2 << 20) + 4096) for r in rows),
            snap.engines, NOW)
        panel.show(drifted, NOW + dt.timedelta(seconds=59))
        await pilot.pause()
        assert panel.table._update_count == painted
        panel.show(drifted, NOW + dt.timedelta(seconds=60))
        await pilot.pause()
        assert [r[6] for r in cells(panel)] == ["6m", "6m"]
        # the two changed rows' renders are forgotten, not every row's (no _update_count)
        assert panel.table._update_count == painted
        # a cell wider than its column moves every row: everything is rendered again
        died = ContainersSnapshot((dataclasses.replace(
            rows[0], state="exited", exit_code=137, started_at=None), rows[1]), snap.engines,
            NOW)
        panel.show(died, NOW + dt.timedelta(seconds=60))
        await pilot.pause()
        assert panel.table._update_count > painted


def test_steps() -> None:
    assert [stepped_duration(s)[0] for s in (0, 9, 10, 59, 60, 3599, 3600, 7799, 172800)] == \
        ["<10s", "<10s", "10s", "50s", "1m", "59m", "1h00m", "2h00m", "2d00h"]
    assert stepped_duration(61)[1] == 59  # seconds until it reads "2m"
    assert [stepped_cpu(p) for p in (None, 0.3, 1.9, 9.99, 12, 99)] == \
        ["-", "<1%", "1%", "9%", "10%", "95%"]
    assert [stepped_bytes(b) for b in (None, 512, 1536, 10 << 20, 123 << 20)] == \
        ["-", "512B", "1.5KiB", "10MiB", "123MiB"]
