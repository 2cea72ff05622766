"""What every watcher of ONE Docker engine shares (containers, swarm services).

An `EngineSession` owns a small thread pool for the blocking SDK calls (`call()`, each bounded
by the client timeout), connects through the host's forwarded socket (or the local engine from
the environment), reads the events stream in one thread with a stop handle, and reconnects
with backoff when the engine stops answering. Subclasses say what a connection checks, what
they read once connected, which events they follow and what they do between events.
`EngineProbe` keeps one watcher per configured host and publishes their merged snapshot at
most every `min_interval` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from tui.core.docker_model import CONNECTING, EngineStatus
from tui.core.model import utcnow
from tui.core.sanitize import one_line
from tui.core.tasks import cancel_and_wait

BaseUrl = Callable[[], Awaitable[str | None]]
"""Returns the engine URL to use (None: DOCKER_HOST / the default socket)."""

MAX_BACKOFF = 30.0
API_VERSION = "1.41"
"""The Docker API version spoken first: Engine 20.10's (2020), which later engines up to 28 take
as is (stats `one_shot` needs it). Engine 29 refuses it (its minimum is 1.44), an older engine
too: either answers 400 "client version … is too new/old", and the session then asks the
engine's version once and keeps it."""
POOLS = 4
"""Idle sockets kept per engine client (one pool shared by every URL)."""


class EngineDown(Exception):
    """The engine stopped answering (or the events stream ended)."""


def version_refused(exc: BaseException) -> bool:
    """The engine refused the API version the client spoke (400 "client version 1.41 is too
    new. Maximum supported API version is 1.40", or "… is too old. Minimum …")."""
    text = str(exc).lower()
    return getattr(getattr(exc, "response", None), "status_code", None) == 400 and (
        "client version" in text and ("too new" in text or "too old" in text))


def reason(exc: BaseException, limit: int = 120) -> str:
    """A short, sanitized cause for the status line."""
    text = one_line(str(exc) or type(exc).__name__)
    if "Connection refused" in text or "No such file" in text or "FileNotFoundError" in text:
        return "connection refused"
    if "timed out" in text.lower() or isinstance(exc, TimeoutError):
        return "timed out"
    return text[:limit]


