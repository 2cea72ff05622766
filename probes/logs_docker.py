"""The docker log reader: follow one container's logs, reattach when it restarts or comes back.

The raw HTTP log stream (`GET /containers/{id}/logs?follow=1`) is read in one thread per
attachment and demultiplexed there in large reads; that thread sanitizes the lines itself
(`LogSink.prepare`) and hands batches to the event loop. Local containers are reached through
the docker environment, remote ones through the SSH pool's forwarded docker socket.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tui.core.config.logs import LogSource, parse_since
from tui.core.sanitize import decode, one_line

from .logs_backoff import MAX_WAIT, Backoff
from .logs_sink import CHUNK, LogSink, Markers, SourceBuffer, split_lines


async def open_api(host: str, sink: LogSink) -> Any:
    """A client of `host`'s engine: the local one from the environment, a remote one through
    the SSH pool's forwarded socket."""
    import docker

    if host == "local":
        return await asyncio.to_thread(
            lambda: docker.APIClient(timeout=sink.config.timeout,
                                     **docker.utils.kwargs_from_env()))
    path = await sink.ssh_pool.forward_docker(host)
    return await asyncio.to_thread(
        docker.APIClient, base_url=f"unix://{path}", timeout=sink.config.timeout)


Opened = tuple["_DockerStream", str] | None
"""A stream to follow and what to say when it ends; None: nothing to follow yet."""


async def reattach(source: LogSource, sink: LogSink, buf: SourceBuffer,
                   open_stream: Callable[[Any, Markers, float | None, int | None],
                                         Awaitable[Opened]],
                   missing: str, down: str) -> None:
    """Follow what `open_stream` opens on `source.host`'s engine until it ends; reattach with
    backoff (after the last line read: nothing twice). `missing`/`down` are the markers for an
    unknown name and an unreachable engine."""
    import docker.errors

    mark = Markers(sink, buf)
    since = parse_since(source.since).timestamp() if source.since else None
    tail: int | None = source.tail
    backoff = Backoff(sink.config.reattach_delay)
    while True:
        api = None
        try:
            api = await open_api(source.host, sink)
            opened = await open_stream(api, mark, since, tail)
            if opened is not None:
                reader, ended = opened
                backoff.reset()
                try:
                    await reader.run()
                finally:
                    reader.cancel()
                if buf.lines:
                    since = max(since or 0.0, buf.lines[-1].ts)
                tail = None
                mark(ended)
                mark.last = ""  # a later "is exited" should show even if repeated
        except asyncio.CancelledError:
            raise
        except docker.errors.NotFound:
            mark(missing)
        except Exception as exc:
            mark(f"{down}: {one_line(str(exc))[:120]}; retrying")
        finally:
            if api is not None:
                api.close()
        await asyncio.sleep(backoff.take(MAX_WAIT))


async def docker_reader(source: LogSource, sink: LogSink, buf: SourceBuffer) -> None:
    name = one_line(source.container or "")
    loop = asyncio.get_running_loop()
    attached = 0

    async def open_stream(api: Any, mark: Markers, since: float | None, tail: int | None
                          ) -> Opened:
        nonlocal attached
        info = await asyncio.to_thread(api.inspect_container, source.container)
        state = info.get("State") or {}
        if state.get("Status") != "running":
            code = state.get("ExitCode")
            mark(f"container {name} is {one_line(str(state.get('Status')))}"
                 f" (exit {code}); waiting for it to run")
            return None
        attached += 1
        mark(f"attached to {name}" if attached == 1 else
             f"reattached to {name} (restarted at {state.get('StartedAt', '?')[:19]}Z)")
        tty = bool((info.get("Config") or {}).get("Tty"))
        return (_DockerStream(api, info["Id"], tty, tail, since, source.stderr, sink, buf, loop),
                f"stream of {name} ended; waiting to reattach")

    await reattach(source, sink, buf, open_stream, f"no container named {name}; waiting for it",
                   "docker unreachable")


class _DockerStream:
    """One `GET /containers/{id}/logs?follow=1` read in a thread, demultiplexed in bulk."""

    PATH = "/containers/{0}/logs"

    def __init__(self, api: Any, cid: str, tty: bool, tail: int | None, since: float | None,
                 stderr: bool, sink: LogSink, buf: SourceBuffer,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.api, self.cid, self.tty, self.stderr = api, cid, tty, stderr
        self.params = {"follow": 1, "stdout": 1, "stderr": 1 if stderr else 0,
                       "timestamps": 1, "tail": "all" if tail is None else tail}
        if since is not None:
            self.params["since"] = f"{since + 1e-6:.9f}"
        self.sink, self.buf, self.loop = sink, buf, loop
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
            url = self.api._url(self.PATH, self.cid)
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
            chunk = fp.read1(CHUNK)
            if not chunk:
                break
            pending: list[bytes] = []
            if self.tty:
                carry[1] += chunk
                pending.extend(split_lines(carry[1]))
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
                    pending.extend(split_lines(carry[kind]))
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
        lines = self.sink.prepare(self.buf, texts, stamps)
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
        self.sink.store(self.buf, lines)

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

