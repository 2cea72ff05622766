"""Host resources: what one round read on a host (load, CPU, memory, swap, mounts, top
processes) and how the `[resources]` thresholds judge it.

The probe (`probes/resources.py`) produces a `HostResources` per host and round, stored as a
snapshot under `store_kind(host)`; the verdict, `warroom status` and the hosts panel read it
and call `assess()`, so all three give the same state and the same reasons ("/var 96 % used,
2.1 GB free").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tui.core.config.resources import ResourcesConfig

KIND_PREFIX = "resources:"


def store_kind(host: str) -> str:
    """The store snapshot kind of one host's resources."""
    return KIND_PREFIX + host


class Level(StrEnum):
    OK = "OK"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"
    UNKNOWN = "UNKNOWN"

    @property
    def symbol(self) -> str:
        return {"OK": "✓", "WARNING": "!", "CRITICAL": "✗", "UNKNOWN": "?"}[self.value]

    @property
    def rank(self) -> int:
        return {"OK": 0, "UNKNOWN": 1, "WARNING": 2, "CRITICAL": 3}[self.value]


@dataclass(frozen=True)
class MountUse:
    mount: str
    fstype: str = ""
    size: int = 0
    """Bytes."""
    avail: int = 0
    """Bytes available to unprivileged users."""
    used_pct: float | None = None
    inodes_pct: float | None = None
    """None when the filesystem has no inode count (btrfs, vfat ...)."""
    error: str | None = None
    """Why this mount could not be read (a statvfs that timed out ...)."""


@dataclass(frozen=True)
class ProcUse:
    pid: int
    name: str
    cpu_pct: float | None
    """Of one core, over the sample (100 = one core busy)."""
    rss: int
    """Bytes."""


@dataclass(frozen=True)
class HostResources:
    host: str
    at: dt.datetime
    error: str | None = None
    """The round failed as a whole (SSH refused, timeout, garbage): nothing else is valid."""
    load: tuple[float, float, float] | None = None
    cores: int | None = None
    cpu_pct: float | None = None
    mem_total: int | None = None
    mem_available: int | None = None
    swap_total: int | None = None
    swap_free: int | None = None
    mounts: tuple[MountUse, ...] = ()
    top_cpu: tuple[ProcUse, ...] = ()
    top_mem: tuple[ProcUse, ...] = ()
    problems: tuple[str, ...] = field(default=())
    """Parts that could not be read (each makes the host UNKNOWN unless worse)."""

    @property
    def mem_available_pct(self) -> float | None:
        if not self.mem_total or self.mem_available is None:
            return None
        return 100.0 * self.mem_available / self.mem_total

    @property
    def swap_used_pct(self) -> float | None:
        if not self.swap_total or self.swap_free is None:
            return None
        return 100.0 * (self.swap_total - self.swap_free) / self.swap_total


@dataclass(frozen=True)
class Assessment:
    level: Level
    reasons: tuple[str, ...]
    """Worst first; empty when OK."""
    mount_levels: dict[str, Level] = field(default_factory=dict)


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover


def assess(res: HostResources, cfg: ResourcesConfig) -> Assessment:
    """The host's level and its reasons, by the thresholds of `cfg`."""
    if res.error:
        return Assessment(Level.UNKNOWN, (res.error,))
    found: list[tuple[Level, str]] = []
    mounts: dict[str, Level] = {}
    for m in res.mounts:
        level = mount_level(m, cfg)
        mounts[m.mount] = level
        if m.error:
            found.append((Level.UNKNOWN, f"{m.mount}: {m.error}"))
            continue
        if level is Level.OK:
            continue
        disk = _over(m.used_pct, cfg.disk_warn, cfg.disk_critical)
        if disk is not Level.OK:
            found.append((disk, f"{m.mount} {m.used_pct:.0f} % used, "
                                f"{human_bytes(m.avail)} free"))
        inodes = _over(m.inodes_pct, cfg.inodes_warn, cfg.inodes_critical)
        if inodes is not Level.OK:
            found.append((inodes, f"{m.mount} {m.inodes_pct:.0f} % of inodes used"))
    avail = res.mem_available_pct
    if avail is not None:
        level = (Level.CRITICAL if avail <= cfg.memory_available_critical else
                 Level.WARNING if avail <= cfg.memory_available_warn else Level.OK)
        if level is not Level.OK:
            found.append((level, f"memory {avail:.0f} % available, "
                                 f"{human_bytes(res.mem_available or 0)} of "
                                 f"{human_bytes(res.mem_total or 0)}"))
    swap = res.swap_used_pct
    if swap is not None and swap >= cfg.swap_warn:
        found.append((Level.WARNING, f"swap {swap:.0f} % used"))
    if res.load and res.cores:
        per_core = res.load[0] / res.cores
        level = _over(per_core, cfg.load_per_core_warn, cfg.load_per_core_critical)
        if level is not Level.OK:
            found.append((level, f"load {res.load[0]:.2f} on {res.cores} cores "
                                 f"({per_core:.2f} per core)"))
    found.extend((Level.UNKNOWN, p) for p in res.problems)
    if not found:
        return Assessment(Level.OK, (), mounts)
    found.sort(key=lambda item: -item[0].rank)
    level = found[0][0]
    return Assessment(level, tuple(text for _, text in found), mounts)


def mount_level(m: MountUse, cfg: ResourcesConfig) -> Level:
    if m.error:
        return Level.UNKNOWN
    disk = _over(m.used_pct, cfg.disk_warn, cfg.disk_critical)
    inodes = _over(m.inodes_pct, cfg.inodes_warn, cfg.inodes_critical)
    return disk if disk.rank >= inodes.rank else inodes


def mount_order(m: MountUse) -> tuple[float, str]:
    """Worst first: the fuller of its blocks and inodes, errors on top."""
    if m.error:
        return (-1000.0, m.mount)
    return (-max(m.used_pct or 0.0, m.inodes_pct or 0.0), m.mount)


def _over(value: float | None, warn: float, critical: float) -> Level:
    if value is None:
        return Level.OK
    if value >= critical:
        return Level.CRITICAL
    if value >= warn:
        return Level.WARNING
    return Level.OK


def host_assessments(config: Any, store: Any, now: dt.datetime
                     ) -> list[tuple[str, HostResources | None, Assessment, float | None]]:
    """(host, reading, assessment, age in s) per configured host; no reading or a stale one is
    UNKNOWN with its age."""
    watch = config.resources
    if watch is None:
        return []
    found = []
    for host in watch.hosts:
        kind = store_kind(host)
        snap = store.snapshots.get(kind)
        value = snap.value if snap else None
        if not isinstance(value, HostResources):
            found.append((host, None, Assessment(Level.UNKNOWN, ("no reading yet",)), None))
            continue
        age = (now - snap.at).total_seconds()
        if store.snapshot_is_stale(kind, now):
            last = assess(value, watch)
            why = f"no fresh reading for {age:.0f} s (last: {last.level.value})"
            found.append((host, value, Assessment(Level.UNKNOWN, (why,)), age))
            continue
        found.append((host, value, assess(value, watch), age))
    return found


def resource_problems(config: Any, store: Any, now: dt.datetime) -> dict[Level, list[str]]:
    """The verdict's lines per level: "host prod CRITICAL: /var 96 % used, 2.1 GB free"."""
    lines: dict[Level, list[str]] = {level: [] for level in Level}
    for host, _value, found, age in host_assessments(config, store, now):
        if found.level is Level.OK:
            continue
        text = "; ".join(found.reasons[:3])
        if found.level is Level.UNKNOWN and age is not None and "no fresh" not in text:
            text += f" ({age:.0f} s ago)"
        lines[found.level].append(f"host {host} {found.level.value}: {text}")
    return lines
