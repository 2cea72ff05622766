"""Run commands locally: captured (a probe's command, bounded in time and size) or streamed
(an action: output line by line, stopped on timeout or cancel).

argv lists only; a shell only when the config says `shell = true`. The process gets its own
process group so a timeout kills everything it started. `supervise` is the wait / timeout /
cancel / stop loop shared with the SSH runner (`probes/ssh.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tui.core.attempts import RunResult

MAX_OUTPUT = 256 * 1024


@dataclass(frozen=True)
class CommandOutput:
    exit_code: int | None
    output: str
    """stdout and stderr, decoded with replacement (NOT yet sanitized)."""
    timed_out: bool = False
    error: str | None = None


async def capture_local(
    argv: tuple[str, ...] | list[str],
    timeout: float,
    shell: bool = False,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
) -> CommandOutput:
    """Run to completion (or timeout) and return the captured output."""
    full_env = {**os.environ, **(env or {})}
    try:
        if shell:
            proc = await asyncio.create_subprocess_shell(
                " ".join(argv), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL, cwd=cwd, env=full_env, start_new_session=True,
            )
        else:
            proc = await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL, cwd=cwd, env=full_env, start_new_session=True,
            )
    except OSError as exc:
        return CommandOutput(None, "", error=f"cannot start {argv[0]!r}: {exc.strerror}")
    assert proc.stdout is not None
    try:
        data = await asyncio.wait_for(_read_all(proc.stdout), timeout)
        code = await asyncio.wait_for(proc.wait(), timeout)
    except TimeoutError:
        kill_group(proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(proc.wait(), 2)
        return CommandOutput(None, "", timed_out=True, error=f"timeout after {timeout:.1f} s")
    except asyncio.CancelledError:
        kill_group(proc.pid, signal.SIGKILL)
        raise
    return CommandOutput(code, data.decode("utf-8", errors="replace"))


async def _read_all(stream: asyncio.StreamReader) -> bytes:
    """Everything up to EOF, keeping the first MAX_OUTPUT bytes (the rest is drained)."""
    kept = bytearray()
    while chunk := await stream.read(65536):
        if len(kept) < MAX_OUTPUT:
            kept += chunk[: MAX_OUTPUT - len(kept)]
    return bytes(kept)


def kill_group(pid: int, sig: int) -> bool:
    """Signal the process group `pid` leads (started with start_new_session=True); False when
    it is gone."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


# -- streamed runs (actions) ------------------------------------------------------------------
KILL_GRACE = 2.0
CHUNK = 8192
MAX_LINE = 4096

OnOutput = Callable[[str, str], Any]
"""`on_output(stream, text)`: stream is "stdout" or "stderr", text one line."""


async def supervise(
    exited: Awaitable[Any],
    stop: Callable[[], Awaitable[None]],
    result: RunResult,
    *,
    timeout: float | None,
    cancel: asyncio.Event | None,
    pumps: Awaitable[Any],
    started: float,
) -> bool:
    """Wait until the process exits, `timeout` passes or `cancel` is set; True when it exited
    by itself. Otherwise (and when the calling task is cancelled, which re-raises) `stop()` is
    awaited and `result.timed_out` / `result.cancelled` say why. Output pumps get 2 s to drain;
    `result.duration` is set in every case."""
    waiters = [asyncio.ensure_future(exited)]
    if cancel is not None:
        waiters.append(asyncio.ensure_future(cancel.wait()))
    try:
        done, _ = await asyncio.wait(waiters, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if waiters[0] in done:
            return True
        result.timed_out = not done
        result.cancelled = bool(done)
        await stop()
        return False
    except asyncio.CancelledError:
        result.cancelled = True
        await asyncio.shield(stop())
        raise
    finally:
        for waiter in waiters:
            waiter.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pumps, 2)
        result.duration = time.monotonic() - started


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


async def stream_local(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    on_output: OnOutput | None = None,
    cwd: str | None = None,
    cancel: asyncio.Event | None = None,
    on_pid: Callable[[int], Any] | None = None,
) -> RunResult:
    """Run `argv` (no shell) until it exits, `timeout` passes or `cancel` is set, streaming
    its output. Raises OSError when the program cannot be started. Cancelling the calling task
    stops the process group before re-raising."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=cwd, env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    result = RunResult(exit_status=None, pid=proc.pid)
    if on_pid:
        on_pid(proc.pid)
    assert proc.stdout is not None and proc.stderr is not None
    pumps = asyncio.gather(_pump(proc.stdout, "stdout", on_output),
                           _pump(proc.stderr, "stderr", on_output))
    await supervise(proc.wait(), lambda: stop_group(proc), result, timeout=timeout,
                    cancel=cancel, pumps=pumps, started=started)
    code = proc.returncode
    if code is not None and code < 0:
        result.signal = signal.Signals(-code).name
    elif not (result.timed_out or result.cancelled):
        result.exit_status = code
    return result
