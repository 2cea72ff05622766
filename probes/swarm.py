"""Docker Swarm services: one watcher per manager, merged snapshots, and the service actions.

Per manager (the local engine, or a remote one's socket forwarded over the host's one pooled
SSH connection): a listing is three calls — services, every task (ONE call, not one per
service) and nodes (names) — made in this watcher's own threads, each bounded by the client
timeout. One events stream per manager (services and nodes, and the manager's own task
containers dying or starting) only marks the listing dirty; a burst is re-listed once
(debounced). A periodic reconcile re-lists every `interval` whatever the events said (a
remote worker's task failing raises no service event). No per-service polling.

When a manager stops answering its rows are kept, the snapshot marks it unreachable since
when (the core shows its services UNKNOWN) and the watcher reconnects with backoff; another
manager never waits for it. Every text from the engine is sanitized and bounded here.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import Callable
from typing import Any, Literal

from tui.core.config.swarm import SwarmConfig
from tui.core.docker_model import CONNECTING, parse_time
from tui.core.model import utcnow
from tui.core.sanitize import clean_keep_sgr, decode, one_line
from tui.core.swarm import (
    MAX_TASKS,
    SwarmService,
    SwarmSnapshot,
    SwarmTask,
    image_parts,
    node_names,
)
from tui.core.swarm_detail import TAIL_LINES, ServiceDetail, from_inspect

from .docker_session import MAX_BACKOFF, BaseUrl, EngineProbe, EngineSession, reason

Action = Literal["rollback", "restart", "scale"]
ACTIONS: tuple[Action, ...] = ("rollback", "restart", "scale")
DEBOUNCE = 0.3
MAX_SERVICES = 2000
CONTAINER_EVENTS = ("start", "die", "kill", "oom", "destroy", "health_status")
SETTLE = 10.0
"""After an event, re-list every second for this long while a task is on its way or an
update runs (the manager records task states after the container events)."""
TRANSITIONAL = ("new", "pending", "assigned", "accepted", "preparing", "ready", "starting")


class SwarmActionError(Exception):
    """A service action could not be done (message fit for the user)."""


def _text(value: Any, limit: int = 200) -> str:
    return one_line(str(value or ""))[:limit]


def build_services(host: str, config: SwarmConfig, services: list[dict[str, Any]],
                   tasks: list[dict[str, Any]], nodes: list[dict[str, Any]]
                   ) -> list[SwarmService]:
    """Rows from one manager's listing (pure: tested without an engine)."""
    names = node_names(nodes)
    by_service: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        by_service.setdefault(task.get("ServiceID") or "", []).append(task)
    rows = []
    for item in services[:MAX_SERVICES]:
        spec = item.get("Spec") or {}
        name = _text(spec.get("Name"), 120)
        if not config.selects(name, spec.get("Labels") or {}):
            continue
        own = by_service.get(item.get("ID") or "", [])
        mode_spec = spec.get("Mode") or {}
        running = sum(1 for t in own if (t.get("Status") or {}).get("State") == "running"
                      and t.get("DesiredState") == "running")
        if "Replicated" in mode_spec:
            mode, desired = "replicated", int((mode_spec["Replicated"] or {}).get("Replicas")
                                              or 0)
        elif "Global" in mode_spec:
            mode = "global"
            desired = len({t.get("NodeID") for t in own if t.get("DesiredState") == "running"})
        else:
            mode, desired = _text(next(iter(mode_spec), "?"), 20).lower(), 0
        status = item.get("ServiceStatus") or {}
        if mode == "global" and "DesiredTasks" in status:
            desired = int(status["DesiredTasks"] or 0)
        template = spec.get("TaskTemplate") or {}
        image, digest = image_parts(_text((template.get("ContainerSpec") or {}).get("Image"),
                                          300))
        previous = ((item.get("PreviousSpec") or {}).get("TaskTemplate") or {})
        prev_image = _text((previous.get("ContainerSpec") or {}).get("Image"), 300)
        update = item.get("UpdateStatus") or {}
        rows.append(SwarmService(
            host=host, id=_text(item.get("ID"), 64), name=name, mode=mode, running=running,
            desired=desired, image=image, digest=digest,
            update_state=_text(update.get("State"), 40),
            update_message=_text(update.get("Message"), 300),
            previous_image=prev_image, force_update=int(template.get("ForceUpdate") or 0),
            tasks=_not_running(own, mode, names),
        ))
    rows.sort(key=lambda r: r.name)
    return rows


