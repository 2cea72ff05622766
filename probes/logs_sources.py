"""Readers of the log sources: docker (follow + reattach), file (`tail -F`), command.

Each reader is a coroutine that runs until cancelled, says in the stream what happens to its
source (`hub.marker`) and reattaches with backoff. Docker logs are read from the raw HTTP
stream in one thread per attachment (demultiplexed here, in large reads), which sanitizes
lines itself and hands batches to the event loop.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import errno
import os
import shlex
import stat
import threading
import time
from collections.abc import Coroutine
from typing import Any

from tui.core.config.logs import LogSource, parse_since
from tui.core.sanitize import decode, one_line

from .logs import LogHub, SourceBuffer

MAX_WAIT = 5.0
"""Reattach backoff cap: a container or file that comes back is followed within 5 s."""
RESTART_MAX_WAIT = 30.0
"""`restart = true` backoff cap: a command that keeps ending at once is not re-run (and
marked) every few seconds all night."""
_CHUNK = 65536
LONG_RUN = 60.0
"""A run that lasted this long was not a failure loop: the next wait starts over."""


class _Backoff:
    """The waits between attempts of one source: the first, doubling up to a cap, and the
    first again after `reset()` (attached) or a run longer than LONG_RUN (`started()`)."""

    def __init__(self, first: float) -> None:
        self.first = self._next = first
        self._since: float | None = None

    def started(self) -> None:
        self._since = time.monotonic()

    def reset(self) -> None:
        self._next = self.first

    def take(self, cap: float) -> float:
        """The wait before the next attempt (the one after doubles, up to `cap`)."""
        if self._since is not None and time.monotonic() - self._since > LONG_RUN:
            self.reset()
        wait, self._next = self._next, min(self._next * 2, cap)
        return wait


def reader_for(source: LogSource, hub: LogHub, buf: SourceBuffer) -> Coroutine[Any, Any, None]:
    if source.kind == "docker":
        return docker_reader(source, hub, buf)
    if source.kind == "file":
        if source.host == "local":
            return file_reader(source, hub, buf)
        return remote_reader(source, hub, buf, ["tail", "-n", str(source.tail), "-F", "--",
                                                source.path or ""])
    if source.host == "local":
        return command_reader(source, hub, buf)
    return remote_reader(source, hub, buf, _argv(source))


def _argv(source: LogSource) -> list[str]:
    return ["sh", "-c", source.argv[0], *source.argv[1:]] if source.shell else list(source.argv)


class _Markers:
    """Emit a marker only when the message changes (no spam while waiting)."""

    def __init__(self, hub: LogHub, buf: SourceBuffer) -> None:
        self.hub, self.buf, self.last = hub, buf, ""

    def __call__(self, message: str) -> None:
        if message != self.last:
            self.last = message
            self.hub.marker(self.buf, message)


# -- docker ----------------------------------------------------------------------------------
async def docker_reader(source: LogSource, hub: LogHub, buf: SourceBuffer) -> None:
    import docker
    import docker.errors

    mark = _Markers(hub, buf)
    name = one_line(source.container or "")
    since = parse_since(source.since).timestamp() if source.since else None
    tail: int | None = source.tail
    attached = 0
    backoff = _Backoff(hub.config.reattach_delay)
    loop = asyncio.get_running_loop()
    while True:
        api = None
        try:
            if source.host == "local":
                api = await asyncio.to_thread(
                    lambda: docker.APIClient(timeout=hub.config.timeout,
                                             **docker.utils.kwargs_from_env()))
            else:
                path = await hub.ssh_pool.forward_docker(source.host)
                api = await asyncio.to_thread(
                    docker.APIClient, base_url=f"unix://{path}", timeout=hub.config.timeout)
            info = await asyncio.to_thread(api.inspect_container, source.container)
            state = info.get("State") or {}
            if state.get("Status") != "running":
                code = state.get("ExitCode")
                mark(f"container {name} is {one_line(str(state.get('Status')))}"
                     f" (exit {code}); waiting for it to run")
            else:
                attached += 1
                mark(f"attached to {name}" if attached == 1 else
                     f"reattached to {name} (restarted at {state.get('StartedAt', '?')[:19]}Z)")
                backoff.reset()
                reader = _DockerStream(api, info["Id"], bool((info.get("Config") or {})
                                       .get("Tty")), tail, since, source.stderr, hub, buf, loop)
                try:
                    await reader.run()
                finally:
                    reader.cancel()
                if buf.lines:
                    since = max(since or 0.0, buf.lines[-1].ts)
                tail = None
                mark(f"stream of {name} ended; waiting to reattach")
                mark.last = ""  # a later "is exited" should show even if repeated
        except asyncio.CancelledError:
            raise
        except docker.errors.NotFound:
            mark(f"no container named {name}; waiting for it")
        except Exception as exc:
            mark(f"docker unreachable: {one_line(str(exc))[:120]}; retrying")
        finally:
            if api is not None:
                api.close()
        await asyncio.sleep(backoff.take(MAX_WAIT))


class _DockerStream:
    """One `GET /containers/{id}/logs?follow=1` read in a thread, demultiplexed in bulk."""

    def __init__(self, api: Any, cid: str, tty: bool, tail: int | None, since: float | None,
                 stderr: bool, hub: LogHub, buf: SourceBuffer,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.api, self.cid, self.tty, self.stderr = api, cid, tty, stderr
        self.params = {"follow": 1, "stdout": 1, "stderr": 1 if stderr else 0,
                       "timestamps": 1, "tail": "all" if tail is None else tail}
        if since is not None:
            self.params["since"] = f"{since + 1e-6:.9f}"
        self.hub, self.buf, self.loop = hub, buf, loop
        self.response: Any = None
        self.done = loop.create_future()
        self._cancelled = False
        self._lock = threading.Lock()
        self._inbox: list[Any] = []
        self._scheduled = False
        self._seconds: dict[str, float] = {}

    async def run(self) -> None:
        thread = threading.Thread(target=self._work, name=f"logs-{self.buf.tag}", daemon=True)
        thread.start()
        try:
            await self.done
        finally:
            self.cancel()
            await asyncio.to_thread(thread.join, 5)

    def cancel(self) -> None:
        self._cancelled = True
        response = self.response
        if response is not None:
            with contextlib.suppress(Exception):
                sock = response.raw._fp.fp.raw._sock
                sock.shutdown(2)
            with contextlib.suppress(Exception):
                response.close()

    def _finish_after_drain(self, error: BaseException | None) -> None:
        self._drain()
        self._finish(error)

    def _finish(self, error: BaseException | None) -> None:
        if not self.done.done():
            if error is None:
                self.done.set_result(None)
            else:
                self.done.set_exception(error)

    def _work(self) -> None:
        error: BaseException | None = None
        try:
            url = self.api._url("/containers/{0}/logs", self.cid)
            self.response = self.api._get(url, params=self.params, stream=True, timeout=None)
            self.api._raise_for_status(self.response)
            if not self._cancelled:
                self._pump(self.response.raw._fp)
        except Exception as exc:
            if not self._cancelled:
                error = exc
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._finish_after_drain, error)

    def _pump(self, fp: Any) -> None:
        data = bytearray()
        carry = {1: bytearray(), 2: bytearray()}
        while not self._cancelled:
            chunk = fp.read1(_CHUNK)
            if not chunk:
                break
            pending: list[bytes] = []
            if self.tty:
                carry[1] += chunk
                pending.extend(_split(carry[1]))
            else:
                data += chunk
                pos = 0
                while len(data) - pos >= 8:
                    size = int.from_bytes(data[pos + 4:pos + 8], "big")
                    if len(data) - pos - 8 < size:
                        break
                    kind = data[pos] if data[pos] in (1, 2) else 1
                    carry[kind] += data[pos + 8:pos + 8 + size]
                    pos += 8 + size
                    pending.extend(_split(carry[kind]))
                del data[:pos]
            self._hand_over(pending)
        self._hand_over([bytes(rest) for rest in carry.values() if rest])

    def _hand_over(self, raws: list[bytes]) -> None:
        """Sanitize here (reader thread); wake the loop once per accumulated batch."""
        if not raws:
            return
        stamps, texts = [], []
        for raw in raws:
            stamp, _, text = raw.partition(b" ")
            stamps.append(self._ts(stamp.decode("ascii", "replace")))
            texts.append(decode(text))
        lines = self.hub.prepare(self.buf, texts, stamps)
        with self._lock:
            self._inbox.extend(lines)
            wake = not self._scheduled
            self._scheduled = True
        if wake:
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self._drain)

    def _drain(self) -> None:
        with self._lock:
            lines, self._inbox = self._inbox, []
            self._scheduled = False
        self.hub.store(self.buf, lines)

    def _ts(self, stamp: str) -> float:
        """RFC 3339 nano (`2024-01-01T12:00:00.123456789Z`) to epoch seconds, cached per second."""
        head = stamp[:19]
        base = self._seconds.get(head)
        if base is None:
            try:
                base = float(calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S")))
            except ValueError:
                return time.time()
            if len(self._seconds) > 1000:
                self._seconds.clear()
            self._seconds[head] = base
        frac = stamp[20:].rstrip("Z") if len(stamp) > 20 and stamp[19] == "." else ""
        return base + (float("0." + frac[:9]) if frac.isdigit() else 0.0)


def _split(carry: bytearray) -> list[bytes]:
    """Complete lines out of `carry` (the unfinished rest stays in it)."""
    end = carry.rfind(b"\n")
    if end < 0:
        return []
    lines = bytes(carry[:end]).split(b"\n")
    del carry[:end + 1]
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


# -- local file, like tail -F ------------------------------------------------------------------
def _open_regular(path: str) -> Any:
    """Open a log file for reading; a FIFO or device would block or never end: refused."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


