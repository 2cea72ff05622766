"""View models: what each panel shows, computed from config + store, free of any UI code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tui.core.config.schema import Config
from tui.core.latency import latency_text
from tui.core.maintenance import in_maintenance
from tui.core.model import State, utcnow, worst
from tui.core.store import Store
from tui.core.verdict import color_health, color_warnings


@dataclass(frozen=True, slots=True)
class HealthRow:
    key: str
    name: str
    color: str
    state: State
    latency: str
    build: str
    age: str
    reason: str
    child: bool = False
    maintenance: bool = False
    """Failing, and the failure is planned maintenance (`tui.core.maintenance`): not DOWN."""
    history: tuple[float | None, ...] = ()
    """The last answers' latencies (None: failed), oldest first: the sparkline."""


@dataclass(frozen=True, slots=True)
class ColorColumn:
    color: str
    live: bool
    state: State | None
    """None when no service of this color is checked ("no checks", never a healthy OK)."""
    services: tuple[tuple[str, State], ...]


@dataclass(frozen=True, slots=True)
class ColorView:
    live: str | None
    idle: str | None
    stale: bool
    age: str
    columns: tuple[ColorColumn, ...]
    deploy_state: tuple[tuple[str, str], ...]
    sources: tuple[tuple[str, str | None, str | None], ...]
    warnings: tuple[str, ...]


def age_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:  # 5 s steps: a panel at rest is not redrawn every second for its ages
        return f"{int(seconds // 5 * 5)}s"
    if seconds < 3600:
        return f"{seconds // 60:.0f}m"
    return f"{seconds // 3600:.0f}h"


def health_rows(
    config: Config, store: Store, now: dt.datetime | None = None, all_children: bool = False
) -> list[HealthRow]:
    """One row per service; dependency rows only when not OK (all of them if `all_children`)."""
    now = now or utcnow()
    paused = in_maintenance(config, store, now)
    rows: list[HealthRow] = []
    for service in config.services:
        check = store.checks.get(service.name)
        state = store.effective(service.name, now)
        if check is None:
            rows.append(HealthRow(service.name, service.name, service.color or "", State.UNKNOWN,
                                  "-", "", "-", "waiting for the first result"))
            continue
        latency = latency_text(store.typical_latency(service.name))
        if check.cold_ms is not None and check.warm_ms is None:
            latency = f"cold {latency}"  # the handshakes are in it: not comparable to warm
        reason = check.reason
        if state is State.STALE:
            reason = f"STALE (last: {check.state.value}, {check.reason})"
        tls = check.detail("tls")
        if tls and state is State.OK:
            reason = f"{reason} · TLS {tls}"
        shown = [c for c in check.children if all_children or c.state is not State.OK]
        healthy = sum(1 for c in check.children if c.state is State.OK)
        if check.children and len(shown) < len(check.children):
            reason = f"{reason} · deps {healthy}/{len(check.children)} ok"
        rows.append(HealthRow(
            service.name, service.name, service.color or "", state, latency,
            check.detail("x-build") or "", age_text(store.age(service.name, now)), reason,
            maintenance=service.name in paused, history=store.latency_history(service.name),
        ))
        for child in shown:
            child_state = State.STALE if state is State.STALE else child.state
            rows.append(HealthRow(
                f"{service.name}/{child.name}", child.name, "", child_state, "", "", "",
                child.reason, child=True,
                maintenance=service.name in paused and child_state is not State.OK,
            ))
    return rows


def color_view(config: Config, store: Store, now: dt.datetime | None = None) -> ColorView | None:
    if config.color is None:
        return None
    now = now or utcnow()
    result = store.color
    health = color_health(config, store, now)
    live = result.live if result else None
    columns = []
    for color in config.color.colors:
        services = tuple(
            (s.group or s.name, store.effective(s.name, now))
            for s in config.services if s.color == color
        )
        state = health.get(color, worst([st for _, st in services])) if services else None
        columns.append(ColorColumn(color, color == live, state, services))
    if result is None:
        return ColorView(None, None, True, "-", tuple(columns), (), (), ())
    age = (now - result.at).total_seconds()
    return ColorView(
        live=result.live,
        idle=result.idle,
        stale=store.color_is_stale(now),
        age=age_text(age),
        columns=tuple(columns),
        deploy_state=result.deploy_state,
        sources=tuple((r.source, r.color, r.error) for r in result.readings),
        warnings=tuple(color_warnings(config, store, now)),
    )
