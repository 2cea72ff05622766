"""The container panel's probe: one `EngineWatcher` per configured host, merged snapshots.

Usage (the app):

    probe = ContainersProbe(config.containers, on_snapshot=..., ssh_pool=pool)
    probe.start()                       # inside the running event loop
    await probe.act("local", "app-blue-web", "restart")
    await probe.close()

`on_snapshot(ContainersSnapshot)` is called at most every `min_interval` seconds (bursts of
events merge into one snapshot); store it with `store.put("containers", snap, stale_after)`.
Remote hosts go through the shared SSH pool (`SshPool.forward_docker`), one connection each.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Literal

from tui.core.config.containers import ContainersConfig
from tui.core.container_detail import TAIL_LINES, ContainerDetail, from_inspect
from tui.core.docker_model import ContainerRow, ContainersSnapshot, parse_time
from tui.core.model import utcnow
from tui.core.sanitize import clean_keep_sgr, decode, one_line

from .docker_engine import EngineWatcher
from .docker_session import EngineProbe

Action = Literal["restart", "stop", "start"]
ACTIONS: tuple[Action, ...] = ("restart", "stop", "start")


class ActionError(Exception):
    """A container action could not be done (message fit for the user)."""


class ContainersProbe(EngineProbe[EngineWatcher, ContainersSnapshot]):
    """Watches the configured hosts; publishes merged `ContainersSnapshot`s."""

    def __init__(
        self, config: ContainersConfig, on_snapshot: Callable[[ContainersSnapshot], None],
        ssh_pool: Any = None, min_interval: float = 0.25,
    ) -> None:
        self.config = config
        super().__init__(config.hosts, lambda host, changed, url: EngineWatcher(
            host, config, changed, url), on_snapshot, ssh_pool, min_interval)

    def start(self) -> None:
        super().start()
        self._publish()

    def refresh(self) -> None:
        """Every host re-reads its containers now, each on its own (none waits for another)."""
        for watcher in self.watchers.values():
            watcher.refresh()

    @property
    def api_calls(self) -> int:
        return sum(w.api_calls for w in self.watchers.values())

    # -- snapshots ------------------------------------------------------------------------
    def snapshot(self) -> ContainersSnapshot:
        rows = [row for w in self.watchers.values() for row in w.rows.values()]
        rows.sort(key=_order)
        engines = tuple(w.snapshot_status() for w in self.watchers.values())
        return ContainersSnapshot(tuple(rows), engines, utcnow())

    # -- actions --------------------------------------------------------------------------
    async def act(self, host: str, name: str, action: Action, timeout: int = 10) -> str:
        """Restart, stop or start the watched container `name` on `host`; returns a summary."""
        if action not in ACTIONS:
            raise ActionError(f"unknown action {action!r}")
        watcher = self.watchers.get(host)
        if watcher is None:
            raise ActionError(f"host {host!r} is not watched")
        cid = watcher.find(name)
        if cid is None:
            raise ActionError(f"{host}: no watched container named {name!r}")
        if not watcher.status.reachable:
            raise ActionError(watcher.status.describe())
        api = watcher.api
        fn = {"restart": api.restart, "stop": api.stop, "start": api.start}[action]
        kwargs = {} if action == "start" else {"timeout": timeout}
        try:
            # stop/restart wait up to `timeout` for the container before killing it
            loop = asyncio.get_running_loop()
            watcher.api_calls += 1
            await asyncio.wait_for(
                loop.run_in_executor(None, lambda: fn(cid, **kwargs)),
                timeout + watcher.config.timeout + 5,
            )
        except Exception as exc:
            raise ActionError(f"{host}: {action} {name} failed: {exc}") from None
        with contextlib.suppress(Exception):
            await watcher._refresh(cid)
            self._changed()
        return f"{host}: {action} {name} done"


    # -- drill-down (on demand, off the event loop) -------------------------------------
    def _watcher_for(self, host: str, name: str) -> tuple[EngineWatcher, str]:
        watcher = self.watchers.get(host)
        if watcher is None:
            raise ActionError(f"host {host!r} is not watched")
        if not watcher.status.reachable:
            raise ActionError(watcher.status.describe())
        return watcher, watcher.find(name) or name

    async def inspect(self, host: str, name: str) -> ContainerDetail:
        """`docker inspect` of `name` on `host` (and of its image, for its date), bounded and
        sanitized into a `ContainerDetail` (environment: names only)."""
        watcher, cid = self._watcher_for(host, name)
        try:
            info = await watcher.call(watcher.api.inspect_container, cid)
        except Exception as exc:
            raise ActionError(f"{host}: inspect {name} failed: {_short(exc)}") from None
        image = None
        with contextlib.suppress(Exception):  # the image's date only: the rest stands
            image = await watcher.call(watcher.api.inspect_image, info.get("Image") or "")
        return from_inspect(host, info, image)

    async def tail(self, host: str, name: str, lines: int = TAIL_LINES,
                   max_bytes: int = 1 << 20) -> list[tuple[float, str]]:
        """The last `lines` log lines of `name` (stdout and stderr), each (timestamp,
        sanitized text); at most `max_bytes` of the engine's answer are read."""
        watcher, cid = self._watcher_for(host, name)
        try:
            raw = await watcher.call(watcher.api.logs, cid, stdout=True, stderr=True,
                                     timestamps=True, tail=lines, stream=False)
        except Exception as exc:
            raise ActionError(f"{host}: logs of {name} failed: {_short(exc)}") from None
        out = []
        for line in decode(bytes(raw)[-max_bytes:]).splitlines()[-lines:]:
            stamp, _, text = line.partition(" ")
            when = parse_time(stamp)
            out.append((when.timestamp() if when else 0.0, clean_keep_sgr(text)))
        return out


def _short(exc: BaseException) -> str:
    return one_line(str(exc) or type(exc).__name__)[:200]


def _order(row: ContainerRow) -> tuple[str, str, str]:
    """Group rows by logical service with blue and green side by side."""
    base = row.name
    if row.color:
        base = base.replace(row.color, "*")
    return (base, row.color or "", row.host)

