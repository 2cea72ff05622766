"""The band compositor writes what Textual's own would, from fewer rendered lines.

On the real demo's screen (every panel with data, at 80x24 and 120x40), the same sets of dirty
regions go through `BandCompositor.render_partial_update` and through Textual's stock
`Compositor.render_partial_update`; the segments written to the terminal must be identical,
and for the everyday frame (the clock's line and the logs tail) the band one must ask the
widgets for a quarter of the lines or fewer.
"""

from __future__ import annotations

import random
import time

import pytest
from rich.console import Console
from textual._compositor import Compositor
from textual.geometry import Region
from textual.widget import Widget

from tui.app import WarroomApp
from tui.core.logline import LogLine
from widgets.band_compositor import BandCompositor, line_bands
from widgets.logs import LogsPanel


def written(update: object) -> list[tuple[str, str]]:
    """The segments a partial update writes: (text, style) pairs, control codes included."""
    console = Console(width=400, force_terminal=True, color_system="truecolor")
    out = []
    for seg in console.render(update):  # type: ignore[arg-type]
        control = "".join(repr(c) for c in seg.control or ())
        out.append((seg.text + control, str(seg.style or "")))
    return out


def test_line_bands_group_consecutive_lines() -> None:
    spans = [(0, 0, 80), (5, 10, 20), (6, 2, 15), (6, 50, 60), (7, 30, 40), (9, 0, 1)]
    assert line_bands(spans) == [Region(0, 0, 80, 1), Region(2, 5, 58, 3), Region(0, 9, 1, 1)]
    assert line_bands([]) == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_band_updates_match_textuals(demo_cfg, size, monkeypatch) -> None:
    app = WarroomApp(demo_cfg)
    async with app.run_test(size=size) as pilot:
        for _ in range(40):  # the first round painted (every probe answered once)
            await pilot.pause(0.1)
            if not app._holding and all(j.rounds for j in app.monitor.scheduler.jobs):
                break
        now = time.time()  # enough lines that the logs pane shows its scrollbar (chrome)
        app.query_one(LogsPanel).add_lines(
            [LogLine(10**6 + i, now, "app", f"line {i} " + "x" * 60, "INFO") for i in range(200)])
        await pilot.pause(0.3)
        comp = app.screen._compositor
        assert isinstance(comp, BandCompositor)
        width, height = size
        rng = random.Random(7)
        cases = [
            {Region(0, 0, width, 1), Region(0, height - 3, width // 2, 2)},  # clock + logs
            {Region(0, 0, width, 1)},
            {Region(0, 3, width, 4), Region(3, 5, 10, 6)},  # overlapping
            {Region(0, 0, width, height)},
        ]
        for _ in range(80):
            cases.append({
                Region(x := rng.randrange(width), y := rng.randrange(height),
                       rng.randint(1, width - x), rng.randint(1, height - y))
                for _ in range(rng.randint(1, 4))})
        asked: dict[str, int] = {"band": 0, "stock": 0}
        mode = ["band"]
        original = Widget.render_lines

        def counting(self: Widget, crop: Region) -> list:
            asked[mode[0]] += crop.height
            return original(self, crop)

        monkeypatch.setattr(Widget, "render_lines", counting)
        for n, regions in enumerate(cases):
            if n == 1:  # the first case is the everyday frame: clock + logs tail
                assert asked["band"] * 4 < asked["stock"], asked
            if Region(0, 0, width, height) in regions:
                continue  # a full update: the stock path either way
            mode[0] = "band"
            comp._dirty_regions = set(regions)
            band = comp.render_partial_update()
            mode[0] = "stock"
            comp._dirty_regions = set(regions)
            stock = Compositor.render_partial_update(comp)  # _bands unset: Textual's own path
            assert band is not None and stock is not None
            assert written(band) == written(stock), regions
