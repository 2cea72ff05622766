"""Watch the containers of ONE Docker engine: events + periodic reconcile + sampled stats.

Blocking Docker SDK calls run in this watcher's own small thread pool, each with the client
timeout; the events stream is read by one thread per connection that only marks containers
dirty (the asyncio side inspects them). When the engine stops answering, the rows are kept
(the snapshot marks the host unreachable since when) and the watcher reconnects with backoff.
Every (re)connect re-reads every watched container in full and re-subscribes to events; each
periodic reconcile compares the engine's listing with the rows themselves, so whatever was
missed while the engine was away (or events were lost) is corrected within one reconcile.
`close()` ends every thread and closes every socket it opened (tested by counting both).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tui.core.config.containers import ContainersConfig
from tui.core.docker_model import CONNECTING, ContainerRow, EngineStatus, matches, parse_time
from tui.core.model import utcnow
from tui.core.sanitize import one_line
from tui.core.tasks import cancel_and_wait

BaseUrl = Callable[[], Awaitable[str | None]]
"""Returns the engine URL to use (None: DOCKER_HOST / the default socket)."""

EVENTS = ["create", "start", "restart", "die", "stop", "kill", "destroy", "pause", "unpause",
          "rename", "health_status", "oom", "update"]
MAX_BACKOFF = 30.0
POOLS = 4
"""Idle sockets kept per engine client (one pool shared by every URL)."""


class EngineDown(Exception):
    """The engine stopped answering (or the events stream ended)."""


def _reason(exc: BaseException) -> str:
    text = one_line(str(exc) or type(exc).__name__)
    if "Connection refused" in text or "No such file" in text or "FileNotFoundError" in text:
        return "connection refused"
    if "timed out" in text.lower() or isinstance(exc, TimeoutError):
        return "timed out"
    return text[:120]


class EngineWatcher:
    """Keeps `rows` (by container id) and `status` current for one host; never raises."""

    def __init__(
        self, host: str, config: ContainersConfig, on_change: Callable[[], None],
        base_url: BaseUrl | None = None, backoff: tuple[float, float] = (1.0, MAX_BACKOFF),
    ) -> None:
        self.host = host
        self.config = config
        self.on_change = on_change
        self.base_url = base_url
        self.backoff = backoff
        self.rows: dict[str, ContainerRow] = {}
        self.status = EngineStatus(host, False, utcnow(), CONNECTING)
        self.api_calls = 0
        self.reconnects = 0
        self.answered: dt.datetime | None = None
        """When the engine last answered a full listing (the panel shows its age)."""
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"docker-{host}")
        self._api: Any = None
        self._stream: Any = None
        self._events_thread: threading.Thread | None = None
        self._dirty: set[str] = set()
        self._ignored: set[str] = set()
        self._wake = asyncio.Event()
        self._events_ended: str | None = None
        self._cpu_prev: dict[str, tuple[int, int]] = {}
        self._stats_cursor = 0
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._reread = False
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name=f"docker-watch-{self.host}")

    async def close(self) -> None:
        """Stop watching: cancel the loop, close sockets, end every thread."""
        self._closing = True
        if self._task is not None:
            await cancel_and_wait([self._task], kick=self._wake.set)
        await self._disconnect()
        self._pool.shutdown(wait=False, cancel_futures=True)
        for _ in range(200):  # in-flight calls end at the latest with the client timeout
            if not any(t.is_alive() for t in list(getattr(self._pool, "_threads", ()))):
                break
            await asyncio.sleep(0.05)

    def refresh(self) -> None:
        """Re-read every watched container now (when connected; a host being reconnected
        reads them in full anyway)."""
        self._reread = True
        self._wake.set()

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a blocking SDK call in this watcher's pool, bounded by the client timeout."""
        loop = asyncio.get_running_loop()
        self.api_calls += 1
        future = loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))
        return await asyncio.wait_for(future, self.config.timeout + 2)

    @property
    def api(self) -> Any:
        if self._api is None:
            raise EngineDown(self.status.error or "not connected")
        return self._api

    # -- main loop ------------------------------------------------------------------------
    async def _run(self) -> None:
        first, ceiling = self.backoff
        # retry at least once per reconcile interval: an engine that is back is seen (and its
        # rows re-read in full) within one interval, however long it was away
        ceiling = max(first, min(ceiling, self.config.reconcile_interval))
        backoff = first
        while not self._closing:
            try:
                await self._connect()
                since = int(utcnow().timestamp()) - 1
                self._ignored.clear()  # what is watched may have changed while away
                await self._reconcile(full=True)
                self._start_events(since)
                self._set_status(True, None)
                backoff = first
                await self._serve()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._set_status(False, _reason(exc))
            finally:
                await self._disconnect()
            if self._closing:
                break
            self.reconnects += 1
            await asyncio.sleep(backoff * random.uniform(0.8, 1.2))
            backoff = min(backoff * 2, ceiling)

    async def _connect(self) -> None:
        import docker  # deferred: heavy import, only when a panel needs it

        url = await self.base_url() if self.base_url else None
        timeout = self.config.timeout

        def make() -> Any:
            if url:
                api = docker.APIClient(base_url=url, timeout=timeout, version="auto")
            else:
                api = docker.APIClient(timeout=timeout, **docker.utils.kwargs_from_env())
            _bound_pools(api, timeout)
            try:
                api.ping()
            except Exception:
                api.close()
                raise
            return api

        self.api_calls += 2  # version + ping
        self._api = await asyncio.wait_for(
            asyncio.get_running_loop().run_in_executor(self._pool, make), timeout * 2 + 2
        )

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

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        next_reconcile = loop.time() + self.config.reconcile_interval
        next_stats = loop.time() + (0.5 if self.config.stats else 1e12)
        while not self._closing:
            timeout = max(0.0, min(next_reconcile, next_stats) - loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            if self._events_ended is not None:
                raise EngineDown(self._events_ended)
            if self._dirty:
                await asyncio.sleep(0.05)  # let a burst of events coalesce
                dirty, self._dirty = self._dirty, set()
                for cid in dirty:
                    await self._refresh(cid)
                self.on_change()
            if self._reread:  # `refresh()`: every watched container read again now
                self._reread = False
                await self._reconcile(full=True)
                next_reconcile = loop.time() + self.config.reconcile_interval
            if loop.time() >= next_reconcile:
                await self._reconcile()
                next_reconcile = loop.time() + self.config.reconcile_interval
            if loop.time() >= next_stats:
                await self._stats_round()
                next_stats = loop.time() + self.config.stats_interval

    # -- events ---------------------------------------------------------------------------
    def _start_events(self, since: int) -> None:
        """Read the events stream in one thread; it only marks containers dirty."""
        api, loop = self.api, self._loop
        assert loop is not None
        self._events_ended = None
        self.api_calls += 1
        guard = threading.Lock()
        holder: dict[str, Any] = {}

        def mark(cid: str | None, ended: str | None, action: str = "") -> None:
            if holder.get("cancelled"):
                return
            if ended is not None:
                self._events_ended = ended
            elif cid:
                if cid in self._ignored and action not in ("rename", "destroy"):
                    return  # a container this panel does not watch: no inspect
                self._ignored.discard(cid)
                self._dirty.add(cid)
            self._wake.set()

        def pump() -> None:
            ended = "events stream ended"
            try:
                stream = api.events(decode=True, since=since,
                                    filters={"type": "container", "event": EVENTS})
                with guard:
                    if holder.get("cancelled"):
                        stream.close()
                        return
                    holder["stream"] = stream
                for event in stream:
                    cid = event.get("id") or (event.get("Actor") or {}).get("ID")
                    loop.call_soon_threadsafe(mark, cid, None, event.get("Action") or "")
            except Exception as exc:
                ended = _reason(exc)
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(mark, None, ended)

        def cancel() -> None:
            with guard:
                holder["cancelled"] = True
                stream = holder.pop("stream", None)
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()

        thread = threading.Thread(target=pump, name=f"docker-events-{self.host}", daemon=True)
        self._stream = cancel
        self._events_thread = thread
        thread.start()

    # -- reading state --------------------------------------------------------------------
    async def _reconcile(self, full: bool = False) -> None:
        """List every container; inspect the watched ones whose row differs from the listing
        (state or health), and every one when `full` (after a (re)connect)."""
        listed = await self.call(self.api.containers, all=self.config.include_stopped)
        seen: set[str] = set()
        for item in listed:
            name = (item.get("Names") or ["/?"])[0].lstrip("/")
            labels = item.get("Labels") or {}
            if not self.config.selects(name, labels):
                continue
            cid = item["Id"]
            seen.add(cid)
            row = self.rows.get(cid)
            if full or row is None or not matches(row, item):
                await self._refresh(cid)
        for cid in set(self.rows) - seen:
            self._forget(cid)
        self.answered = utcnow()
        self.on_change()  # also a heartbeat: the rows were confirmed just now

    def _forget(self, cid: str) -> None:
        self.rows.pop(cid, None)
        self._cpu_prev.pop(cid, None)

    async def _refresh(self, cid: str) -> None:
        """Inspect one container into a row (or drop it when gone or no longer selected)."""
        import docker.errors

        try:
            info = await self.call(self.api.inspect_container, cid)
        except docker.errors.NotFound:
            self._forget(cid)
            return
        except (docker.errors.APIError, ValueError):
            return  # the daemon answered (it is up): keep the last row, retry on reconcile
        name = (info.get("Name") or "?").lstrip("/")
        labels = (info.get("Config") or {}).get("Labels") or {}
        if not self.config.selects(name, labels):
            self._forget(cid)
            self._ignored.add(cid)
            return
        state = info.get("State") or {}
        old = self.rows.get(cid)
        running = state.get("Status") == "running"
        self.rows[cid] = ContainerRow(
            host=self.host,
            id=cid[:12],
            name=one_line(name),
            color=(c := self.config.color_of(name, labels)) and one_line(c),
            state=one_line(state.get("Status") or "unknown"),
            health=(h := (state.get("Health") or {}).get("Status")) and one_line(h),
            restart_count=int(info.get("RestartCount") or 0),
            started_at=parse_time(state.get("StartedAt")),
            image=one_line((info.get("Config") or {}).get("Image") or info.get("Image") or "?"),
            exit_code=None if running else state.get("ExitCode"),
            cpu_pct=old.cpu_pct if old and running else None,
            mem_bytes=old.mem_bytes if old and running else None,
            mem_limit=old.mem_limit if old and running else None,
        )

    async def _stats_round(self) -> None:
        """One-shot stats for at most `stats_per_round` running containers (round-robin)."""
        import docker.errors

        running = sorted(cid for cid, row in self.rows.items() if row.state == "running")
        if not running:
            return
        count = min(self.config.stats_per_round, len(running))
        start = self._stats_cursor % len(running)
        picked = (running + running)[start:start + count]
        self._stats_cursor = start + count
        for cid in picked:
            try:
                stats = await self.call(self.api.stats, cid, stream=False, one_shot=True)
            except (docker.errors.APIError, ValueError):
                # gone or going (a container being removed answers an empty body, which the
                # SDK fails to decode): an answer about one container, not an engine fault
                continue
            self._apply_stats(cid, stats)
        self.on_change()

    def _apply_stats(self, cid: str, stats: dict[str, Any]) -> None:
        row = self.rows.get(cid)
        if row is None:
            return
        cpu = stats.get("cpu_stats") or {}
        total = int((cpu.get("cpu_usage") or {}).get("total_usage") or 0)
        system = int(cpu.get("system_cpu_usage") or 0)
        cpus = int(cpu.get("online_cpus") or 1)
        pct = row.cpu_pct
        prev = self._cpu_prev.get(cid)
        if prev and system > prev[1] and total >= prev[0]:
            pct = (total - prev[0]) / (system - prev[1]) * cpus * 100.0
        self._cpu_prev[cid] = (total, system)
        mem = stats.get("memory_stats") or {}
        inner = mem.get("stats") or {}
        usage = mem.get("usage")
        if usage is not None:
            usage -= int(inner.get("inactive_file") or inner.get("total_inactive_file") or 0)
        limit = mem.get("limit")
        self.rows[cid] = _replace(row, cpu_pct=pct, mem_bytes=usage, mem_limit=limit)

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

    def find(self, name: str) -> str | None:
        """The full-ish id of the watched container called `name` (None if unknown)."""
        return next((cid for cid, row in self.rows.items() if row.name == name), None)


def _bound_pools(api: Any, timeout: float) -> None:
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


def _replace(row: ContainerRow, **changes: Any) -> ContainerRow:
    import dataclasses

    return dataclasses.replace(row, **changes)
