"""Run a configured command locally and capture its output, bounded in time and size.

argv lists only; a shell only when the config says `shell = true`. The process gets its own
process group so a timeout kills everything it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from dataclasses import dataclass

MAX_OUTPUT = 256 * 1024


@dataclass
class RunResult:
    """How a streamed run (an action, locally or over SSH) ended.

    `exit_status` is None when it was killed or never started."""

    exit_status: int | None
    signal: str | None = None
    timed_out: bool = False
    cancelled: bool = False
    pid: int | None = None
    duration: float = 0.0


@dataclass(frozen=True)
class CommandOutput:
    exit_code: int | None
    output: str
    """stdout and stderr, decoded with replacement (NOT yet sanitized)."""
    timed_out: bool = False
    error: str | None = None


async def run_local(
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