def _not_running(tasks: list[dict[str, Any]], mode: str, nodes: dict[str, str]
                 ) -> tuple[SwarmTask, ...]:
    """The newest task of each slot (replicated) or node (global) when it is not running,
    newest first, at most MAX_TASKS. Older history (tasks already replaced) is not shown."""
    newest: dict[str, dict[str, Any]] = {}
    for task in tasks:
        slot = str(task.get("Slot") or "") if mode == "replicated" else task.get("NodeID") or ""
        when = (task.get("Status") or {}).get("Timestamp") or task.get("CreatedAt") or ""
        old = newest.get(slot)
        if old is None or when > ((old.get("Status") or {}).get("Timestamp") or ""):
            newest[slot] = task
    out = []
    for slot, task in newest.items():
        status = task.get("Status") or {}
        if status.get("State") == "running":
            continue
        error = status.get("Err") or ""
        if not error and status.get("State") in ("failed", "rejected"):
            error = status.get("Message") or ""
        node = nodes.get(task.get("NodeID"), _text(task.get("NodeID"), 12) or "-")
        out.append(SwarmTask(slot=_text(slot if mode == "replicated" else node, 64), node=node,
                             desired=_text(task.get("DesiredState"), 20),
                             state=_text(status.get("State"), 20), error=_text(error, 200),
                             at=parse_time(status.get("Timestamp"))))
    out.sort(key=lambda t: t.at.timestamp() if t.at else 0.0, reverse=True)
    return tuple(out[:MAX_TASKS])


