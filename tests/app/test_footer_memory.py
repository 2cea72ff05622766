"""Focus moves recompose the key footer; the keys it removed must not stay alive (Textual's
Footer data-binds each key to its `compact` and never drops the watcher: ~15 dead widgets a key
press, found by benchmarks/bench_alerts.py as memory growth and 200 ms garbage collections)."""

from __future__ import annotations

import gc

from textual.widgets._footer import FooterKey

from tests.app.snapshot_helpers import frozen_app, settle


async def test_footer_keys_removed_by_focus_moves_are_freed() -> None:
    app = frozen_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(40):
            await pilot.press("tab")  # each focus move changes the keys shown
        await pilot.pause()
        gc.collect()
        keys = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
        assert keys and all(k.is_attached for k in keys), \
            f"{sum(not k.is_attached for k in keys)} removed footer keys still alive"
