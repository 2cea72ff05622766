"""The key footer follows focus without creating widgets: Textual's Footer recomposed ~15 key
widgets per focus move (and its data-binding kept the removed ones alive — found by
benchmarks/bench_alerts.py as memory growth and 200 ms garbage collections). KeysFooter is one
line of text: focus moves change what it says, never how many widgets the screen has."""

from __future__ import annotations

import gc

from tests.app.screen import screen_text
from tests.app.snapshot_helpers import frozen_app, settle
from widgets.footer import KeysFooter


async def test_footer_follows_focus_without_widgets() -> None:
    app = frozen_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = app.query_one(KeysFooter)
        widgets = len(list(app.screen.walk_children()))
        seen: set[str] = set()
        for _ in range(40):
            await pilot.press("tab")  # each focus move changes the keys shown
            await pilot.pause()
            seen.add(screen_text(app).splitlines()[-1])
        gc.collect()
        assert len(list(app.screen.walk_children())) == widgets
        assert len(seen) >= 3, seen  # the keys of several panels were shown in turn
        assert not footer.children
        last = screen_text(app).splitlines()[-1]
        assert last.rstrip().endswith("^p palette")
