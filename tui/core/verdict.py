"""The overall verdict over the store, in monitoring-plugin terms (OK/WARNING/CRITICAL/UNKNOWN),
plus MAINTENANCE (a WARNING-level state of its own).

`warroom status` prints it and exits with its code; the TUI shows the same verdict in its
banner; the exported status update follows it. What pages (CRITICAL): a service of the live
color or of no color that is DOWN (and `critical`), a critical container exited, restarting,
dead, paused or unhealthy. The idle color serves no traffic: its failures are WARNING ("idle
green DOWN: rollback target unhealthy"). Nothing checked is UNKNOWN, never OK.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

from tui.core.alerts import alert_problems
from tui.core.config.schema import Config
from tui.core.docker_model import STORE_KIND as CONTAINERS
from tui.core.docker_model import ContainerRow, ContainersSnapshot, human_duration
from tui.core.maintenance import KIND as MAINTENANCE_KIND
from tui.core.maintenance import Maintenance, in_maintenance, maintenance
from tui.core.metrics import metric_problems
from tui.core.model import State, utcnow, worst
from tui.core.resources import Level, resource_problems
from tui.core.store import Store
from tui.core.swarm import swarm_problems

JUST_RESTARTED = 10.0
"""A container its restart policy restarted less than this many seconds ago is crash-looping
(caught between two restarts), not healthy."""


class Exit(IntEnum):
    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


@dataclass(frozen=True)
class Verdict:
    code: Exit
    problems: tuple[str, ...]
    maintenance: Maintenance | None = None
    live: str | None = None
    """The live color the verdict judged by (None: unknown, colored checks judged critical)."""

    @property
    def word(self) -> str:
        """What the banner and `warroom status` say: the code's name, or MAINTENANCE when
        maintenance is on and nothing pages."""
        if self.maintenance is not None and self.code is Exit.WARNING:
            return "MAINTENANCE"
        return self.code.name


@dataclass
class _Found:
    critical: list[str] = field(default_factory=list)
    warning: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    checked: int = 0

    def add(self, problems: tuple[list[str], list[str], list[str]]) -> None:
        """One more source checked, with its (critical, warning, unknown) lines."""
        self.checked += 1
        self.critical.extend(problems[0])
        self.warning.extend(problems[1])
        self.unknown.extend(problems[2])


def banner_maintenance(result: Verdict) -> str:
    """The banner's maintenance text: "since 03:12:04", "on" (since unknown) or "" (off)."""
    if result.maintenance is None:
        return ""
    since = result.maintenance.since
    return f"since {since:%H:%M:%S}" if since else "on"


def color_health(config: Config, store: Store, now: dt.datetime | None = None) -> dict[str, State]:
    """Worst effective state of the services of each color."""
    by_color: dict[str, list[State]] = {}
    for service in config.services:
        if service.color:
            by_color.setdefault(service.color, []).append(store.effective(service.name, now))
    return {color: worst(states) for color, states in by_color.items()}


def color_warnings(config: Config, store: Store, now: dt.datetime | None = None) -> list[str]:
    """Sources that disagree, or a live color less healthy than the idle one."""
    result = store.color
    if result is None or config.color is None:
        return []
    found = []
    if result.disagreement:
        said = ", ".join(f"{r.source}={r.color}" for r in result.readings if r.color)
        found.append(f"color sources disagree: {said}")
    health = color_health(config, store, now)
    if result.live and result.idle and result.live in health and result.idle in health:
        live, idle = health[result.live], health[result.idle]
        if live.severity > idle.severity:
            found.append(
                f"live color {result.live} is {live.value} while idle {result.idle} is {idle.value}"
            )
    return found


def live_color(config: Config, store: Store, now: dt.datetime | None = None) -> str | None:
    """The live color, only when known for sure: a fresh reading the sources agree on."""
    result = store.color
    if config.color is None or result is None or store.color_is_stale(now):
        return None
    if result.disagreement or result.live not in config.color.colors:
        return None
    return result.live


def verdict(config: Config, store: Store, now: dt.datetime | None = None) -> Verdict:
    now = now or utcnow()
    live = live_color(config, store, now)
    found = _Found()
    paused = in_maintenance(config, store, now)
    _services(config, store, now, live, paused, found)
    _color(config, store, now, found)
    _containers(config, store, now, live, found)
    on = maintenance(config, store, now, paused)
    _maintenance_check(config, store, now, found)
    # the other sources, each by its own rules (tui/core/<source>.py): host resources by
    # thresholds; firing alerts CRITICAL by the sources' label, silenced and inhibited not
    # counted; metric rows by thresholds (a row of the idle color only warns); swarm services
    # (a `critical` one DOWN pages). A source with no fresh answer is UNKNOWN with its age.
    if config.resources is not None:
        lines = resource_problems(config, store, now)
        found.add((lines[Level.CRITICAL], lines[Level.WARNING], lines[Level.UNKNOWN]))
    if config.alerts:
        found.add(alert_problems(config, store, now))
    if config.metrics:
        found.add(metric_problems(config, store, now, live))
    if config.swarm is not None:
        found.add(swarm_problems(config, store, now))
    if found.checked == 0 and on is None:
        found.unknown.append("nothing checked: no services, containers or color sources "
                             "configured")
    lead = [on.describe(now)] if on else []
    if found.critical:
        code = Exit.CRITICAL
    elif found.warning or on:
        code = Exit.WARNING
    elif found.unknown:
        code = Exit.UNKNOWN
    else:
        code = Exit.OK
    problems = tuple(lead + found.critical + found.warning + found.unknown)
    return Verdict(code, problems, on, live)


