"""The drill-down on one Swarm service: a bounded, sanitized summary of `docker service
inspect` and of its recent tasks, the sections the generic detail screen shows, and the
progress of a service action until the manager confirms it.

Plain data (no I/O): `from_inspect(host, info, tasks, nodes)` turns the manager's answers into
a `ServiceDetail`; every text is `one_line`-sanitized and cut, every list bounded. The
environment keeps NAMES only: values (secrets) are never read into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.core.container_detail import (
    MAX_ENV,
    MAX_LABELS,
    MAX_PORTS,
    MAX_TEXT,
    Field,
    Section,
    _bounded,
    _env_names,
    _list,
    _more,
    _s,
    _when,
)
from tui.core.docker_model import parse_time, stepped_duration
from tui.core.swarm import SwarmService, SwarmTask, image_parts, node_names

MAX_TASKS = 20
"""Recent tasks listed (newest first), whatever their state."""
MAX_CONSTRAINTS = 16
TAIL_LINES = 200


@dataclass(frozen=True, slots=True)
class ServiceDetail:
    """`docker service inspect` of one service and its recent tasks (env: names only)."""

    host: str
    name: str
    id: str
    mode: str
    desired: int | None
    image: str
    digest: str
    previous_image: str
    update_state: str
    update_message: str
    force_update: int
    created: dt.datetime | None
    updated: dt.datetime | None
    labels: tuple[tuple[str, str], ...]
    labels_total: int
    env_names: tuple[str, ...]
    env_total: int
    ports: tuple[str, ...]
    constraints: tuple[str, ...]
    restart_policy: str
    tasks: tuple[SwarmTask, ...]
    tasks_total: int

    def sections(self, now: dt.datetime) -> list[Section]:
        when = _when(now)
        running = sum(t.state == "running" and t.desired == "running" for t in self.tasks)
        desired = "?" if self.desired is None else str(self.desired)
        ok = self.desired is not None and running >= self.desired
        service = [
            Field("mode", self.mode),
            Field("replicas", f"{running} running / {desired} desired",
                  "ok" if ok else "bad" if running == 0 else "warn"),
            Field("image", self.image + (f"@{self.digest}" if self.digest else "")),
            Field("previous image", self.previous_image or "(no previous spec)"),
            Field("update", self.update_state or "-",
                  "bad" if self.update_state in ("paused", "rollback_paused") else
                  "warn" if self.update_state else ""),
        ]
        if self.update_message:
            service.append(Field("update message", self.update_message))
        service += [Field("force update", str(self.force_update)),
                    Field("created", when(self.created)), Field("updated", when(self.updated)),
                    Field("restart policy", self.restart_policy), Field("id", self.id)]
        tasks = []
        for task in self.tasks:
            age = stepped_duration((now - task.at).total_seconds())[0] if task.at else "?"
            tone = "ok" if task.state == "running" else \
                "bad" if task.state in ("failed", "rejected", "orphaned") else ""
            text = f"{task.state} (→{task.desired}) {age}"
            if task.error:
                text += f"  {task.error}"
            tasks.append(Field(f"{task.slot} {task.node}"[:16], text, tone))
        return [
            Section(f"Service {self.name}", tuple(service)),
            Section(f"Tasks ({self.tasks_total}, newest first)",
                    (tuple(tasks) or (Field("", "none"),))
                    + _more(len(self.tasks), self.tasks_total)),
            Section("Ports", _list(self.ports, "none published")),
            Section("Placement", _list(self.constraints, "no constraints")),
            Section(f"Environment (names only, {self.env_total})",
                    _list(self.env_names, "none", self.env_total)),
            Section(f"Labels ({self.labels_total})",
                    (tuple(Field(k, v) for k, v in self.labels) or (Field("", "none"),))
                    + _more(len(self.labels), self.labels_total)),
        ]


def _ports(endpoint: Mapping[str, Any]) -> tuple[str, ...]:
    out = []
    for port in (endpoint.get("Ports") or [])[:MAX_PORTS]:
        published = port.get("PublishedPort")
        target = f"{_s(port.get('TargetPort'))}/{_s(port.get('Protocol') or 'tcp')}"
        mode = _s(port.get("PublishMode") or "ingress")
        out.append(f"{_s(published)} → {target} ({mode})" if published
                   else f"{target} (not published)")
    return tuple(out)


def _restart(policy: Mapping[str, Any]) -> str:
    if not policy:
        return "any (default)"
    text = _s(policy.get("Condition") or "any")
    delay = policy.get("Delay")
    if isinstance(delay, int):
        text += f", delay {delay / 1e9:g} s"
    if policy.get("MaxAttempts"):
        text += f", max {_s(policy.get('MaxAttempts'))} attempts"
    return text


def _tasks(tasks: list[Mapping[str, Any]], mode: str, nodes: Mapping[str, str]
           ) -> tuple[tuple[SwarmTask, ...], int]:
    """Every recent task (not only failing ones), newest first, bounded."""
    rows = []
    for task in tasks:
        status = task.get("Status") or {}
        node = nodes.get(task.get("NodeID") or "", _s(task.get("NodeID"), 12) or "-")
        error = status.get("Err") or ""
        if not error and status.get("State") in ("failed", "rejected"):
            error = status.get("Message") or ""
        slot = str(task.get("Slot") or "") if mode == "replicated" else "·"
        rows.append(SwarmTask(_s(slot, 8), _s(node, 32), _s(task.get("DesiredState"), 20),
                            _s(status.get("State"), 20), _s(error, 200),
                            parse_time(status.get("Timestamp") or task.get("CreatedAt"))))
    rows.sort(key=lambda t: t.at.timestamp() if t.at else 0.0, reverse=True)
    return tuple(rows[:MAX_TASKS]), len(rows)


def from_inspect(host: str, info: Mapping[str, Any], tasks: list[Mapping[str, Any]],
                 nodes: list[Mapping[str, Any]]) -> ServiceDetail:
    """A `ServiceDetail` from `GET /services/{id}` and `GET /tasks?service=…`."""
    spec = info.get("Spec") or {}
    template = spec.get("TaskTemplate") or {}
    container = template.get("ContainerSpec") or {}
    mode_spec = spec.get("Mode") or {}
    if "Replicated" in mode_spec:
        mode, desired = "replicated", int((mode_spec["Replicated"] or {}).get("Replicas") or 0)
    else:
        mode, desired = _s(next(iter(mode_spec), "?"), 20).lower(), None
        status = info.get("ServiceStatus") or {}
        if "DesiredTasks" in status:
            desired = int(status["DesiredTasks"] or 0)
    image, digest = image_parts(_s(container.get("Image"), MAX_TEXT))
    previous = ((info.get("PreviousSpec") or {}).get("TaskTemplate") or {})
    update = info.get("UpdateStatus") or {}
    labels_all = sorted((spec.get("Labels") or {}).items())
    env, env_total = _bounded(_env_names(container), MAX_ENV)  # names only
    rows, total = _tasks(tasks, mode, node_names(nodes))
    constraints = ((template.get("Placement") or {}).get("Constraints") or [])
    return ServiceDetail(
        host=_s(host), name=_s(spec.get("Name"), 120), id=_s(str(info.get("ID") or "")[:12]),
        mode=mode, desired=desired, image=image, digest=digest,
        previous_image=_s((previous.get("ContainerSpec") or {}).get("Image"), MAX_TEXT),
        update_state=_s(update.get("State"), 40),
        update_message=_s(update.get("Message"), MAX_TEXT),
        force_update=int(template.get("ForceUpdate") or 0),
        created=parse_time(info.get("CreatedAt")), updated=parse_time(info.get("UpdatedAt")),
        labels=tuple((_s(k, 80), _s(v)) for k, v in labels_all[:MAX_LABELS]),
        labels_total=len(labels_all), env_names=env, env_total=env_total,
        ports=_ports(info.get("Endpoint") or spec.get("EndpointSpec") or {}),
        constraints=tuple(_s(c) for c in constraints[:MAX_CONSTRAINTS]),
        restart_policy=_restart(template.get("RestartPolicy") or {}),
        tasks=rows, tasks_total=total,
    )


def live_section(service: SwarmService | None, now: dt.datetime) -> Section:
    """What the swarm panel knows now."""
    if service is None:
        return Section("Now", (Field("state", "no longer listed (removed, or renamed)",
                                     "bad"),))
    tone = "ok" if service.running >= service.desired else \
        "bad" if service.running == 0 else "warn"
    fields = [Field("state", str(service.state), tone), Field("replicas", service.replicas, tone),
              Field("image", service.image_text)]
    if service.update_state:
        fields.append(Field("update", service.update_state, "warn"))
    return Section("Now", tuple(fields))


# -- a service action until the manager confirms it ------------------------------------------
PROGRESS = {"rollback": "rolling back", "restart": "restarting", "scale": "scaling"}
CONFIRM_WITHIN = 120.0
FAILED_STATES = ("paused", "rollback_paused")


@dataclass(slots=True)
class ServiceProgress:
    """An action asked for at `since` (monotonic seconds) on a service that looked like
    `before`; confirmed by what the manager then lists (`describe`)."""

    action: str
    since: float
    before: SwarmService | None
    replicas: int | None = None
    failed: str | None = None
    moved: bool = field(default=False)
    """The manager's update state changed since the action was asked (a second rollback
    starts from "rollback_completed": it counts only once it moved)."""

    def confirmed(self, row: SwarmService) -> bool:
        before = self.before
        if self.action == "rollback":
            return row.update_state == "rollback_completed" and (
                self.moved or before is None or before.update_state != "rollback_completed")
        if self.action == "restart":
            return (before is None or row.force_update > before.force_update) and \
                row.update_state in ("", "completed") and row.running >= row.desired
        return row.desired == self.replicas and row.running == row.desired

    def describe(self, row: SwarmService | None, now: float) -> tuple[str, str, bool]:
        """(text, tone, finished): "rolling back… 3 s", then "rollback_completed" or why not."""
        elapsed = max(0, int(now - self.since))
        if self.failed is not None:
            return f"{self.action} failed: {self.failed}", "bad", True
        if row is None:
            return f"{self.action}: the service is no longer listed", "bad", True
        if self.before is not None and row.update_state != self.before.update_state:
            self.moved = True
        if self.confirmed(row):
            state = row.update_state or "done"
            return f"{self.action}: {state}, {row.replicas} running " \
                   f"(confirmed by the manager in {elapsed} s)", "ok", True
        if (self.moved and row.update_state in FAILED_STATES) or (
                self.action == "restart" and self.moved
                and row.update_state == "rollback_completed"):
            why = f": {row.update_message}" if row.update_message else ""
            return f"{self.action} failed: {row.update_state}{why}", "bad", True
        if elapsed > CONFIRM_WITHIN:
            return f"{self.action}: not confirmed after {elapsed} s " \
                   f"(now {row.update_state or row.replicas})", "bad", True
        state = f" ({row.update_state})" if row.update_state else ""
        return f"{PROGRESS.get(self.action, self.action)}… {elapsed} s{state}", "warn", False