class SwarmWatcher(EngineSession):
    """Keeps `rows` and `status` current for one manager; never raises."""

    KIND = "swarm"
    REASON_LIMIT = 160
    URL_DEADLINE = 3.0
    JOIN_ON_CLOSE = False

    def __init__(self, host: str, config: SwarmConfig, on_change: Callable[[], None],
                 base_url: BaseUrl | None = None) -> None:
        super().__init__(host, config.timeout, on_change, base_url, (1.0, MAX_BACKOFF))
        self.config = config
        self.rows: list[SwarmService] = []
        self.listings = 0
        self._dirty = False
        self._settling = False

    @property
    def interval(self) -> float:
        return self.config.interval

    def _down(self) -> Exception:
        return SwarmActionError(f"{self.host}: manager not connected ({self.status.error})")

    def _check(self, api: Any) -> None:
        swarm = (api.info().get("Swarm") or {})
        if not swarm.get("ControlAvailable"):
            state = swarm.get("LocalNodeState") or "?"
            raise RuntimeError(f"not a swarm manager (swarm state: {state})")

    async def _opened(self, since: int) -> None:
        self._start_events(since, {"type": ["service", "node", "container"]})
        self._set_status(True, None)
        await self.relist()

    async def relist(self) -> None:
        """One listing: services, all tasks, nodes (three calls)."""
        api = self.api
        services = await self.call(api.services, status=True)
        tasks = await self.call(api.tasks)
        nodes = await self.call(api.nodes)
        self.rows = build_services(self.host, self.config, services, tasks, nodes)
        self._settling = any((t.get("Status") or {}).get("State") in TRANSITIONAL
                             and t.get("DesiredState") in ("running", "shutdown")
                             for t in tasks) or any(r.update_state in ("updating",
                                                    "rollback_started") for r in self.rows)
        self.listings += 1
        self.on_change()

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        next_reconcile = loop.time() + self.config.interval
        settle_until = loop.time() + SETTLE
        while not self._closing:
            await self._wait(next_reconcile)
            if self._dirty or loop.time() >= next_reconcile:
                if self._dirty:
                    await asyncio.sleep(DEBOUNCE)  # a burst of events: one listing
                    settle_until = loop.time() + SETTLE
                self._dirty = False
                await self.relist()
                next_reconcile = loop.time() + self.config.interval
                if loop.time() < settle_until and self._settling:
                    # a task the event started is still on its way (the manager records
                    # "running" after the container's start event): look again soon
                    next_reconcile = min(next_reconcile, loop.time() + 1.0)

    def _wanted(self, event: dict[str, Any]) -> bool:
        """Services and nodes; containers only when they are a service's task."""
        if event.get("Type") != "container":
            return True
        attrs = (event.get("Actor") or {}).get("Attributes") or {}
        return ("com.docker.swarm.service.id" in attrs
                and event.get("Action") in CONTAINER_EVENTS)

    def _on_event(self, event: dict[str, Any] | None) -> bool:
        self._dirty = True  # re-listed (debounced) by `_serve`
        return True

    # -- the drill-down (on demand, on this watcher's connection) ----------------------------
    async def _service(self, name: str) -> dict[str, Any]:
        import docker.errors

        if not self.status.reachable:
            raise SwarmActionError(f"{self.host}: manager unreachable ({self.status.error})")
        try:
            return dict(await self.call(self.api.inspect_service, name))
        except docker.errors.NotFound:
            raise SwarmActionError(f"{self.host}: no service named {name!r}") from None
        except Exception as exc:
            raise SwarmActionError(f"{self.host}: inspect {name} failed: "
                                   f"{reason(exc, SwarmWatcher.REASON_LIMIT)}") from None

    async def inspect_service(self, name: str) -> ServiceDetail:
        """`docker service inspect` and the service's tasks (two calls, plus nodes)."""
        info = await self._service(name)
        api = self.api
        tasks = await self.call(api.tasks, filters={"service": info.get("ID") or name})
        nodes = await self.call(api.nodes)
        return from_inspect(self.host, info, tasks, nodes)

    async def service_tail(self, name: str, lines: int = TAIL_LINES,
                           max_bytes: int = 1 << 20) -> list[tuple[float, str]]:
        """The last `lines` lines of `docker service logs` (every task), each (timestamp,
        `name.slot text` sanitized); at most `max_bytes` of the answer are read."""
        info = await self._service(name)
        api = self.api
        tasks = await self.call(api.tasks, filters={"service": info.get("ID") or name})
        slots = {str(t.get("ID") or ""): _text(t.get("Slot") or (t.get("NodeID") or "")[:8],
                                               20) for t in tasks}
        short = _text((info.get("Spec") or {}).get("Name") or name, 120)
        tty = bool(((info.get("Spec") or {}).get("TaskTemplate") or {})
                   .get("ContainerSpec", {}).get("TTY"))

        def read() -> bytes:  # the SDK streams even without follow: read it, bounded
            chunks: list[bytes] = []
            size = 0
            for chunk in api.service_logs(info["ID"], details=True, stdout=True, stderr=True,
                                          timestamps=True, tail=lines, is_tty=tty):
                chunks.append(bytes(chunk))
                size += len(chunk)
                while size > max_bytes and len(chunks) > 1:
                    size -= len(chunks.pop(0))
            return b"".join(chunks)

        try:
            raw = await self.call(read)
        except Exception as exc:
            raise SwarmActionError(f"{self.host}: logs of {name} failed: "
                                   f"{reason(exc, SwarmWatcher.REASON_LIMIT)}") from None
        out = []
        for line in decode(raw[-max_bytes:]).splitlines()[-lines:]:
            stamp, _, rest = line.partition(" ")
            details, _, text = rest.partition(" ")
            if "=" not in details:
                text = rest
                task = ""
            else:
                task = next((d.partition("=")[2] for d in details.split(",")
                             if d.startswith("com.docker.swarm.task.id=")), "")
            when = parse_time(stamp)
            out.append((when.timestamp() if when else 0.0,
                        f"{short}.{slots.get(task, task[:8] or '?')} {clean_keep_sgr(text)}"))
        return out

    # -- actions ----------------------------------------------------------------------------
    async def act(self, name: str, action: Action, replicas: int | None = None) -> str:
        """Rollback to the previous spec, restart (bump ForceUpdate) or scale `name`."""
        import docker.errors

        if not self.status.reachable:
            raise SwarmActionError(f"{self.host}: manager unreachable ({self.status.error})")
        api = self.api
        try:
            info = await self.call(api.inspect_service, name)
        except docker.errors.NotFound:
            raise SwarmActionError(f"{self.host}: no service named {name!r}") from None
        spec = copy.deepcopy(info.get("Spec") or {})
        params: dict[str, Any] = {"version": int((info.get("Version") or {}).get("Index") or 0)}
        if action == "rollback":
            if not info.get("PreviousSpec"):
                raise SwarmActionError(f"{name} has no previous spec to roll back to")
            params["rollback"] = "previous"
            params["registryAuthFrom"] = "previous-spec"
            done = "rollback to the previous spec started"
        elif action == "restart":
            template = spec.setdefault("TaskTemplate", {})
            template["ForceUpdate"] = int(template.get("ForceUpdate") or 0) + 1
            done = f"restart started (ForceUpdate {template['ForceUpdate']})"
        elif action == "scale":
            if "Replicated" not in (spec.get("Mode") or {}):
                raise SwarmActionError(f"{name} is not a replicated service: cannot scale it")
            if replicas is None or not 0 <= replicas <= 10_000:
                raise SwarmActionError("scale needs a number of replicas (0-10000)")
            spec["Mode"]["Replicated"]["Replicas"] = replicas
            done = f"scaled to {replicas}"
        else:
            raise SwarmActionError(f"unknown service action {action!r}")

        def post() -> Any:
            url = api._url("/services/{0}/update", info["ID"])
            return api._result(api._post_json(url, data=spec, params=params), json=True)

        try:
            answer = await self.call(post)
        except Exception as exc:
            raise SwarmActionError(f"{self.host}: {action} {name} failed: "
                                   f"{reason(exc, SwarmWatcher.REASON_LIMIT)}") from None
        warnings = [_text(w, 120) for w in (answer or {}).get("Warnings") or []
                    if "could not be accessed on a registry" not in str(w)]
        self._dirty = True
        self._wake.set()
        return f"{self.host}: {name}: {done}" + (f" ({'; '.join(warnings)})" if warnings else "")


