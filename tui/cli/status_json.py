"""`warroom status --json`: the verdict with everything it was made from.

`status` is the word the banner shows (OK, WARNING, CRITICAL, UNKNOWN or MAINTENANCE) and
`exit` the monitoring-plugin code (MAINTENANCE exits 1, as WARNING); `problems` are the lines
behind it. A check's `latency_ms` is the figure it was judged by: `warm_ms` (a request on a kept
connection) when there is one, else `cold_ms` (the request that opened the connection, TCP and
TLS handshakes included; null when the round found a connection already open).
Also: every check, the color and each of its sources, the containers with their
engines, maintenance and the open incident.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tui.cli.status_alerts import alerts_json
from tui.cli.status_hosts import hosts_json
from tui.cli.status_metrics import metrics_json
from tui.cli.status_swarm import swarm_json
from tui.core.config import Config
from tui.core.docker_model import ContainersSnapshot
from tui.core.model import utcnow
from tui.core.store import Store
from tui.core.verdict import CONTAINERS, Verdict, container_is_critical


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def to_json(config: Config, store: Store, result: Verdict) -> dict[str, Any]:
    now = utcnow()
    return {
        "status": result.word,
        "exit": int(result.code),
        "code": result.code.name,
        "environment": config.environment.name,
        "production": config.environment.production,
        "at": now.isoformat(),
        "checks": _checks(config, store, now),
        "color": _color(config, store, result, now),
        "containers": _containers(config, store, result.live),
        "hosts": hosts_json(config, store),
        "maintenance": None if result.maintenance is None else {
            "since": _iso(result.maintenance.since),
            "by": list(result.maintenance.by),
        },
        "alerts": alerts_json(config, store),
        "metrics": metrics_json(config, store),
        "swarm": swarm_json(config, store),
        "incident": incident_json(config),
        "problems": list(result.problems),
    }


def _checks(config: Config, store: Store, now: dt.datetime) -> list[dict[str, Any]]:
    checks = []
    for service in config.services:
        check = store.checks.get(service.name)
        checks.append({
            "name": service.name,
            "color": service.color,
            "critical": service.critical,
            "state": store.effective(service.name, now).value,
            "reason": check.reason if check else "no result",
            "latency_ms": _ms(check.latency_ms if check else None),
            "warm_ms": _ms(check.warm_ms if check else None),
            "cold_ms": _ms(check.cold_ms if check else None),
            "at": check.at.isoformat() if check else None,
            "details": dict(check.details) if check else {},
            "children": [
                {"name": c.name, "state": c.state.value, "reason": c.reason}
                for c in (check.children if check else ())
            ],
        })
    return checks


def _color(config: Config, store: Store, result: Verdict, now: dt.datetime
           ) -> dict[str, Any] | None:
    color = store.color
    if config.color is None:
        return None
    if color is None:
        return {"live": None, "idle": None, "judged_live": None, "stale": True,
                "disagreement": False, "sources": [], "deploy_state": {}}
    return {
        "live": color.live,
        "idle": color.idle,
        "judged_live": result.live,
        "stale": store.color_is_stale(now),
        "disagreement": color.disagreement,
        "at": color.at.isoformat(),
        "sources": [
            {"source": r.source, "color": r.color, "error": r.error} for r in color.readings
        ],
        "deploy_state": dict(color.deploy_state),
    }


def _containers(config: Config, store: Store, live: str | None) -> dict[str, Any] | None:
    if config.containers is None:
        return None
    snap = store.snapshots.get(CONTAINERS)
    value = snap.value if snap else None
    if not isinstance(value, ContainersSnapshot):
        return {"engines": [], "rows": [], "at": None}
    return {
        "at": value.at.isoformat(),
        "engines": [
            {"host": e.host, "reachable": e.reachable, "since": _iso(e.since), "error": e.error}
            for e in value.engines
        ],
        "rows": [
            {"host": r.host, "name": r.name, "id": r.id, "color": r.color, "state": r.state,
             "health": r.health, "exit_code": r.exit_code,
             # None: the engine listed it but its inspect did not answer in time
             "restart_count": None if r.never_inspected else r.restart_count,
             "started_at": _iso(r.started_at), "image": r.image, "inspected": not r.listed,
             "critical": container_is_critical(config, r, live)}
            for r in value.rows
        ],
    }


def incident_json(config: Config) -> dict[str, Any] | None:
    """The open incident (the most recently declared), None when there is none."""
    from tui.core.incident.files import Incidents

    try:
        state = Incidents.from_config(config).current()
    except Exception as exc:  # an unreadable journal must not break the glance
        return {"error": str(exc)[:200]}
    if state is None:
        return None
    return {
        "id": state.id, "title": state.title, "severity": state.severity,
        "status": state.status, "commander": state.commander or None,
        "start": _iso(state.start), "declared_at": _iso(state.declared_at),
        "milestones": {k: _iso(v) for k, v in state.milestones.items()},
        "escalations_due": _escalations_due(state, config),
    }


def _escalations_due(state: Any, config: Config) -> list[dict[str, Any]]:
    """Escalation timers due and not acknowledged (`tui.core.incident.escalation`)."""
    from tui.core.incident.escalation import due_json

    return due_json(state, config.incident, utcnow())
