"""Silencing an alert in Alertmanager, behind the actions guard, audited like actions.

The same path as container actions: refused in read-only mode or when not armed (recorded as
`refused`), a `started` record on disk before Alertmanager is asked, then `finished` (with the
silence id) or `failed`. The comment is required; matchers, duration, author and comment are
in every record.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.core.alerts import SilenceRequest
from tui.core.attempts import JournalUnwritable
from tui.core.sanitize import sanitize

from .audit import write_action

if TYPE_CHECKING:
    from .executor import Executor

PostSilence = Callable[[SilenceRequest], Awaitable[str]]
"""`post(request)`: asks Alertmanager, returns what happened in one sentence."""


async def silence_action(executor: Executor, request: SilenceRequest, post: PostSilence) -> str:
    """Create the silence through `post`, guarded and audited. Raises ValueError for an
    incomplete request (nothing recorded), PermissionError when refused, RuntimeError when
    Alertmanager refused or did not answer."""
    problem = request.problem()
    if problem:
        raise ValueError(problem)
    journal = executor.pinned_journal()
    hours = request.duration_s / 3600
    data: dict[str, Any] = {
        "attempt": secrets.token_hex(6), "action": "alert-silence",
        "argv": ["silence", request.describe(), f"for {hours:g} h"],
        "where": ", ".join(request.sources),
        "target": f"alerts matching {request.describe()}"[:300],
        "matchers": dict(request.matchers), "silence_s": request.duration_s,
        "comment": request.comment.strip()[:1000], "created_by": request.author,
        "production": executor.config.environment.production,
    }

    def record(outcome: str, **extra: Any) -> None:
        write_action(journal, {**data, "outcome": outcome,
                               **{k: v for k, v in extra.items() if v is not None}},
                     executor.author, f"{outcome} of silence {request.describe()[:80]}")

    refusal = executor.refusal()
    if refusal:
        with contextlib.suppress(JournalUnwritable):
            await asyncio.to_thread(record, "refused", reason=refusal)
        raise PermissionError(refusal)
    started = time.monotonic()
    await asyncio.to_thread(record, "started")  # JournalUnwritable: nothing is asked
    try:
        message = await post(request)
    except Exception as exc:
        reason = executor.redact(sanitize(str(exc)))
        with contextlib.suppress(JournalUnwritable):
            await asyncio.to_thread(record, "failed", reason=reason,
                                    duration_s=round(time.monotonic() - started, 2))
        raise RuntimeError(reason) from None
    await asyncio.to_thread(record, "finished", result=message,
                            duration_s=round(time.monotonic() - started, 2))
    return message