async def file_reader(source: LogSource, hub: LogHub, buf: SourceBuffer, poll: float = 0.2
                      ) -> None:
    mark = _Markers(hub, buf)
    path = source.path or ""
    shown = one_line(path)
    fh = None
    ident: tuple[int, int] | None = None
    carry = bytearray()
    first = True
    try:
        while True:
            if fh is None:
                try:
                    fh = await asyncio.to_thread(_open_regular, path)
                except OSError as exc:
                    mark(f"cannot open {shown}: {exc.strerror}; waiting for it")
                    await asyncio.sleep(poll * 5)
                    continue
                st = os.fstat(fh.fileno())
                ident = (st.st_dev, st.st_ino)
                if first:
                    await asyncio.to_thread(_seek_tail, fh, source.tail)
                    mark(f"following {shown}")
                    first = False
                else:
                    mark(f"{shown} was rotated; following the new file")
                carry.clear()
            data = await asyncio.to_thread(fh.read, 1 << 20)
            if data:
                carry += data
                hub.add_raw(buf, [decode(b) for b in _split(carry)])
                if len(carry) > 1 << 20:  # a runaway line without newline
                    hub.add_raw(buf, [decode(bytes(carry))])
                    carry.clear()
                continue
            while True:  # at the end: a stat per poll, and a read only once there is more
                await asyncio.sleep(poll)
                try:
                    st = os.stat(path)
                except OSError:
                    break  # gone for now: keep reading the old handle until a new file appears
                if (st.st_dev, st.st_ino) != ident:
                    await _drain(fh, hub, buf, carry)
                    fh.close()
                    fh = None
                    break
                if st.st_size < fh.tell():
                    mark(f"{shown} was truncated; reading from the start")
                    mark.last = ""
                    fh.seek(0)
                    carry.clear()
                    break
                if st.st_size > fh.tell():
                    break
    finally:
        if fh is not None:
            fh.close()


