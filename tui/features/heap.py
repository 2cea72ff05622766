"""The heap after start-up: frozen once, so full garbage collections stop walking it.

A war room's start-up leaves ~100,000 long-lived objects (Textual, the widgets, the modules,
the config). CPython's full (generation 2) collection walks every one of them, and it runs
whenever a quarter as many objects again have survived since the last one: with an alert
storm on screen and keys being pressed that was every ~2 s, 150–200 ms each on this 2-core VM
— the slow tail of key-to-screen (p95 137 ms against a target of 100). `gc.freeze()` moves
what exists now into the permanent generation: later full collections walk only what was
allocated after it (the storm, the timeline), and what start-up built is still freed by
reference counting when dropped. Textual itself pauses the collector while scrolling
(`App.PAUSE_GC_ON_SCROLL`); this is the same idea for the whole session.
"""

from __future__ import annotations

import gc

SETTLE_AFTER = 2.0
"""Seconds after the first data is painted: the first round and its layout are done."""


def freeze_startup_heap() -> int:
    """Collect once (start-up's garbage is not frozen), then freeze; the objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
