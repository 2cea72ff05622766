"""Plain data of the container panel (no I/O here: widgets import these types).

Every text field is already sanitized (`tui.core.sanitize.one_line`) when a row is built.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tui.core.sanitize import one_line

STORE_KIND = "containers"
"""The store key of the latest `ContainersSnapshot` (`store.snapshots[STORE_KIND].value`)."""
CONNECTING = "connecting"
"""`EngineStatus.error` before the first attempt to reach an engine has ended."""


@dataclass(frozen=True, slots=True)
class ContainerRow:
    """One container as last seen on one host."""

    host: str
    id: str
    name: str
    color: str | None
    state: str
    """created, running, paused, restarting, removing, exited, dead."""
    health: str | None
    """healthy, unhealthy, starting, or None without a HEALTHCHECK."""
    restart_count: int
    started_at: dt.datetime | None
    image: str
    exit_code: int | None = None
    cpu_pct: float | None = None
    mem_bytes: int | None = None
    mem_limit: int | None = None
    listed: bool = False
    """Read from the engine's listing only, not inspected yet: state, health, image and exit
    code are the engine's; the restart count and start time are an earlier inspect's, or 0
    and None when never inspected (`never_inspected`)."""

    @property
    def never_inspected(self) -> bool:
        """A listed row of a container no inspect has read yet (restarts, start unknown)."""
        return self.listed and self.started_at is None and self.restart_count == 0

    @property
    def key(self) -> str:
        """A stable row key: a name is unique per host and survives re-creation."""
        return f"{self.host}/{self.name}"

    def uptime(self, now: dt.datetime) -> str:
        if self.state != "running" or self.started_at is None:
            return "-"
        return human_duration((now - self.started_at).total_seconds())

    def uptime_step(self, now: dt.datetime) -> tuple[str, float]:
        """The uptime in steps that change rarely (`stepped_duration`) and the seconds until
        the text changes (inf when it never does)."""
        if self.state != "running" or self.started_at is None:
            return "-", float("inf")
        return stepped_duration((now - self.started_at).total_seconds())


@dataclass(frozen=True, slots=True)
class EngineStatus:
    """Whether one host's Docker engine answers, and since when."""

    host: str
    reachable: bool
    since: dt.datetime
    """Up since (reachable) or down since (unreachable): the first moment of the current state."""
    error: str | None = None
    api_calls: int = 0
    reconnects: int = 0
    answered: dt.datetime | None = None
    """When the engine last answered a listing or an inspect (None: never)."""

    @property
    def connecting(self) -> bool:
        """Not answered yet, and no attempt has failed yet (the watcher's first moments)."""
        return not self.reachable and self.error == CONNECTING

    def age(self, now: dt.datetime) -> float:
        """Seconds in the current state (reachable or not) at `now` (never negative)."""
        return max(0.0, (now - self.since).total_seconds())

    def describe(self, now: dt.datetime | None = None) -> str:
        """"local: docker OK", or "local: docker unreachable since 12:03:04 UTC (2m13s ago,
        connection refused)" (the age only when `now` is given)."""
        if self.reachable:
            return f"{self.host}: docker OK"
        when = self.since.strftime("%H:%M:%S UTC")
        if self.connecting:
            age = f" ({human_duration(self.age(now))})" if now is not None else ""
            return f"{self.host}: connecting to docker since {when}{age}"
        why = [f"{human_duration(self.age(now))} ago"] if now is not None else []
        why += [self.error] if self.error else []
        return f"{self.host}: docker unreachable since {when}" + (
            f" ({', '.join(why)})" if why else "")


@dataclass(frozen=True, slots=True)
class ContainersSnapshot:
    """Every watched container on every host, with the state of each engine."""

    rows: tuple[ContainerRow, ...]
    engines: tuple[EngineStatus, ...]
    at: dt.datetime

    def stale_hosts(self) -> set[str]:
        """Hosts whose rows are only the last known ones (engine unreachable)."""
        return {e.host for e in self.engines if not e.reachable}

    def unreachable(self) -> tuple[EngineStatus, ...]:
        """The engines not answering now, each with since when (`EngineStatus.since`)."""
        return tuple(e for e in self.engines if not e.reachable)