class EngineSession:
    """One engine's connection, events thread and reconnect loop; `rows` are the subclass's."""

    KIND = "docker"
    """Names the threads and the task (`docker-<host>`, `docker-events-<host>`)."""
    REASON_LIMIT = 120
    URL_DEADLINE: float | None = None
    """Bound on resolving the URL (forwarding the socket), in client timeouts (None: none)."""
    JOIN_ON_CLOSE = True
    """`close()` waits for the pool's in-flight calls to end (at most the client timeout)."""

    def __init__(self, host: str, timeout: float, on_change: Callable[[], None],
                 base_url: BaseUrl | None = None,
                 backoff: tuple[float, float] = (1.0, MAX_BACKOFF)) -> None:
        self.host, self.timeout, self.on_change = host, timeout, on_change
        self.base_url, self.backoff = base_url, backoff
        self.status = EngineStatus(host, False, utcnow(), CONNECTING)
        self.api_calls = 0
        self.reconnects = 0
        self.answered: dt.datetime | None = None
        """When the engine last answered a full listing (the panel shows its age)."""
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"{self.KIND}-{host}")
        self._api: Any = None
        self.api_version = API_VERSION
        """Asked first; replaced by the engine's own when it refuses it (`version_refused`)."""
        self._stream: Callable[[], None] | None = None
        self._events_thread: threading.Thread | None = None
        self._events_ended: str | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- what subclasses say ----------------------------------------------------------------
    @property
    def interval(self) -> float:
        """The reconcile interval (also the ceiling of the reconnect backoff)."""
        raise NotImplementedError

    def _check(self, api: Any) -> None:
        """In a pool thread, on a new client that answered its version: raise when this
        engine will not do."""

    async def _opened(self, since: int) -> None:
        """Connected: read everything, follow the events from `since`, say reachable."""
        raise NotImplementedError

    async def _serve(self) -> None:
        """Until the engine fails (raise) or the watcher closes."""
        raise NotImplementedError

    def _wanted(self, event: dict[str, Any]) -> bool:
        """In the events thread: whether `event` is worth waking the loop for."""
        return True

    def _on_event(self, event: dict[str, Any] | None) -> bool:
        """In the loop: note `event` (None: the stream ended); True wakes `_serve`."""
        return True

    def _down(self) -> Exception:
        """The error `api` raises while not connected."""
        return EngineDown(self.status.error or "not connected")

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name=f"{self.KIND}-watch-{self.host}")

    async def close(self) -> None:
        """Stop watching: cancel the loop, close sockets, end every thread."""
        self._closing = True
        if self._task is not None:
            await cancel_and_wait([self._task], kick=self._wake.set)
        await self._disconnect()
        self._pool.shutdown(wait=False, cancel_futures=True)
        if not self.JOIN_ON_CLOSE:
            return
        for _ in range(200):  # in-flight calls end at the latest with the client timeout
            if not any(t.is_alive() for t in list(getattr(self._pool, "_threads", ()))):
                break
            await asyncio.sleep(0.05)

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a blocking SDK call in this watcher's pool, bounded by the client timeout (an
        engine refusing the API version is asked its own, once, and the call made again)."""
        try:
            return await self._in_pool(lambda: fn(*args, **kwargs))
        except Exception as exc:
            api = self._api
            if api is None or not version_refused(exc):
                raise
        await self._in_pool(lambda: self._negotiate(api))
        return await self._in_pool(lambda: fn(*args, **kwargs))

    async def _in_pool(self, call: Callable[[], Any]) -> Any:
        self.api_calls += 1
        future = asyncio.get_running_loop().run_in_executor(self._pool, call)
        return await asyncio.wait_for(future, self.timeout + 2)

    def _negotiate(self, api: Any) -> None:
        """Ask the engine its API version and use it from now on (also after reconnects)."""
        self.api_version = api._version = api._retrieve_server_version()

    @property
    def api(self) -> Any:
        if self._api is None:
            raise self._down()
        return self._api

    # -- connection -----------------------------------------------------------------------------
    async def _run(self) -> None:
        first, ceiling = self.backoff
        # retry at least once per reconcile interval: an engine that is back is seen (and its
        # rows re-read in full) within one interval, however long it was away
        ceiling = max(first, min(ceiling, self.interval))
        backoff = first
        while not self._closing:
            try:
                await self._connect()
                await self._opened(int(utcnow().timestamp()) - 1)
                backoff = first
                await self._serve()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._set_status(False, reason(exc, self.REASON_LIMIT))
            finally:
                await self._disconnect()
            if self._closing:
                break
            self.reconnects += 1
            await asyncio.sleep(backoff * random.uniform(0.8, 1.2))
            backoff = min(backoff * 2, ceiling)

    async def _connect(self) -> None:
        import docker  # deferred: heavy import, only when a panel needs it

        url = None
        if self.base_url is not None:
            pending = self.base_url()
            url = await (pending if self.URL_DEADLINE is None
                         else asyncio.wait_for(pending, self.timeout * self.URL_DEADLINE))
        timeout = self.timeout

        def make() -> Any:
            # no version round trip per connect (the SDK's "auto" asks on a socket of its
            # own, closed right after: one more SSH channel and round trip per host); the
            # first call proves the engine answers (no separate ping)
            where = {"base_url": url} if url else docker.utils.kwargs_from_env()
            api = docker.APIClient(timeout=timeout, version=self.api_version, **where)
            try:
                share_pool(api, timeout)
                try:
                    self._check(api)
                except Exception as exc:
                    if not version_refused(exc):
                        raise
                    self._negotiate(api)
                    self._check(api)
            except Exception:
                api.close()
                raise
            return api

        self._api = await asyncio.wait_for(
            asyncio.get_running_loop().run_in_executor(self._pool, make), timeout * 2 + 2)

    async def _disconnect(self) -> None:
        stream, api, thread = self._stream, self._api, self._events_thread
        self._stream = self._api = self._events_thread = None
        if stream is not None:
            stream()
        if api is not None:
            with contextlib.suppress(Exception):
                api.close()
        if thread is not None:
            for _ in range(100):
                if not thread.is_alive():
                    break
                await asyncio.sleep(0.02)

    async def _wait(self, until: float) -> None:
        """Until woken (an event, `refresh`) or the loop time `until`; raise when the events
        stream ended (the engine went away)."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.0, until - loop.time()))
        self._wake.clear()
        if self._events_ended is not None:
            raise EngineDown(self._events_ended)

    # -- events ---------------------------------------------------------------------------------
    def _start_events(self, since: int, filters: dict[str, Any]) -> None:
        """Read the events stream in one thread; it only hands events to `_on_event`."""
        api, loop = self.api, asyncio.get_running_loop()
        self._events_ended = None
        self.api_calls += 1
        guard = threading.Lock()
        holder: dict[str, Any] = {}

        def mark(event: dict[str, Any] | None, ended: str | None) -> None:
            if holder.get("cancelled"):
                return
            if ended is not None:
                self._events_ended = ended
            if self._on_event(event):
                self._wake.set()

        def pump() -> None:
            ended = "events stream ended"
            try:
                stream = api.events(decode=True, since=since, filters=filters)
                with guard:
                    if holder.get("cancelled"):
                        stream.close()
                        return
                    holder["stream"] = stream
                for event in stream:
                    if self._wanted(event):
                        loop.call_soon_threadsafe(mark, event, None)
            except Exception as exc:
                ended = reason(exc, self.REASON_LIMIT)
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(mark, None, ended)

        def cancel() -> None:
            with guard:
                holder["cancelled"] = True
                stream = holder.pop("stream", None)
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()

        thread = threading.Thread(target=pump, name=f"{self.KIND}-events-{self.host}",
                                  daemon=True)
        self._stream = cancel
        self._events_thread = thread
        thread.start()

    # -- status -----------------------------------------------------------------------------------
    def _set_status(self, reachable: bool, error: str | None) -> None:
        old = self.status
        since = old.since if old.reachable == reachable else utcnow()
        self.status = EngineStatus(self.host, reachable, since, error, self.api_calls,
                                   self.reconnects, self.answered)
        self.on_change()  # every attempt refreshes "unreachable since" (and the heartbeat)

    def snapshot_status(self) -> EngineStatus:
        s = self.status
        return EngineStatus(s.host, s.reachable, s.since, s.error, self.api_calls, self.reconnects,
                            self.answered)


