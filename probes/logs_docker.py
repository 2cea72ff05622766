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
from typing import Any

from tui.core.config.logs import LogSource, parse_since
from tui.core.sanitize import decode, one_line

from .logs_backoff import MAX_WAIT, Backoff
from .logs_sink import CHUNK, LogSink, Markers, SourceBuffer, split_lines


async def docker_reader(source: LogSource, sink: LogSink, buf: SourceBuffer) -> None:
    import docker
    import docker.errors

    mark = Markers(sink, buf)
    name = one_line(source.container or "")
    since = parse_since(source.since).timestamp() if source.since else None
    tail: int | None = source.tail
    attached = 0
    backoff = Backoff(sink.config.reattach_delay)
    loop = asyncio.get_running_loop()
    while True:
        api = None
        try:
            if source.host == "local":
                api = await asyncio.to_thread(
                    lambda: docker.APIClient(timeout=sink.config.timeout,
                                             **docker.utils.kwargs_from_env()))
            else:
                path = await sink.ssh_pool.forward_docker(source.host)
                api = await asyncio.to_thread(
                    docker.APIClient, base_url=f"unix://{path}", timeout=sink.config.timeout)
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
                                       .get("Tty")), tail, since, source.stderr, sink, buf, loop)
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

