"""Docker Swarm services as the swarm panel, the verdict and `warroom status` see them.

Plain data (no I/O): `probes/swarm.py` builds a `SwarmSnapshot` per change (every text
already sanitized and bounded there) and stores it under `STORE_KIND`. States:

- OK        every desired replica runs;
- DEGRADED  fewer run than desired (some, not none);
- DOWN      none runs while some are desired;
- UNKNOWN   the manager that reported it does not answer now (its rows are the last known,
            with the manager's age), or no fresh snapshot.
An update or rollback in progress (`update_state`) is shown beside the state, never hides it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.config.schema import Config
from tui.core.docker_model import EngineStatus, human_duration
from tui.core.model import State
from tui.core.sanitize import one_line
from tui.core.store import Store

STORE_KIND = "swarm"
UPDATE_STATES = ("updating", "paused", "completed", "rollback_started", "rollback_paused",
                 "rollback_completed")
MAX_TASKS = 8
"""Tasks not running listed per service at most (the newest)."""


@dataclass(frozen=True, slots=True)
class SwarmTask:
    """A task of a service that is not running (the newest of its slot)."""

    slot: str
    """"3" (replicated) or the node's name (global)."""
    node: str
    desired: str
    state: str
    error: str
    at: dt.datetime | None

    def age(self, now: dt.datetime) -> str:
        return human_duration((now - self.at).total_seconds()) if self.at else "?"


@dataclass(frozen=True, slots=True)
class SwarmService:
    """One service as its manager last listed it."""

    host: str
    """The manager that reported it."""
    id: str
    name: str
    mode: str
    """"replicated" or "global" (others, e.g. replicated-job, by their name)."""
    running: int
    desired: int
    image: str
    """Repository and tag, without the digest."""
    digest: str
    """The first 12 hex digits of the pinned digest, or ""."""
    update_state: str = ""
    update_message: str = ""
    previous_image: str = ""
    """The image of the previous spec (what a rollback returns to), "" when there is none."""
    force_update: int = 0
    tasks: tuple[SwarmTask, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.host}/{self.name}"

    @property
    def state(self) -> State:
        if self.desired > 0 and self.running == 0:
            return State.DOWN
        if self.running < self.desired:
            return State.DEGRADED
        return State.OK

    @property
    def replicas(self) -> str:
        """"2/3" (replicated) or "global 2/2"."""
        text = f"{self.running}/{self.desired}"
        return text if self.mode == "replicated" else f"{self.mode} {text}"

    @property
    def image_text(self) -> str:
        return f"{self.image}@{self.digest}" if self.digest else self.image


@dataclass(frozen=True, slots=True)
class SwarmSnapshot:
    services: tuple[SwarmService, ...]
    managers: tuple[EngineStatus, ...]
    at: dt.datetime

    def down_managers(self) -> set[str]:
        return {m.host for m in self.managers if not m.reachable}


@dataclass(frozen=True, slots=True)
class ServiceView:
    """A service with the state the war room gives it now (UNKNOWN behind a dead manager)."""

    service: SwarmService
    state: State
    critical: bool
    why: str
    """What the state means in words: "1/3 running", "manager unreachable since …"."""


def image_parts(ref: str) -> tuple[str, str]:
    """`repo:tag@sha256:abcd…` as ("repo:tag", "abcd…" cut to 12)."""
    name, _, digest = ref.partition("@")
    return name, digest.partition(":")[2][:12] if digest else ""


def node_names(nodes: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Node id -> the name shown: its hostname (sanitized, bounded), else its short id. Nodes
    that share a hostname (two engines on one machine, cloned VMs) get their short id beside
    it — `vm (2dx28i)` — so their tasks stay told apart."""
    named = {str(n.get("ID") or ""): one_line(str((n.get("Description") or {}).get("Hostname")
                                                  or "")).strip()[:48] for n in nodes}
    seen = Counter(named.values())
    return {node: (f"{host[:22]} ({node[:6]})" if seen[host] > 1 else host) if host
            else one_line(node)[:12] for node, host in named.items()}


def snapshot(store: Store) -> SwarmSnapshot | None:
    snap = store.snapshots.get(STORE_KIND)
    return snap.value if snap is not None and isinstance(snap.value, SwarmSnapshot) else None


def service_views(config: Config, snap: SwarmSnapshot | None, now: dt.datetime
                  ) -> list[ServiceView]:
    watch = config.swarm
    if watch is None or snap is None:
        return []
    managers = {m.host: m for m in snap.managers}
    views = []
    for service in snap.services:
        manager = managers.get(service.host)
        if manager is not None and not manager.reachable:
            age = human_duration(manager.age(now))
            why = f"manager {service.host} unreachable for {age} (last: {service.replicas})"
            views.append(ServiceView(service, State.UNKNOWN, watch.is_critical(service.name),
                                     why))
            continue
        why = f"{service.running}/{service.desired} running"
        if service.update_state:
            why += f", {service.update_state}"
        views.append(ServiceView(service, service.state, watch.is_critical(service.name),
                                 why))
    return views


def swarm_problems(config: Config, store: Store, now: dt.datetime
                   ) -> tuple[list[str], list[str], list[str]]:
    """(critical, warning, unknown) lines for the verdict: a `critical` service DOWN pages,
    any other DOWN or DEGRADED warns; a dead manager or no fresh snapshot is UNKNOWN."""
    critical: list[str] = []
    warning: list[str] = []
    unknown: list[str] = []
    if config.swarm is None:
        return critical, warning, unknown
    snap = snapshot(store)
    if snap is None:
        return critical, warning, ["swarm: no listing yet"]
    if store.snapshot_is_stale(STORE_KIND, now):
        age = human_duration((now - store.snapshots[STORE_KIND].at).total_seconds())
        return critical, warning, [f"swarm: no fresh listing for {age}"]
    for manager in snap.managers:
        if not manager.reachable:
            unknown.append(f"swarm {manager.describe(now)}".replace(": docker ", ": manager "))
    for view in service_views(config, snap, now):
        name = view.service.name
        if view.state is State.DOWN:
            line = f"swarm service {name} DOWN: {view.why}"
            (critical if view.critical else warning).append(_with_error(line, view.service))
        elif view.state is State.DEGRADED:
            warning.append(_with_error(f"swarm service {name} DEGRADED: {view.why}",
                                       view.service))
    return critical, warning, unknown


def _with_error(line: str, service: SwarmService) -> str:
    errors = [t.error for t in service.tasks if t.error]
    return f"{line} ({errors[0][:100]})" if errors else line