async def _drain(fh: Any, hub: LogHub, buf: SourceBuffer, carry: bytearray) -> None:
    data = await asyncio.to_thread(fh.read)
    carry += data
    if carry and not carry.endswith(b"\n"):
        carry += b"\n"
    hub.add_raw(buf, [decode(b) for b in _split(carry)])


def _seek_tail(fh: Any, lines: int) -> None:
    """Position `fh` so that the last `lines` lines are read next."""
    end = fh.seek(0, os.SEEK_END)
    if lines <= 0:
        return
    pos, found, block = end, 0, 65536
    while pos > 0 and found <= lines:
        step = min(block, pos)
        pos -= step
        fh.seek(pos)
        found += fh.read(step).count(b"\n")
    fh.seek(pos)
    if found > lines:
        data = fh.read(end - pos)
        skip = found - lines
        index = -1
        for _ in range(skip):
            index = data.index(b"\n", index + 1)
        fh.seek(pos + index + 1)


# -- commands (local) and anything over SSH ----------------------------------------------------
async def command_reader(source: LogSource, hub: LogHub, buf: SourceBuffer) -> None:
    """Run the command once; with `restart`, again whenever it ends (backing off)."""
    mark = _Markers(hub, buf)
    backoff = _Backoff(hub.config.reattach_delay)
    while True:
        backoff.started()
        ran = await _command_once(source, hub, buf, mark)
        if not source.restart:
            return
        if not ran:  # cannot be started (missing, not executable): retrying will not help
            mark("not restarting: fix the command in the config")
            return
        await _restart_pause(mark, backoff, "")


async def _restart_pause(mark: _Markers, backoff: _Backoff, where: str) -> None:
    wait = backoff.take(RESTART_MAX_WAIT)
    mark(f"{where}restarting in {wait:.0f} s")
    mark.last = ""  # the same "exited" line after each run is news
    await asyncio.sleep(wait)


async def _command_once(source: LogSource, hub: LogHub, buf: SourceBuffer, mark: _Markers
                        ) -> bool:
    """Run the command to its end; False if it could not be started."""
    argv = _argv(source)
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
        while chunk := await stream.read(_CHUNK):
            carry += chunk
            hub.add_raw(buf, [decode(b) for b in _split(carry)])
        if carry:
            hub.add_raw(buf, [decode(bytes(carry))])

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


async def remote_reader(source: LogSource, hub: LogHub, buf: SourceBuffer, argv: list[str]
                        ) -> None:
    """Run `argv` on the source's host over the shared SSH connection; reconnect on drops."""
    mark = _Markers(hub, buf)
    backoff = _Backoff(hub.config.reattach_delay)
    is_tail = source.kind == "file"
    while True:
        def on_output(stream: str, text: str) -> None:
            line = text.rstrip("\n")
            if stream == "stderr" and is_tail:
                hub.marker(buf, one_line(line))  # tail -F: "has been replaced; following ..."
            else:
                hub.add_raw(buf, [line])

        backoff.started()
        try:
            mark(f"{source.host}: following {one_line(' '.join(argv))[:80]}")
            result = await hub.ssh_pool.run(source.host, argv, on_output=on_output)
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
