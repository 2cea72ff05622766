"""Silencing an alert in Alertmanager — and expiring one's own silence — behind the actions
guard, audited like actions.

The same path as container actions: refused in read-only mode or when not armed (recorded as
`refused`), a `started` record on disk before Alertmanager is asked, then `finished` (with the
silence id) or `failed`. The comment is required; matchers, duration, author and comment are
in every record.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.core.silences import Silence, SilenceRequest

from .containers import guarded_call

if TYPE_CHECKING:
    from .executor import Executor

PostSilence = Callable[[SilenceRequest], Awaitable[str]]
"""`post(request)`: asks Alertmanager, returns what happened in one sentence."""
ExpireSilence = Callable[[Silence], Awaitable[str]]
"""`expire(silence)`: asks Alertmanager, returns what happened in one sentence."""


async def silence_action(executor: Executor, request: SilenceRequest, post: PostSilence) -> str:
    """Create the silence through `post`, guarded and audited. Raises ValueError for an
    incomplete request (nothing recorded), PermissionError when refused, RuntimeError when
    Alertmanager refused or did not answer."""
    problem = request.problem()
    if problem:
        raise ValueError(problem)
    hours = request.duration_s / 3600
    data: dict[str, Any] = {
        "action": "alert-silence",
        "argv": ["silence", request.describe(), f"for {hours:g} h"],
        "where": ", ".join(request.sources),
        "target": f"alerts matching {request.describe()}"[:300],
        "matchers": dict(request.matchers), "silence_s": request.duration_s,
        "comment": request.comment.strip()[:1000], "created_by": request.author,
    }
    return await guarded_call(executor, data, f"silence {request.describe()[:80]}",
                              lambda: post(request), result_key="result")


async def expire_action(executor: Executor, silence: Silence, author: str,
                        expire: ExpireSilence) -> str:
    """Expire a silence through `expire`, guarded and audited like creating one. Only the
    author's own silence: another person's is refused here (ValueError, nothing recorded) —
    ending someone else's silence is a conversation, not a key press."""
    if not silence.is_own(author):
        raise ValueError(f"silence {silence.id} was created by {silence.created_by or '?'}, "
                         f"not {author}")
    data: dict[str, Any] = {
        "action": "alert-unsilence",
        "argv": ["expire silence", silence.id],
        "where": ", ".join(silence.sources),
        "target": f"silence {silence.id}: {silence.describe()}"[:300],
        "silence_id": silence.id, "matchers": list(silence.matchers)[:64],
        "created_by": silence.created_by, "comment": silence.comment[:1000],
    }
    return await guarded_call(executor, data, f"expire silence {silence.id}",
                              lambda: expire(silence), result_key="result")