class SwarmProbe(EngineProbe[SwarmWatcher, SwarmSnapshot]):
    """Watches the configured managers; publishes merged `SwarmSnapshot`s."""

    NOUN = "manager"

    def __init__(self, config: SwarmConfig, on_snapshot: Callable[[SwarmSnapshot], None],
                 ssh_pool: Any = None, min_interval: float = 0.25) -> None:
        self.config = config
        super().__init__(config.hosts, lambda host, changed, url: SwarmWatcher(
            host, config, changed, url), on_snapshot, ssh_pool, min_interval)

    def snapshot(self) -> SwarmSnapshot:
        seen: set[str] = set()
        rows = []
        ordered = sorted(self.watchers.values(), key=lambda w: not w.status.reachable)
        for watcher in ordered:  # a service seen by two managers of one swarm: shown once
            for row in watcher.rows:
                if row.id not in seen:
                    seen.add(row.id)
                    rows.append(row)
        rows.sort(key=lambda r: (r.name, r.host))
        managers = tuple(w.status for w in self.watchers.values())
        return SwarmSnapshot(tuple(rows), managers, utcnow())

    async def act(self, host: str, name: str, action: Action, replicas: int | None = None
                  ) -> str:
        if action not in ACTIONS:
            raise SwarmActionError(f"unknown service action {action!r}")
        watcher = self.watchers.get(host)
        if watcher is None:
            raise SwarmActionError(f"manager {host!r} is not watched")
        return await watcher.act(name, action, replicas)

    def _watcher(self, host: str) -> SwarmWatcher:
        watcher = self.watchers.get(host)
        if watcher is None:
            raise SwarmActionError(f"manager {host!r} is not watched")
        return watcher

    async def inspect_service(self, host: str, name: str) -> ServiceDetail:
        """The drill-down's summary of `name`, asked of `host` on its watcher's connection."""
        return await self._watcher(host).inspect_service(name)

    async def service_tail(self, host: str, name: str, lines: int = TAIL_LINES
                           ) -> list[tuple[float, str]]:
        return await self._watcher(host).service_tail(name, lines)

    async def answered(self, deadline: float) -> SwarmSnapshot:
        """Wait until every manager answered (or failed) once, at most `deadline` seconds
        (`warroom status`); managers still connecting then say so."""
        import dataclasses

        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(deadline):
                while not all(w.listings or (w.status.error and w.status.error != CONNECTING)
                              for w in self.watchers.values()):
                    await asyncio.sleep(0.05)
        snap = self.snapshot()
        managers = tuple(m if m.reachable or m.error != CONNECTING else dataclasses.replace(
            m, error=f"no answer within {deadline:.0f} s") for m in snap.managers)
        return dataclasses.replace(snap, managers=managers)

