"""Command log readers: a command run locally, and any source read over SSH (a remote
command, or `tail -F` of a remote file) on the host's shared connection.

A command that ends is run again only with `restart = true` (backing off); a dropped SSH
connection is always reconnected, and a remote `tail` then asks only for new lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex

from tui.core.config.logs import LogSource
from tui.core.sanitize import decode, one_line

from .logs_backoff import MAX_WAIT, RESTART_MAX_WAIT, Backoff
from .logs_sink import CHUNK, LogSink, Markers, SourceBuffer, split_lines


def command_argv(source: LogSource) -> list[str]:
    """The argv of a command source (`sh -c` around it with `shell = true`)."""
    return ["sh", "-c", source.argv[0], *source.argv[1:]] if source.shell else list(source.argv)


async def command_reader(source: LogSource, sink: LogSink, buf: SourceBuffer) -> None:
    """Run the command once; with `restart`, again whenever it ends (backing off)."""
    mark = Markers(sink, buf)
    backoff = Backoff(sink.config.reattach_delay)
    while True:
        backoff.started()
        ran = await _command_once(source, sink, buf, mark)
        if not source.restart:
            return
        if not ran:  # cannot be started (missing, not executable): retrying will not help
            mark("not restarting: fix the command in the config")
            return
        await _restart_pause(mark, backoff, "")


async def _restart_pause(mark: Markers, backoff: Backoff, where: str) -> None:
    wait = backoff.take(RESTART_MAX_WAIT)
    mark(f"{where}restarting in {wait:.0f} s")
    mark.last = ""  # the same "exited" line after each run is news
    await asyncio.sleep(wait)


async def _command_once(source: LogSource, sink: LogSink, buf: SourceBuffer, mark: Markers
                        ) -> bool:
    """Run the command to its end; False if it could not be started."""
    argv = command_argv(source)
    mark(f"running {one_line(shlex.join(argv))[:80]}")
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE if source.stderr else asyncio.subprocess.DEVNULL,
            start_new_session=True)
    except OSError as exc:
        mark(f"cannot run {one_line(argv[0])}: {exc.strerror}")
        return False

    async def pump(stream: asyncio.StreamReader | None) -> None:
        if stream is None:
            return
        carry = bytearray()
        while chunk := await stream.read(CHUNK):
            carry += chunk
            sink.add_raw(buf, [decode(b) for b in split_lines(carry)])
        if carry:
            sink.add_raw(buf, [decode(bytes(carry))])

    try:
        await asyncio.gather(pump(proc.stdout), pump(proc.stderr))
        code = await proc.wait()
        mark(f"command exited with status {code}")
        return True
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(proc.wait(), 3)


async def remote_reader(source: LogSource, sink: LogSink, buf: SourceBuffer, argv: list[str]
                        ) -> None:
    """Run `argv` on the source's host over the shared SSH connection; reconnect on drops."""
    mark = Markers(sink, buf)
    backoff = Backoff(sink.config.reattach_delay)
    is_tail = source.kind == "file"
    while True:
        def on_output(stream: str, text: str) -> None:
            line = text.rstrip("\n")
            if stream == "stderr" and is_tail:
                sink.marker(buf, one_line(line))  # tail -F: "has been replaced; following ..."
            else:
                sink.add_raw(buf, [line])

        backoff.started()
        try:
            mark(f"{source.host}: following {one_line(' '.join(argv))[:80]}")
            result = await sink.ssh_pool.run(source.host, argv, on_output=on_output)
            mark(f"{source.host}: ended (status {result.exit_status})")
            if not is_tail:  # a command that ended by itself
                if not source.restart:
                    return
                await _restart_pause(mark, backoff, f"{source.host}: ")
                continue
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            mark(f"{source.host}: {one_line(str(exc))[:120]}; retrying")
        await asyncio.sleep(backoff.take(MAX_WAIT))  # a dropped connection, or tail ended
        if is_tail:
            argv = [*argv[:2], "0", *argv[3:]]  # after a drop: only new lines
