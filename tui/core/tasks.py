"""Stopping asyncio tasks reliably.

Python 3.11's `asyncio.wait_for` can swallow a cancellation that arrives just as its inner
future completes; a loop written as `while True: await wait_for(...)` then never ends and
`task.cancel(); await task` hangs — the app's exit with it. Loops should also check a flag;
`cancel_and_wait` cancels again until every task is done.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable


async def cancel_and_wait(
    tasks: Iterable[asyncio.Task[object]], kick: Callable[[], None] | None = None,
    every: float = 1.0,
) -> None:
    """Cancel `tasks` (repeatedly, every `every` s, calling `kick` to wake sleepers) until all
    are done; their exceptions are consumed."""
    tasks = list(tasks)
    pending = {t for t in tasks if not t.done()}
    while pending:
        for task in pending:
            task.cancel()
        if kick is not None:
            kick()
        _done, pending = await asyncio.wait(pending, timeout=every)
    for task in tasks:
        if not task.cancelled():
            with contextlib.suppress(BaseException):
                task.exception()
