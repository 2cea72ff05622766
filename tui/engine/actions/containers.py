"""Container actions (restart, stop, start) behind the actions guard, audited like actions.

The containers probe does the asking (`act`); this module adds what every action gets: the
operator guard (read-only, armed) and the write-ahead audit — a `started` record on disk
before Docker is asked, then `finished` or `failed` (or `refused`).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.core.attempts import JournalUnwritable
from tui.core.sanitize import sanitize

from .audit import write_action

if TYPE_CHECKING:
    from .executor import Executor

ContainerAct = Callable[[str, str, str], Awaitable[str]]
"""`act(host, container, action)`: asks Docker, returns what happened in one sentence."""


async def container_action(executor: Executor, host: str, name: str, action: str,
                           act: ContainerAct) -> str:
    """Restart, stop or start one container through `act` (the containers probe), behind
    the same guard as every action (read-only, armed) and audited the same way: a
    `started` record on disk before Docker is asked, then `finished` or `failed` (or
    `refused`). Raises PermissionError when refused, RuntimeError when it failed."""
    journal = executor.pinned_journal()
    data: dict[str, Any] = {
        "attempt": secrets.token_hex(6), "action": f"container-{action}",
        "argv": ["docker", action, name], "where": host,
        "target": f"{host}: container {name}",
        "production": executor.config.environment.production,
    }

    def record(outcome: str, **extra: Any) -> None:
        write_action(journal, {**data, "outcome": outcome,
                               **{k: v for k, v in extra.items() if v is not None}},
                     executor.author, f"{outcome} of {action} {name}")

    refusal = executor.refusal()
    if refusal:
        with contextlib.suppress(JournalUnwritable):
            await asyncio.to_thread(record, "refused", reason=refusal)
        raise PermissionError(refusal)
    started = time.monotonic()
    await asyncio.to_thread(record, "started")  # JournalUnwritable: nothing is asked
    try:
        message = await act(host, name, action)
    except Exception as exc:
        reason = executor.redact(sanitize(str(exc)))
        with contextlib.suppress(JournalUnwritable):
            await asyncio.to_thread(record, "failed", reason=reason,
                                    duration_s=round(time.monotonic() - started, 2))
        raise RuntimeError(reason) from None
    await asyncio.to_thread(record, "finished",
                            duration_s=round(time.monotonic() - started, 2))
    return message
