"""Actions that are not configured commands — container restart/stop/start here, alert
silences (silences.py) — behind the actions guard, audited like actions (`guarded_call`).

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


async def guarded_call(executor: Executor, data: dict[str, Any], what: str,
                       call: Callable[[], Awaitable[str]], result_key: str | None = None
                       ) -> str:
    """Run `call` behind the actions guard, audited: `refused` (PermissionError raised),
    else `started` written ahead (JournalUnwritable: nothing is asked), then `finished` (with
    the answer under `result_key`, when given) or `failed` (RuntimeError raised, the reason
    made inert and redacted). `data` is in every record; `what` names the attempt in errors.
    The one path of every action that is not a configured command (containers, silences)."""
    journal = executor.pinned_journal()
    data = {"attempt": secrets.token_hex(6), **data,
            "production": executor.config.environment.production}

    def record(outcome: str, **extra: Any) -> None:
        write_action(journal, {**data, "outcome": outcome,
                               **{k: v for k, v in extra.items() if v is not None}},
                     executor.author, f"{outcome} of {what}")

    refusal = executor.refusal()
    if refusal:
        with contextlib.suppress(JournalUnwritable):
            await asyncio.to_thread(record, "refused", reason=refusal)
        raise PermissionError(refusal)
    started = time.monotonic()
    await asyncio.to_thread(record, "started")
    try:
        message = await call()
    except Exception as exc:
        reason = executor.redact(sanitize(str(exc)))
        with contextlib.suppress(JournalUnwritable):
            await asyncio.to_thread(record, "failed", reason=reason,
                                    duration_s=round(time.monotonic() - started, 2))
        raise RuntimeError(reason) from None
    extra = {result_key: message} if result_key else {}
    await asyncio.to_thread(record, "finished", **extra,
                            duration_s=round(time.monotonic() - started, 2))
    return message


async def container_action(executor: Executor, host: str, name: str, action: str,
                           act: ContainerAct) -> str:
    """Restart, stop or start one container through `act` (the containers probe), behind
    the same guard as every action (read-only, armed) and audited the same way: a
    `started` record on disk before Docker is asked, then `finished` or `failed` (or
    `refused`). Raises PermissionError when refused, RuntimeError when it failed."""
    data: dict[str, Any] = {
        "action": f"container-{action}", "argv": ["docker", action, name], "where": host,
        "target": f"{host}: container {name}",
    }
    return await guarded_call(executor, data, f"{action} {name}",
                              lambda: act(host, name, action))
