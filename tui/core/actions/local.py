"""Run an action's argv locally: own process group, streamed output, TERM→KILL on stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from probes.command import RunResult, kill_group

KILL_GRACE = 2.0
CHUNK = 8192
MAX_LINE = 4096

OnOutput = Callable[[str, str], Any]


LocalResult = RunResult


async def stop_group(proc: asyncio.subprocess.Process, grace: float = KILL_GRACE) -> None:
    """SIGTERM the whole group, then SIGKILL what is left after `grace` seconds."""
    kill_group(proc.pid, signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(proc.wait(), grace)
    kill_group(proc.pid, signal.SIGKILL)  # also the group's other members
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(proc.wait(), grace)


async def _pump(stream: asyncio.StreamReader, label: str, on_output: OnOutput | None) -> None:
    pending = b""
    while chunk := await stream.read(CHUNK):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        if len(pending) > MAX_LINE:
            lines.append(pending)
            pending = b""
        for line in lines:
            if on_output:
                on_output(label, line.decode("utf-8", errors="replace") + "\n")
    if pending and on_output:
        on_output(label, pending.decode("utf-8", errors="replace"))


async def run_local(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    on_output: OnOutput | None = None,
    cwd: str | None = None,
    cancel: asyncio.Event | None = None,
    on_pid: Callable[[int], Any] | None = None,
) -> LocalResult:
    """Run `argv` (no shell) until it exits, `timeout` passes or `cancel` is set.

    Raises OSError when the program cannot be started. Cancelling the calling task stops the
    process group before re-raising.
    """
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=cwd, env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    result = LocalResult(exit_status=None, pid=proc.pid)
    if on_pid:
        on_pid(proc.pid)
    assert proc.stdout is not None and proc.stderr is not None
    pumps = asyncio.gather(_pump(proc.stdout, "stdout", on_output),
                           _pump(proc.stderr, "stderr", on_output))
    waiters = [asyncio.ensure_future(proc.wait())]
    if cancel is not None:
        waiters.append(asyncio.ensure_future(cancel.wait()))
    try:
        done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if waiters[0] not in done:
            result.timed_out = not done
            result.cancelled = bool(done)
            await stop_group(proc)
        code = proc.returncode
        if code is not None and code < 0:
            result.signal = signal.Signals(-code).name
        elif not (result.timed_out or result.cancelled):
            result.exit_status = code
    except asyncio.CancelledError:
        result.cancelled = True
        await asyncio.shield(stop_group(proc))
        raise
    finally:
        for waiter in waiters:
            waiter.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pumps, 2)
        result.duration = time.monotonic() - started
    return result
