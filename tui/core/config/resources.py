"""Schema of `[resources]`: the hosts whose load, CPU, memory, swap and disks are watched.

```toml
[resources]
hosts = ["local", "prod"]          # "local" = this machine; others: [hosts.*] names (over SSH)
interval = 15.0
timeout = 5.0
disk_warn = 85.0                   # % used of a mount
disk_critical = 95.0
inodes_warn = 85.0                 # % of a mount's inodes used
inodes_critical = 95.0
memory_available_warn = 10.0       # % of memory still available (lower is worse)
memory_available_critical = 5.0
swap_warn = 50.0                   # % of swap used
load_per_core_warn = 2.0           # 1-minute load / CPU cores
load_per_core_critical = 4.0
ignore_mounts = ['^/snap/']        # regexes on the mount point
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import checks
from .convert import check

DEFAULT_IGNORED_FSTYPES = (
    "tmpfs", "devtmpfs", "overlay", "squashfs", "proc", "sysfs", "cgroup", "cgroup2",
    "devpts", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "configfs",
    "fusectl", "hugetlbfs", "autofs", "binfmt_misc", "efivarfs", "nsfs", "ramfs", "rpc_pipefs",
    "selinuxfs", "fuse.lxcfs", "fuse.portal", "fuse.gvfsd-fuse", "nfsd", "iso9660",
)


def _percent(value: float) -> str | None:
    return None if 0 <= value <= 100 else "must be a percentage (0-100)"


@dataclass(frozen=True)
class ResourcesConfig:
    """The hosts panel. Thresholds: crossing `*_warn` is WARNING, `*_critical` CRITICAL."""

    hosts: tuple[str, ...] = ("local",)
    interval: float = field(default=15.0, metadata=check(checks.positive))
    timeout: float = field(default=5.0, metadata=check(checks.positive))
    """Bound of one round per host (the CPU sample takes 0.5 s of it); locally also the
    bound of each mount's statvfs."""
    stale_after: float | None = field(default=None, metadata=check(checks.positive))
    disk_warn: float = field(default=85.0, metadata=check(_percent))
    disk_critical: float = field(default=95.0, metadata=check(_percent))
    inodes_warn: float = field(default=85.0, metadata=check(_percent))
    inodes_critical: float = field(default=95.0, metadata=check(_percent))
    memory_available_warn: float = field(default=10.0, metadata=check(_percent))
    memory_available_critical: float = field(default=5.0, metadata=check(_percent))
    swap_warn: float = field(default=50.0, metadata=check(_percent))
    load_per_core_warn: float = field(default=2.0, metadata=check(checks.positive))
    load_per_core_critical: float = field(default=4.0, metadata=check(checks.positive))
    ignore_mounts: tuple[str, ...] = field(default=(), metadata=check(checks.regexes))
    """Regexes searched in the mount point; such mounts are not shown nor judged."""
    ignore_fstypes: tuple[str, ...] = DEFAULT_IGNORED_FSTYPES
    """Filesystem types never shown (pseudo and in-memory filesystems by default)."""
    top: int = field(default=5, metadata=check(checks.positive))
    """How many processes are listed by CPU and by memory."""

    def _check(self) -> list[tuple[str, str]]:
        issues = []
        for low, high in (("disk_warn", "disk_critical"), ("inodes_warn", "inodes_critical"),
                          ("load_per_core_warn", "load_per_core_critical")):
            if getattr(self, low) > getattr(self, high):
                issues.append((low, f"must not exceed {high} ({getattr(self, high)})"))
        if self.memory_available_critical > self.memory_available_warn:
            issues.append(("memory_available_critical", "must not exceed memory_available_warn "
                           f"({self.memory_available_warn}): less available is worse"))
        if not self.hosts:
            issues.append(("hosts", "must list at least one host ('local' or a [hosts] name)"))
        return issues

    def ignores(self, mount: str, fstype: str) -> bool:
        return fstype in self.ignore_fstypes or any(
            re.search(pattern, mount) for pattern in self.ignore_mounts)

    def stale_seconds(self) -> float:
        return self.stale_after or 3 * self.interval + self.timeout
