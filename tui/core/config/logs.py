"""Schema of `[logs]` and `[[logs.sources]]`: what the logs tail panel follows.

```toml
[logs]
buffer = 10000                 # lines kept per source (ring buffer)
[[logs.sources]]
kind = "docker"                # docker | file | command
name = "blue"                  # the tag shown before each line
container = "nexus-blue-php-app"
host = "local"                 # or a name from [hosts.*]
tail = 200
since = "10m"                  # a duration (30s, 10m, 2h, 1d) or an ISO-8601 UTC time
[[logs.sources]]
kind = "file"
path = "/var/log/apache2/error.log"   # followed like `tail -F` (rotation survives)
[[logs.sources]]
kind = "command"
argv = ["journalctl", "-f", "-u", "apache2"]
```
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from . import checks
from .convert import check

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_since(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """`10m`-style durations (before now) or ISO-8601 times (naive = UTC) as aware UTC."""
    found = _DURATION.fullmatch(value.strip())
    if found:
        seconds = float(found.group(1)) * _UNITS[found.group(2)]
        return (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=seconds)
    when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _since(value: str) -> str | None:
    try:
        parse_since(value)
    except ValueError:
        return "must be a duration like '30s', '10m', '2h', '1d' or an ISO-8601 time"
    return None


@dataclass(frozen=True)
class LogSource:
    """One stream of log lines.

    kind = "docker":  `container` (name or id) on `host`: follow, `tail` lines back, `since`.
    kind = "file":    `path` on `host` (local, or over SSH), followed across rotation.
    kind = "command": `argv` run locally or on `host`; stdout and stderr lines.
    kind = "swarm-service": `service` on the manager `host`, every task merged, each line
                      prefixed with its task (`name.slot`) (`probes/logs_swarm.py`).
    """

    kind: Literal["docker", "file", "command", "swarm-service"]
    name: str | None = None
    host: str = "local"
    container: str | None = None
    service: str | None = None
    """For kind = "swarm-service": the service (name or id) whose tasks' logs are merged
    (`docker service logs -f`; `host` is a swarm manager)."""
    path: str | None = None
    argv: tuple[str, ...] = ()
    shell: bool = False
    """For kind = "command": run argv[0] through `sh -c` (only when you mean it)."""
    tail: int = field(default=200, metadata=check(checks.non_negative))
    since: str | None = field(default=None, metadata=check(_since))
    buffer: int | None = field(default=None, metadata=check(checks.positive))
    color: str | None = None
    """The blue/green color of this source (for grouping and tag colour)."""
    stderr: bool = True
    restart: bool = False
    """For kind = "command": run it again when it ends (a follower such as `journalctl -f`
    or `kubectl logs -f` that exits with its target), after reattach_delay, backing off."""

    @property
    def tag(self) -> str:
        if self.name:
            return self.name
        target = {"docker": self.container, "file": self.path, "command": " ".join(self.argv),
                  "swarm-service": self.service}
        return (target[self.kind] or self.kind)[:32]

    def _check(self) -> list[tuple[str, str]]:
        need = {"docker": "container", "file": "path", "command": "argv",
                "swarm-service": "service"}[self.kind]
        if not getattr(self, need):
            return [(need, f"is required when kind = {self.kind!r}")]
        for key in ("shell", "restart"):
            if getattr(self, key) and self.kind != "command":
                return [(key, "only applies to kind = 'command'")]
        return []


@dataclass(frozen=True)
class LogsConfig:
    """The logs tail panel."""

    sources: tuple[LogSource, ...] = ()
    buffer: int = field(default=10_000, metadata=check(checks.positive))
    """Lines kept per source; memory stays bounded whatever the volume."""
    max_line: int = field(default=2_000, metadata=check(checks.positive))
    """Display cut for over-long lines (saved buffers keep them whole)."""
    reattach_delay: float = field(default=1.0, metadata=check(checks.positive))
    """First wait before reattaching a source that ended (doubles up to 5 s; a command
    with `restart` up to 30 s)."""
    error_pattern: str = field(
        default=r"(?i)\b(error|err|fatal|critical|crit|panic|exception|traceback)\b",
        metadata=check(checks.regex),
    )
    warn_pattern: str = field(default=r"(?i)\b(warn|warning)\b", metadata=check(checks.regex))
    timeout: float = field(default=10.0, metadata=check(checks.positive))

    def buffer_for(self, source: LogSource) -> int:
        return source.buffer or self.buffer

    def _check(self) -> list[tuple[str, str]]:
        tags = [s.tag for s in self.sources]
        issues = []
        for dup in checks.duplicates(tags):
            index = len(tags) - 1 - tags[::-1].index(dup)
            issues.append((f"sources[{index}].name", f"duplicate source tag {dup!r}; set name"))
        return issues
