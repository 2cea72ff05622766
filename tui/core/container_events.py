"""Container changes worth a timeline entry: restarts, state and health changes, engines lost.

UI-free. `container_changes` compares two `ContainersSnapshot`s and returns candidate
``container`` entries; `ContainerWatch` feeds it successive snapshots and, the first time a
host's engine answers (its rows then come from a full listing), yields one ``watching``
summary for the host plus a ``baseline`` candidate per container instead of an "appeared"
each. Every candidate carries ``seen`` (state, health, restarts, started) and is only a
candidate: `tui.core.auto_events.decide_container` decides under the journal lock whether the
journal already says it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tui.core.docker_model import ContainerRow, ContainersSnapshot
from tui.core.journal import format_time


class ContainerWatch:
    """Successive snapshots → candidate entries (a summary per host when first listed)."""

    def __init__(self) -> None:
        self._prev: ContainersSnapshot | None = None
        self._listed: set[str] = set()
        """Hosts whose engine has answered (and whose containers were listed) at least once."""
        self._reported: set[str] = set()
        """Hosts never reachable whose first failure was already turned into a candidate."""

    def changes(self, snapshot: ContainersSnapshot) -> list[dict[str, Any]]:
        listed_before = set(self._listed)
        out: list[dict[str, Any]] = []
        if self._prev is not None:
            out += [c for c in container_changes(self._prev, snapshot)
                    if c["host"] in listed_before]
        for engine in snapshot.engines:
            host = engine.host
            if host in listed_before:
                continue
            rows = [row for row in snapshot.rows if row.host == host] if engine.reachable else []
            if engine.reachable and not any(row.listed for row in rows):
                # the baseline once every row is inspected (a listed row's restart count,
                # start time and stopped health are not read yet)
                self._listed.add(host)
                out.append(summary(host, rows))
                out.append(_engine(host, "reachable", "docker answers"))
                out += [_entry(row, "baseline", f"state {row.state}") for row in rows]
            elif engine.error not in (None, "connecting") and host not in self._reported:
                self._reported.add(host)
                out.append(_engine(host, "unreachable", engine.error or "unreachable"))
        self._prev = snapshot
        return out


def summary(host: str, rows: list[ContainerRow]) -> dict[str, Any]:
    """"watching 20 containers (18 running, 2 exited)" for one host."""
    states = Counter(row.state for row in rows)
    unhealthy = sum(1 for row in rows if row.health == "unhealthy")
    parts = [f"{n} {state}" for state, n in sorted(states.items(), key=lambda i: (-i[1], i[0]))]
    parts += [f"{unhealthy} unhealthy"] if unhealthy else []
    noun = "container" if len(rows) == 1 else "containers"
    detail = f"{len(rows)} {noun}" + (f" ({', '.join(parts)})" if parts else "")
    return {"key": f"{host}/containers", "host": host, "name": host, "event": "watching",
            "detail": detail, "counts": dict(states)}


def container_changes(
    old: ContainersSnapshot | None, new: ContainersSnapshot
) -> list[dict[str, Any]]:
    if old is None:
        return []
    changes: list[dict[str, Any]] = []
    before = {row.key: row for row in old.rows}
    after = {row.key: row for row in new.rows}
    for key, row in after.items():
        prev = before.get(key)
        if prev is None:
            changes.append(_entry(row, "appeared", f"state {row.state}"))
            continue
        if not prev.never_inspected and (row.restart_count > prev.restart_count or (
            prev.started_at and row.started_at and row.started_at > prev.started_at
            and prev.state == row.state == "running"
        )):  # a never-inspected row's restart count and start time were not read yet
            changes.append(_entry(row, "restarted", f"restarts: {row.restart_count}"))
        elif row.state != prev.state:
            detail = f"{prev.state} → {row.state}"
            if row.exit_code is not None and row.state in ("exited", "dead"):
                detail += f" (exit code {row.exit_code})"
            changes.append(_entry(row, row.state, detail))
        if row.health != prev.health and row.health in ("healthy", "unhealthy") and not (
                prev.listed and prev.health is None):  # a listing shows no stopped health
            changes.append(_entry(row, row.health, f"health {prev.health or '-'} → {row.health}"))
    for key, row in before.items():
        if key not in after and row.host not in new.stale_hosts():
            changes.append(_entry(row, "removed", "container is gone"))
    for engine in new.engines:
        was = next((e for e in old.engines if e.host == engine.host), None)
        if was is not None and was.reachable and not engine.reachable:
            changes.append(_engine(engine.host, "unreachable", engine.error or "unreachable"))
        elif was is not None and not was.reachable and engine.reachable:
            changes.append(_engine(engine.host, "reachable", "docker answers again"))
    return changes


def _entry(row: ContainerRow, change: str, detail: str) -> dict[str, Any]:
    seen: dict[str, Any] = {"state": "removed" if change == "removed" else row.state,
                            "health": row.health, "restarts": row.restart_count}
    if row.started_at is not None:
        seen["started"] = format_time(row.started_at)
    return {"key": row.key, "host": row.host, "name": row.name, "color": row.color,
            "event": change, "detail": detail, "seen": seen}


def _engine(host: str, event: str, detail: str) -> dict[str, Any]:
    return {"key": f"{host}/docker", "host": host, "name": f"docker@{host}", "event": event,
            "detail": detail}