def _services(config: Config, store: Store, now: dt.datetime, live: str | None,
              paused: dict[str, str], found: _Found) -> None:
    idle_bad: dict[str, list[tuple[str, State, str]]] = {}
    for service in config.services:
        found.checked += 1
        state = store.effective(service.name, now)
        if state is State.OK or service.name in paused:
            continue
        result = store.checks.get(service.name)
        reason = result.reason if result else "no result"
        if state is State.STALE and result is not None:
            reason = f"no fresh result (last: {result.state.value} {result.reason})"
        if service.color and live and service.color != live:
            idle_bad.setdefault(service.color, []).append((service.name, state, reason))
            continue
        line = f"{service.name} {state.value}: {reason}"
        if service.color and live is None and config.color is not None:
            line += f" (live color unknown: {service.color} judged as if live)"
        if state is State.DOWN:
            (found.critical if service.critical else found.warning).append(line)
        elif state is State.DEGRADED:
            found.warning.append(line)
        else:
            found.unknown.append(line)
    for color, bad in idle_bad.items():
        state = worst([s for _, s, _ in bad])
        what = ("rollback target unhealthy" if state in (State.DOWN, State.DEGRADED)
                else "rollback target not verified")
        detail = "; ".join(f"{name} {s.value}: {reason}" for name, s, reason in bad)
        found.warning.append(f"idle {color} {state.value}: {what} ({detail})")


def _color(config: Config, store: Store, now: dt.datetime, found: _Found) -> None:
    if not config.color or not config.color.sources:
        return
    found.checked += 1
    result = store.color
    if result is None or store.color_is_stale(now):
        found.unknown.append("active color: no fresh reading")
        return
    errors = [r for r in result.readings if r.error]
    if result.live is None:
        said = "; ".join(f"{r.source}: {r.error}" for r in errors)
        found.unknown.append(f"active color unknown ({said or 'no source named a color'})")
        return
    found.warning.extend(color_warnings(config, store, now))
    for reading in errors:
        found.unknown.append(f"color source {reading.source}: no reading ({reading.error})")


def _containers(config: Config, store: Store, now: dt.datetime, live: str | None,
                found: _Found) -> None:
    watch = config.containers
    if watch is None:
        return
    found.checked += 1
    snap = store.snapshots.get(CONTAINERS)
    value = snap.value if snap else None
    if not isinstance(value, ContainersSnapshot):
        found.unknown.append("containers: no listing yet")
        return
    if store.snapshot_is_stale(CONTAINERS, now):
        age = (now - snap.at).total_seconds() if snap else 0.0
        found.unknown.append(f"containers: no fresh listing for {human_duration(age)}")
        return
    down: set[str] = set()
    for engine in value.engines:
        if engine.reachable:
            continue
        down.add(engine.host)
        if engine.error == "connecting":
            found.unknown.append(f"{engine.host}: docker connecting")
            continue
        age = human_duration((now - engine.since).total_seconds())
        why = f": {engine.error}" if engine.error else ""
        found.unknown.append(
            f"{engine.host}: docker unreachable since {engine.since:%H:%M:%S} ({age}){why}")
    rows = [row for row in value.rows if row.host not in down]
    if not rows and len(down) < len(value.engines):
        found.unknown.append("containers: none of the watched containers found")
    multi = len(value.engines) > 1
    for row in rows:
        bad = _container_trouble(row, now)
        if bad is None:
            continue
        name = f"{row.host}/{row.name}" if multi or row.host != "local" else row.name
        line = f"container {name} {bad}"
        critical = container_is_critical(config, row, live)
        if watch.critical_rule(row.name) is None and row.color is not None:
            if live is None and config.color is not None:
                line += f" (live color unknown: {row.color} judged as if live)"
            elif live is not None and row.color != live:
                line += f" (idle {row.color})"
        (found.critical if critical else found.warning).append(line)


def container_is_critical(config: Config, row: ContainerRow, live: str | None) -> bool:
    """A failed container pages when a rule says so, else when it belongs to the live color
    or to no color; while the live color is unknown, every container is judged critical."""
    rule = config.containers.critical_rule(row.name) if config.containers else None
    if rule is not None:
        return rule
    return row.color is None or live is None or row.color == live


def _container_trouble(row: ContainerRow, now: dt.datetime) -> str | None:
    """What is wrong with a container in words, or None when it runs (and is not unhealthy)."""
    if row.state in ("exited", "dead"):
        code = f" (exit {row.exit_code})" if row.exit_code is not None else ""
        return f"{row.state}{code}"
    if row.state == "restarting":
        return f"restarting (restarts: {'…' if row.never_inspected else row.restart_count})"
    if row.state == "running" and row.restart_count and row.started_at is not None:
        up = (now - row.started_at).total_seconds()
        if up < JUST_RESTARTED:  # RestartCount counts the restart policy's restarts only
            return f"restarting (restarts: {row.restart_count}, up {human_duration(up)})"
    if row.state == "paused":
        return "paused"
    if row.health == "unhealthy":
        return "unhealthy"
    return None


def _maintenance_check(config: Config, store: Store, now: dt.datetime, found: _Found) -> None:
    """The maintenance status command itself: no reading is UNKNOWN."""
    m = config.maintenance
    if m is None or not m.has_command:
        return
    found.checked += 1
    snap = store.snapshots.get(MAINTENANCE_KIND)
    label = m.action or "maintenance status"
    if snap is None or store.snapshot_is_stale(MAINTENANCE_KIND, now):
        found.unknown.append(f"{label}: no fresh reading")
    elif getattr(snap.value, "error", None):
        found.unknown.append(f"{label}: no reading ({snap.value.error})")


