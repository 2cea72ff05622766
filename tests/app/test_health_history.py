"""The health panel's latency history: bounded per check in the store, drawn as a sparkline
where there is room (200x50), absent at 80x24, and a new answer repaints one cell."""

from __future__ import annotations

import asyncio
import datetime as dt

from rich.text import Text

from tests.app.test_snapshots import NOW, frozen_app
from tui.app import RESULTS_BURST
from tui.core.latency import FAILED, HISTORY, LatencyHistory, sparkline
from tui.core.model import CheckResult, State
from tui.core.store import Store
from widgets.health import HealthPanel, spark_width


def test_history_is_bounded_and_fed_by_the_store() -> None:
    history = LatencyHistory()
    for i in range(HISTORY * 10):
        history.add(float(i))
    assert len(history.samples) == HISTORY and history.samples[-1] == HISTORY * 10 - 1
    store = Store()
    at = NOW
    for ms, state in ((12.0, State.OK), (None, State.DOWN), (900.0, State.DOWN),
                      (40.0, State.DEGRADED)):
        store.put_check(CheckResult("api", state, "r", at, ms), 20)
    assert store.latency_history("api") == (12.0, None, None, 40.0)  # DOWN = a failed round
    assert store.latency_history("nope") == ()


def test_sparkline_scale_and_marks() -> None:
    assert sparkline((), 5) == " " * 5 and sparkline((1.0,), 0) == ""
    assert sparkline((10.0, 10.0, None), 4) == " ▁▁" + FAILED
    line = sparkline(tuple([10.0] * 8 + [1000.0]), 9)
    assert line == "▁" * 8 + "█"  # a spike reaches the top
    jitter = sparkline((9.0, 11.0, 10.0, 9.5, 10.5), 5)
    assert set(jitter) <= set("▁▂▃")  # jitter stays low (MIN_SPAN)
    assert sparkline(tuple(float(i) for i in range(1, 100)), 10) == sparkline(
        tuple(float(i) for i in range(90, 100)), 10)  # only the last `width` are drawn
    assert spark_width(80) == 0 and spark_width(124) == 20 and spark_width(300) == 30


def _history_cell(panel: HealthPanel, key: str) -> Text:
    return panel.get_cell(key, "history")


async def test_sparkline_at_200x50_and_one_cell_repainted() -> None:
    app = frozen_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause(1.1)  # the first round's hold (FIRST_ROUND_HOLD)
        panel = app.query_one(HealthPanel)
        assert [str(c.label) for c in panel.columns.values()][3:5] == ["LATENCY", "HISTORY"]
        at = NOW - dt.timedelta(seconds=2)
        for i in range(25):
            state = State.DOWN if i == 20 else State.OK
            app.store.put_check(CheckResult("web", state, "r", at, 500.0 if i == 10 else 12.0),
                                20)
        await pilot.pause(RESULTS_BURST + 0.1)
        cell = _history_cell(panel, "web")
        assert len(cell.plain) == panel._spark == 20
        assert FAILED in cell.plain and "█" in cell.plain and "▁" in cell.plain
        assert any("red" in str(span.style) for span in cell.spans)
        # at rest, one more answer repaints the history cell only — not the table
        regions: list[object] = []
        refresh = panel.refresh

        def recording(*args: object, **kwargs: object) -> object:
            regions.append(args[0] if args else None)
            return refresh(*args, **kwargs)

        panel.refresh = recording  # type: ignore[method-assign]
        app.store.put_check(CheckResult("web", State.OK, "r", at, 12.0), 20)
        await pilot.pause(RESULTS_BURST + 0.1)  # the rest of its round would join it
        assert regions and None not in regions
        assert all(getattr(r, "height", 0) == 1 for r in regions)
        assert _history_cell(panel, "web").plain.endswith("▁")


async def test_no_history_at_80x24() -> None:
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.1)
        panel = app.query_one(HealthPanel)
        assert "history" not in panel.columns and "reason" in panel.columns
        app.store.put_check(CheckResult("web", State.OK, "HTTP 200", NOW, 12.0), 20)
        await pilot.pause()
        assert "history" not in panel.columns
        await pilot.resize_terminal(200, 50)
        await pilot.pause(0.2)
        assert "history" in panel.columns  # room again: the column comes back


async def test_a_rounds_results_are_rendered_once() -> None:
    """Checks that share an interval answer within ms of each other: one render, one frame."""
    app = frozen_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.1)
        renders: list[float] = []
        render = app._render_panels

        def counting(*args: object, **kwargs: object) -> None:
            renders.append(0.0)
            render(*args, **kwargs)

        app._render_panels = counting  # type: ignore[method-assign]
        at = NOW - dt.timedelta(seconds=2)
        for name in ("web", "api", "db"):
            app.store.put_check(CheckResult(name, State.DOWN, "HTTP 500", at, 12.0), 20)
            await asyncio.sleep(0.005)
        await pilot.pause(RESULTS_BURST + 0.1)
        assert len(renders) == 1
        assert "HTTP 500" in str(app.query_one(HealthPanel).get_cell("web", "reason"))
