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
import datetime as dt
from collections.abc import Callable
from typing import Any

from tui.core.config.containers import ContainersConfig
from tui.core.docker_model import ContainerRow, matches, parse_time, row_from_listing
from tui.core.model import utcnow
from tui.core.sanitize import one_line

from .docker_session import MAX_BACKOFF, BaseUrl, EngineDown, EngineSession

__all__ = ["MAX_BACKOFF", "BaseUrl", "EngineDown", "EngineWatcher"]

EVENTS = ["create", "start", "restart", "die", "stop", "kill", "destroy", "pause", "unpause",
          "rename", "health_status", "oom", "update"]


class EngineWatcher(EngineSession):
    """Keeps `rows` (by container id) and `status` current for one host; never raises."""

    def __init__(
        self, host: str, config: ContainersConfig, on_change: Callable[[], None],
        base_url: BaseUrl | None = None, backoff: tuple[float, float] = (1.0, MAX_BACKOFF),
    ) -> None:
        super().__init__(host, config.timeout, on_change, base_url, backoff)
        self.config = config
        self.rows: dict[str, ContainerRow] = {}
        self._dirty: set[str] = set()
        self._ignored: set[str] = set()
        self._cpu_prev: dict[str, tuple[int, int]] = {}
        self._stats_cursor = 0
        self._reread = False
        self.reread_at: dt.datetime | None = None
        """When the last `refresh()` had every watched container read again."""

    @property
    def interval(self) -> float:
        return self.config.reconcile_interval

    def refresh(self) -> None:
        """Re-read every watched container now (when connected; a host being reconnected
        reads them in full anyway)."""
        self._reread = True
        self._wake.set()

    async def _opened(self, since: int) -> None:
        """List (new containers become `listed` rows, shown at once), follow the events, say
        reachable, then inspect every watched container — the rows fill in as answers come."""
        self._ignored.clear()  # what is watched may have changed while away
        pending = await self._list(full=True)
        self._start_events(since, {"type": "container", "event": EVENTS})
        self._set_status(True, None)
        await self._inspect(pending)

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        next_reconcile = loop.time() + self.config.reconcile_interval
        next_stats = loop.time() + (0.5 if self.config.stats else 1e12)
        while not self._closing:
            await self._wait(min(next_reconcile, next_stats))
            if self._dirty:
                await self._flush_dirty()
            if self._reread:  # `refresh()`: every watched container read again now
                self._reread = False
                await self._reconcile(full=True)
                self.reread_at = utcnow()
                next_reconcile = loop.time() + self.config.reconcile_interval
            if loop.time() >= next_reconcile:
                await self._reconcile()
                next_reconcile = loop.time() + self.config.reconcile_interval
            if loop.time() >= next_stats:
                await self._stats_round()
                next_stats = loop.time() + self.config.stats_interval

    async def _flush_dirty(self) -> None:
        """Inspect the containers events named (a burst coalesces for 50 ms first)."""
        await asyncio.sleep(0.05)
        dirty, self._dirty = self._dirty, set()
        for cid in dirty:
            await self._refresh(cid)
        self.on_change()

    def _on_event(self, event: dict[str, Any] | None) -> bool:
        """Mark the event's container dirty (the loop inspects it), unless it is one this
        panel does not watch (no inspect)."""
        if event is None:
            return True
        cid = event.get("id") or (event.get("Actor") or {}).get("ID")
        if cid:
            if cid in self._ignored and (event.get("Action") or "") not in ("rename", "destroy"):
                return False
            self._ignored.discard(cid)
            self._dirty.add(cid)
        return True

    # -- reading state --------------------------------------------------------------------
    async def _reconcile(self, full: bool = False) -> None:
        """List every container; inspect the watched ones whose row differs from the listing
        (state or health), and every one when `full` (after a (re)connect, on `refresh`)."""
        await self._inspect(await self._list(full))

    async def _list(self, full: bool) -> list[str]:
        """One listing: gone containers are dropped, new ones shown as `listed` rows (from
        the listing itself); returns the ids to inspect (new, changed, or all when `full`)."""
        listed = await self.call(self.api.containers, all=self.config.include_stopped,
                                 filters=self.config.engine_filters() or None)
        seen: set[str] = set()
        pending: list[str] = []
        for item in listed:
            name = (item.get("Names") or ["/?"])[0].lstrip("/")
            labels = item.get("Labels") or {}
            if not self.config.selects(name, labels):
                continue
            cid = item.get("Id")
            if not cid:
                continue
            seen.add(cid)
            row = self.rows.get(cid)
            if row is None or not matches(row, item):  # shown as listed until inspected
                self.rows[cid] = row_from_listing(self.host, item,
                                                  self.config.color_of(name, labels), row)
            if full or row is None or row.listed or not matches(row, item):
                pending.append(cid)
        for cid in set(self.rows) - seen:
            self._forget(cid)
        self.answered = utcnow()
        self.on_change()  # also a heartbeat: the rows were confirmed just now
        return pending

    async def _inspect(self, cids: list[str]) -> None:
        for cid in cids:
            await self._refresh(cid)
        if cids:
            self.on_change()

    @property
    def complete(self) -> bool:
        """Every row inspected (none is only `listed`)."""
        return not any(row.listed for row in self.rows.values())

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
        from docker.utils import version_lt

        running = sorted(cid for cid, row in self.rows.items() if row.state == "running")
        if not running:
            return
        # one_shot (no second sample: ~1 s less per container) needs API 1.41
        one_shot = {} if version_lt(self.api_version, "1.41") else {"one_shot": True}
        count = min(self.config.stats_per_round, len(running))
        start = self._stats_cursor % len(running)
        picked = (running + running)[start:start + count]
        for done, cid in enumerate(picked):
            self._stats_cursor = start + done
            if self._reread:
                break  # a refresh goes first; the next round resumes here
            if self._dirty:
                await self._flush_dirty()  # an event's container is read before more stats
            try:
                stats = await self.call(self.api.stats, cid, stream=False, **one_shot)
            except (docker.errors.APIError, ValueError):
                # gone or going (a container being removed answers an empty body, which the
                # SDK fails to decode): an answer about one container, not an engine fault
                continue
            self._apply_stats(cid, stats)
        else:
            self._stats_cursor = start + len(picked)
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

    def find(self, name: str) -> str | None:
        """The full-ish id of the watched container called `name` (None if unknown)."""
        return next((cid for cid, row in self.rows.items() if row.name == name), None)


def _replace(row: ContainerRow, **changes: Any) -> ContainerRow:
    import dataclasses

    return dataclasses.replace(row, **changes)