W = TypeVar("W", bound=EngineSession)
S = TypeVar("S")


class EngineProbe(Generic[W, S]):
    """One watcher per configured host; publishes their merged snapshot (`snapshot()`) at most
    every `min_interval` seconds (bursts of changes merge into one)."""

    NOUN = "host"

    def __init__(self, hosts: tuple[str, ...] | list[str],
                 make: Callable[[str, Callable[[], None], BaseUrl | None], W],
                 on_snapshot: Callable[[S], None], ssh_pool: Any = None,
                 min_interval: float = 0.25) -> None:
        self.on_snapshot, self.min_interval = on_snapshot, min_interval
        self.watchers: dict[str, W] = {}
        for host in hosts:
            base_url = None
            if host != "local":
                if ssh_pool is None:
                    raise ValueError(f"{self.NOUN} {host!r} needs an SSH pool")
                base_url = _forwarder(ssh_pool, host)
            self.watchers[host] = make(host, self._changed, base_url)
        self._pending: asyncio.TimerHandle | None = None
        self._last_publish = 0.0
        self.last: S | None = None

    def start(self) -> None:
        for watcher in self.watchers.values():
            watcher.start()

    async def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        await asyncio.gather(*(w.close() for w in self.watchers.values()))

    def snapshot(self) -> S:
        raise NotImplementedError

    def _changed(self) -> None:
        """Coalesce bursts: publish now, or once at the end of the current window."""
        if self._pending is not None:
            return
        loop = asyncio.get_running_loop()
        wait = self._last_publish + self.min_interval - loop.time()
        if wait <= 0:
            self._publish()
        else:
            self._pending = loop.call_later(wait, self._publish)

    def _publish(self) -> None:
        self._pending = None
        self._last_publish = asyncio.get_running_loop().time()
        self.last = self.snapshot()
        self.on_snapshot(self.last)


def _forwarder(pool: Any, host: str) -> BaseUrl:
    async def base_url() -> str:
        return f"unix://{await pool.forward_docker(host)}"

    return base_url


def share_pool(api: Any, timeout: float) -> None:
    """One pool of at most `POOLS` sockets per unix-socket engine, shared by every URL. The
    SDK keys its pools by the full URL — one per container's inspect or stats URL — keeping
    the last few: over a forwarded remote engine an inspect of another container opened a new
    socket (a new SSH channel, a new connection to the remote docker socket) and closed an
    old one. docker-py 7.1 also ignores `num_pools` for unix sockets. The adapter is replaced
    with one whose URLs share a single pool (its base URL is unused: it talks to the path)."""
    from docker.transport import UnixHTTPAdapter

    class SharedPoolAdapter(UnixHTTPAdapter):  # type: ignore[misc]
        def get_connection(self, url: Any, proxies: Any = None) -> Any:
            return super().get_connection("http+docker://localhost", proxies)

    old = api.adapters.get("http+docker://")
    if not isinstance(old, UnixHTTPAdapter):
        return
    new = SharedPoolAdapter(f"http+unix://{old.socket_path}", timeout, pool_connections=1,
                            max_pool_size=POOLS)
    api.mount("http+docker://", new)
    api._custom_adapter = new
    old.close()
