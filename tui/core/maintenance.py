"""Maintenance mode as a state of its own, read from the config's `[maintenance]` checks.

Two signals, either suffices: a service whose check reason matches `maintenance.reason` (the
public entry answering `{"status": "maintenance"}`), and a status command whose output matches
`maintenance.pattern` (its reading is kept in the store under `KIND`). The verdict counts those
services as MAINTENANCE, not DOWN; the banner says "MAINTENANCE since …".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from tui.core.config.schema import Config
from tui.core.model import State, Transition, utcnow
from tui.core.store import Store

KIND = "maintenance"
"""The store snapshot kind of the status command's latest `MaintenanceReading`."""


@dataclass(frozen=True, slots=True)
class MaintenanceReading:
    """What the maintenance status command said. `on` is None when it could not tell."""

    on: bool | None
    at: dt.datetime
    since: dt.datetime | None = None
    error: str | None = None
    label: str = "maintenance status"


@dataclass(frozen=True, slots=True)
class Maintenance:
    """Maintenance is on: since when (None when unknown) and what says so."""

    since: dt.datetime | None
    by: tuple[str, ...]

    def describe(self, now: dt.datetime | None = None) -> str:
        when = ""
        if self.since is not None:
            when = f" since {self.since:%H:%M:%S} UTC"
        return f"maintenance on{when} ({'; '.join(self.by)})"


def in_maintenance(config: Config, store: Store, now: dt.datetime | None = None
                   ) -> dict[str, str]:
    """Services whose current (fresh, failing) answer says maintenance → their reason."""
    m = config.maintenance
    if m is None or m.reason is None:
        return {}
    now = now or utcnow()
    found: dict[str, str] = {}
    for service in config.services:
        check = store.checks.get(service.name)
        if check is None or store.effective(service.name, now) not in (State.DOWN,
                                                                        State.DEGRADED):
            continue
        if m.says_maintenance(service.name, check.reason):
            found[service.name] = check.reason
    return found


def command_reading(store: Store, now: dt.datetime | None = None) -> MaintenanceReading | None:
    """The status command's latest reading, None when there is none or it is stale."""
    snap = store.snapshots.get(KIND)
    if snap is None or store.snapshot_is_stale(KIND, now):
        return None
    value = snap.value
    return value if isinstance(value, MaintenanceReading) else None


def maintenance(config: Config, store: Store, now: dt.datetime | None = None,
                services: dict[str, str] | None = None) -> Maintenance | None:
    """Whether maintenance is on now, since when and by which signal; None when off.
    `services`: `in_maintenance` at `now`, when the caller has it already."""
    if config.maintenance is None:
        return None
    now = now or utcnow()
    if services is None:
        services = in_maintenance(config, store, now)
    reading = command_reading(store, now)
    by: list[str] = []
    starts: list[dt.datetime] = []
    if reading is not None and reading.on:
        by.append(f"{reading.label}: ON")
        if reading.since is not None:
            starts.append(reading.since)
    for name, reason in services.items():
        by.append(f"{name}: {reason}")
        changed = store.changed_at.get(name)
        if changed is not None and not (reading and reading.since):
            starts.append(changed)
    if not by:
        return None
    return Maintenance(min(starts) if starts else None, tuple(by))


def mark_maintenance(config: Config, store: Store, transition: Transition) -> Transition:
    """The transition, flagged `maintenance` when its new failing state is planned
    maintenance: its reason says so, or the status command reads ON for a listed service."""
    if planned(config, store, transition.key, transition.new, transition.reason, transition.at):
        return dataclasses.replace(transition, maintenance=True)
    return transition


def planned(config: Config, store: Store, key: str, state: State, reason: str,
            at: dt.datetime) -> bool:
    """Whether check `key`, failing in `state` for `reason` at `at`, is planned maintenance."""
    m = config.maintenance
    if m is None or state not in (State.DOWN, State.DEGRADED):
        return False
    if m.says_maintenance(key, reason):
        return True
    if m.services and key in m.services:
        reading = command_reading(store, at)
        return bool(reading and reading.on)
    return False


class MaintenanceWatch:
    """Failing checks that go into or out of planned maintenance without changing state (a
    DOWN whose reason turns from "status = maintenance" to a real error, or the reverse):
    the store sees no transition, so these are made here, flagged as `mark_maintenance`
    would, for the journal and the toasts. Call `changes` once a tick."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[State, bool]] = {}

    def changes(self, config: Config, store: Store, now: dt.datetime) -> list[Transition]:
        if config.maintenance is None:
            return []
        out: list[Transition] = []
        for key, check in store.checks.items():
            state = store.effective(key, now)
            now_planned = planned(config, store, key, state, check.reason, now)
            seen, self._seen[key] = self._seen.get(key), (state, now_planned)
            if seen is not None and seen[0] is state and seen[1] != now_planned and (
                    state in (State.DOWN, State.DEGRADED)):
                out.append(Transition(key, state, state, check.reason, now, now_planned))
        return out
