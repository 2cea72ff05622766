"""Container changes worth a timeline entry: restarts, state and health changes, engines lost.

UI-free: compares two `ContainersSnapshot`s and returns the `container` journal entries' data.
The first snapshot is the baseline and yields nothing.
"""

from __future__ import annotations

from typing import Any

from tui.core.docker_model import ContainerRow, ContainersSnapshot


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
        if row.restart_count > prev.restart_count or (
            prev.started_at and row.started_at and row.started_at > prev.started_at
            and prev.state == row.state == "running"
        ):
            changes.append(_entry(row, "restarted", f"restarts: {row.restart_count}"))
        elif row.state != prev.state:
            detail = f"{prev.state} → {row.state}"
            if row.exit_code is not None and row.state in ("exited", "dead"):
                detail += f" (exit code {row.exit_code})"
            changes.append(_entry(row, row.state, detail))
        if row.health != prev.health and row.health in ("healthy", "unhealthy"):
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
    return {"key": row.key, "host": row.host, "name": row.name, "color": row.color,
            "event": change, "detail": detail}


def _engine(host: str, event: str, detail: str) -> dict[str, Any]:
    return {"key": f"{host}/docker", "host": host, "name": f"docker@{host}", "event": event,
            "detail": detail}
