"""Many hosts in one containers panel: a summary per host and the host filter (no I/O).

`host_summaries(snapshot)` gives one `HostSummary` per watched engine — reachable or not (and
for how long), when it last answered, N running of M seen, the worst container state — worst
first, config order among equals. `RowFilter.parse("host:web-1 api")` keeps the rows of the
hosts named (exact name, else a substring, or a glob with `*`/`?`) whose name, image, state
or color contain every other word. Widgets render these; nothing here draws.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass

from tui.core.docker_model import ContainerRow, ContainersSnapshot, EngineStatus

WORST = ("dead", "exited", "restarting", "unhealthy", "paused", "removing", "created",
         "starting")
"""Container troubles, worst first (a running healthy container is none of them)."""


def trouble(row: ContainerRow) -> str | None:
    """The row's trouble word (one of WORST), None when it runs and is not unhealthy."""
    if row.state != "running":
        return row.state if row.state in WORST else "exited"
    if row.health in ("unhealthy", "starting"):
        return row.health
    return None


@dataclass(frozen=True, slots=True)
class HostSummary:
    """One host's line: engine state, counts, worst trouble and how many rows have it."""

    host: str
    engine: EngineStatus
    running: int
    seen: int
    """Containers seen on the host (the last known ones while it is unreachable)."""
    worst: str | None
    worst_count: int
    restarts: int

    @property
    def reachable(self) -> bool:
        return self.engine.reachable

    @property
    def rank(self) -> int:
        """Higher is worse: unreachable, then by worst trouble, then healthy."""
        if not self.engine.reachable:
            return len(WORST) + (1 if not self.engine.connecting else 0)
        if self.worst is None:
            return -1
        return len(WORST) - 1 - WORST.index(self.worst)

    def answered_age(self, now: dt.datetime) -> float | None:
        """Seconds since the engine last answered (None: never)."""
        at = self.engine.answered
        return None if at is None else max(0.0, (now - at).total_seconds())


def host_summaries(snapshot: ContainersSnapshot) -> list[HostSummary]:
    """One summary per engine, worst first (config order among equals)."""
    by_host: dict[str, list[ContainerRow]] = {e.host: [] for e in snapshot.engines}
    for row in snapshot.rows:
        by_host.setdefault(row.host, []).append(row)
    engines = {e.host: e for e in snapshot.engines}
    out = []
    for host, rows in by_host.items():
        engine = engines.get(host) or EngineStatus(host, False, snapshot.at, "not watched")
        troubles = [t for t in map(trouble, rows) if t is not None]
        worst = min(troubles, key=WORST.index) if troubles else None
        out.append(HostSummary(
            host=host, engine=engine, running=sum(r.state == "running" for r in rows),
            seen=len(rows), worst=worst, worst_count=troubles.count(worst) if worst else 0,
            restarts=sum(r.restart_count for r in rows)))
    return sorted(out, key=lambda s: -s.rank)


@dataclass(frozen=True, slots=True)
class RowFilter:
    """What `/` typed: host patterns (`host:A,B`, repeatable) and words (all must match)."""

    hosts: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> RowFilter:
        hosts: list[str] = []
        words: list[str] = []
        for token in text.split():
            if token.lower().startswith("host:"):
                hosts += [h for h in token[5:].lower().split(",") if h]
            else:
                words.append(token.lower())
        return cls(tuple(hosts), tuple(words))

    def __bool__(self) -> bool:
        return bool(self.hosts or self.words)

    def host_set(self, hosts: list[str]) -> set[str]:
        """The hosts kept among `hosts` (all of them without a host pattern). A pattern
        equal to a host's name keeps that host only; else it is a glob (with * ? [) or a
        substring."""
        if not self.hosts:
            return set(hosts)
        kept: set[str] = set()
        for pattern in self.hosts:
            exact = [h for h in hosts if h.lower() == pattern]
            if exact:
                kept.update(exact)
            elif any(c in pattern for c in "*?["):
                kept.update(h for h in hosts if fnmatch.fnmatchcase(h.lower(), pattern))
            else:
                kept.update(h for h in hosts if pattern in h.lower())
        return kept

    def keeps(self, row: ContainerRow) -> bool:
        """Whether every word is in the row's name, image, state, health or color."""
        if not self.words:
            return True
        hay = " ".join((row.name, row.image, row.state, row.health or "", row.color or "",
                        row.host)).lower()
        return all(word in hay for word in self.words)
