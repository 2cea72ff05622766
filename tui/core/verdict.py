"""The overall verdict over the store, in monitoring-plugin terms (OK/WARNING/CRITICAL/UNKNOWN).

`warroom status` exits with it; the TUI shows the same verdict in its header.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from tui.core.config.schema import Config
from tui.core.model import State, utcnow, worst
from tui.core.store import Store


class Exit(IntEnum):
    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


@dataclass(frozen=True)
class Verdict:
    code: Exit
    problems: tuple[str, ...]


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


def verdict(config: Config, store: Store, now: dt.datetime | None = None) -> Verdict:
    now = now or utcnow()
    critical: list[str] = []
    warning: list[str] = []
    unknown: list[str] = []
    for service in config.services:
        state = store.effective(service.name, now)
        result = store.checks.get(service.name)
        reason = result.reason if result else "no result"
        line = f"{service.name} {state.value}: {reason}"
        if state is State.DOWN:
            (critical if service.critical else warning).append(line)
        elif state is State.DEGRADED:
            warning.append(line)
        elif state in (State.UNKNOWN, State.STALE):
            unknown.append(line)
    if config.color and config.color.sources:
        if store.color is None or store.color_is_stale(now):
            unknown.append("active color: no fresh reading")
        elif store.color.live is None:
            errors = "; ".join(f"{r.source}: {r.error}" for r in store.color.readings if r.error)
            unknown.append(f"active color unknown ({errors})")
        warning.extend(color_warnings(config, store, now))
    if critical:
        return Verdict(Exit.CRITICAL, tuple(critical + warning + unknown))
    if warning:
        return Verdict(Exit.WARNING, tuple(warning + unknown))
    if unknown:
        return Verdict(Exit.UNKNOWN, tuple(unknown))
    return Verdict(Exit.OK, ())
