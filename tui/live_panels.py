"""Wiring of the containers and logs panels into the app (kept out of tui/app.py).

The app calls, each in one line: `LivePanels(app)` in `__init__`, `yield from
live.compose()` where the panels go, `live.start()` in `on_mount`, `live.flush(now)` in its
render pass and `await live.close()` in `on_unmount`. Panels only appear when configured.
Container actions go through the app: refused in read-only mode (the panel checks too),
audited to the active journal (the open incident's, else the standing audit journal).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from textual.widget import Widget

from tui.core.container_events import ContainerWatch
from tui.core.docker_model import STORE_KIND
from tui.core.logline import LogLine
from tui.core.model import utcnow
from widgets.containers import ContainersPanel
from widgets.logs import LogsPanel

KIND = STORE_KIND


class LivePanels:
    """Owns the containers probe and the logs hub of one app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.config = app.config
        self.containers = self.config.containers
        self.logs = self.config.logs if self.config.logs and self.config.logs.sources else None
        self.probe: Any = None
        self.hub: Any = None
        self._own_pool: Any = None
        self._journaled: Any = None  # the snapshot the timeline last compared against
        self._watch = ContainerWatch()

    def compose(self) -> Iterator[Widget]:
        if self.containers is not None:
            yield ContainersPanel(act=self.act, actions=self.containers.actions)
        if self.logs is not None:
            capacity = sum(self.logs.buffer_for(s) for s in self.logs.sources)
            yield LogsPanel(capacity=capacity, max_line=self.logs.max_line, save=self.save)

    def _pool(self) -> Any:
        pool = getattr(self.app, "ssh", None) or getattr(self.app, "ssh_pool", None)
        if pool is None:
            from probes.ssh import SshPool

            pool = self._own_pool = SshPool(self.config.hosts, resolve=self.config.path)
            self.app.ssh_pool = pool
        return pool

    def _needs_ssh(self) -> bool:
        hosts = set(self.containers.hosts if self.containers else ())
        hosts |= {s.host for s in self.logs.sources} if self.logs else set()
        return bool(hosts - {"local"})

    def start(self) -> None:
        from probes.docker_probe import ContainersProbe
        from probes.logs import LogHub

        pool = self._pool() if self._needs_ssh() else None
        if self.containers is not None:
            stale = self.containers.stale_seconds()
            store = self.app.store
            self.probe = ContainersProbe(
                self.containers, lambda snap: store.put(KIND, snap, stale), ssh_pool=pool)
            self.probe.start()
        if self.logs is not None:
            self.hub = LogHub(self.logs, self._lines, ssh_pool=pool)
            self.hub.start()

    async def close(self) -> None:
        for part in (self.probe, self.hub):
            if part is not None:
                with contextlib.suppress(Exception):
                    await part.close()
        if self._own_pool is not None:
            with contextlib.suppress(Exception):
                await self._own_pool.close_all()

    def flush(self, now: dt.datetime | None = None) -> None:
        """Render the latest containers snapshot (call inside the app's batch_update)."""
        if self.containers is None:
            return
        store = self.app.store
        snap = store.snapshots.get(KIND)
        now = now or utcnow()
        if snap is not None and snap.value is not self._journaled:
            self._journal_changes(snap.value)
        for panel in self.app.panels(ContainersPanel):
            panel.show(snap.value if snap else None, now, stale=bool(snap) and
                       store.snapshot_is_stale(KIND, now))

    def _journal_changes(self, snapshot: Any) -> None:
        """Restarts, exits, health changes and lost engines become timeline entries."""
        changes = self._watch.changes(snapshot)  # candidates: the journal decides
        self._journaled = snapshot
        writer = getattr(self.app, "incident_writer", None)
        live = getattr(self.app, "incident_live", None)
        if writer is None or live is None:
            return
        for data in changes:
            writer.put(partial(live.record_container, data, snapshot.at))

    def _lines(self, batch: list[LogLine]) -> None:
        for panel in self.app.panels(LogsPanel):
            panel.dropped = self.hub.dropped if self.hub else 0
            panel.add_lines(batch)

    # -- actions ----------------------------------------------------------------------------
    async def act(self, host: str, name: str, action: str) -> str:
        if getattr(self.app, "read_only", False):
            raise PermissionError("read-only mode: container actions are disabled")
        operator = getattr(self.app, "operator", None)
        if operator is not None and not operator.armed:
            raise PermissionError("view mode: arm operator mode first")
        if self.probe is None:
            raise RuntimeError("no containers probe")
        started = time.monotonic()
        # write-ahead: the attempt is on disk before Docker is asked to do anything
        await asyncio.to_thread(self._audit, host, name, action, "started", None, 0.0)
        outcome, reason = "ok", None
        try:
            message = await self.probe.act(host, name, action)  # type: ignore[arg-type]
        except Exception as exc:
            outcome, reason, message = "failed", str(exc), str(exc)
        await asyncio.to_thread(self._audit, host, name, action, outcome, reason,
                                time.monotonic() - started)
        if outcome != "ok":
            raise RuntimeError(message)
        return message

    def _audit(self, host: str, name: str, action: str, outcome: str, reason: str | None,
               duration: float) -> None:
        try:
            from tui.core.incident.files import active_journal
        except ImportError:
            return
        data = {"action": f"container-{action}", "where": host, "outcome": outcome,
                "argv": ["docker", action, name], "duration": round(duration, 2)}
        if reason:
            data["reason"] = reason
        with contextlib.suppress(Exception):
            active_journal(self.config).append("action", data,
                                               author=getattr(self.app, "author", None))

    async def save(self, lines: list[LogLine]) -> str:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        folder = base / "warroom" / "logs"
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        path = folder / f"logs-{stamp}.log"

        def write() -> int:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            return self.hub.save(path, lines) if self.hub else 0

        count = await asyncio.to_thread(write)
        return f"saved {count} lines to {path}"