_HEALTH = re.compile(r"\((healthy|unhealthy|health: starting)\)")
_LISTED_HEALTH = {"healthy": "healthy", "unhealthy": "unhealthy", "health: starting": "starting"}


def listed_state(item: dict[str, Any]) -> tuple[str, str | None]:
    """(state, health) of one `docker ps` listing entry, in the terms of `ContainerRow`."""
    health = _HEALTH.search(item.get("Status") or "")
    return (one_line(item.get("State") or "unknown"),
            _LISTED_HEALTH[health.group(1)] if health else None)


_EXITED = re.compile(r"^Exited \((-?\d+)\)")


def row_from_listing(host: str, item: dict[str, Any], color: str | None,
                     known: ContainerRow | None = None) -> ContainerRow:
    """A `listed` row from one `docker ps` entry: shown at once while the engine is asked
    for the rest (an inspect per container, a round trip each over SSH). `known`: the row an
    earlier inspect made, whose restart count and start time it keeps until the next one."""
    state, health = listed_state(item)
    code = _EXITED.match(item.get("Status") or "")
    if known is not None and health is None and state == known.state:
        health = known.health  # a listing shows no health for a stopped container
    return ContainerRow(
        host=host,
        id=str(item.get("Id") or "?")[:12],
        name=one_line((item.get("Names") or ["/?"])[0].lstrip("/")),
        color=color and one_line(color),
        state=state,
        health=health,
        restart_count=known.restart_count if known else 0,
        started_at=known.started_at if known else None,
        image=one_line(item.get("Image") or "?"),
        exit_code=int(code.group(1)) if code and state != "running" else None,
        listed=True,
    )


def matches(row: ContainerRow, item: dict[str, Any]) -> bool:
    """Whether a row agrees with the engine's listing of it (a listing shows health only
    for a running container; inspect keeps the last one of a stopped container)."""
    state, health = listed_state(item)
    return row.state == state and (row.health == health or (
        health is None and row.state != "running"))


def parse_time(value: str | None) -> dt.datetime | None:
    """An engine timestamp (RFC 3339, nanoseconds) as an aware UTC datetime; None if unset."""
    if not value or value.startswith("0001-"):
        return None
    value = value.replace("Z", "+00:00")
    value = re.sub(r"\.(\d{6})\d+", r".\1", value)  # nanoseconds -> microseconds
    try:
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    except ValueError:
        return None


def human_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


STEPS = ((60, 10), (3600, 60), (2 * 86400, 600), (float("inf"), 3600))
"""(below this many seconds, show steps of this many): 10 s, then minutes, then 10 minutes,
then hours — a table of 20 uptimes changes a cell every few seconds, not 20 every second."""


def stepped_duration(seconds: float) -> tuple[str, float]:
    """A duration rounded down to its step ("40s", "7m", "3h20m", "5d04h") and the seconds
    until the next step."""
    seconds = max(0.0, seconds)
    step = next(size for below, size in STEPS if seconds < below)
    shown = int(seconds // step * step)
    text = human_duration(shown) if shown else f"<{step}s"  # not "0s" for one up 9 s
    if step == 60:
        text = f"{shown // 60}m"
    elif step == 600:
        text = f"{shown // 3600}h{shown % 3600 // 60:02d}m"
    return text, step - (seconds - shown)


def stepped_cpu(pct: float | None) -> str:
    """CPU % in steps that stay put while a container idles: "<1%", whole percents to 10,
    then fives."""
    if pct is None:
        return "-"
    if pct < 1:
        return "<1%"
    if pct < 10:
        return f"{int(pct)}%"
    return f"{int(pct // 5 * 5)}%"


def stepped_bytes(value: int | None) -> str:
    """Memory to two significant digits ("1.2MiB", "12MiB", "120MiB"): a few kilobytes of
    drift do not repaint the cell."""
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            break
        size /= 1024
    if unit == "B":
        return f"{int(size)}B"
    return f"{size:.1f}{unit}" if size < 10 else f"{int(size)}{unit}"


def human_bytes(value: int | None) -> str:
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.1f}{unit}"
        size /= 1024
    return f"{size:.1f}GiB"
