"""Evaluate an action's preflight conditions over the store. Stale data always fails."""

from __future__ import annotations

import datetime as dt

from tui.core.attempts import PreflightResult
from tui.core.config.actions import Action, Preflight
from tui.core.config.schema import Config
from tui.core.model import State, utcnow
from tui.core.store import Store

from .values import LiveValues, TemplateError

_ALLOWED = {"OK": (State.OK,), "DEGRADED": (State.OK, State.DEGRADED)}


def evaluate(
    action: Action, config: Config, store: Store, values: LiveValues, uses_color: bool,
    now: dt.datetime | None = None,
) -> tuple[PreflightResult, ...]:
    """Every configured condition, plus an implicit "live color fresh" when argv uses it."""
    now = now or utcnow()
    results = [_one(cond, config, store, values, now) for cond in action.preflight]
    if uses_color:
        results.append(_color(Preflight(check="color"), store, values, now, "live color is fresh"))
    return tuple(results)


def _one(
    cond: Preflight, config: Config, store: Store, values: LiveValues, now: dt.datetime
) -> PreflightResult:
    label = cond.describe()
    if cond.check == "color":
        return _color(cond, store, values, now, label)
    if cond.check == "fresh":
        return _fresh(cond, config, store, now, label)
    if cond.check == "service":
        names = [cond.name or ""]
    else:
        try:
            color = values.expand(cond.color) if cond.color else None
        except TemplateError as exc:
            return PreflightResult(label, False, str(exc))
        if color:
            label = label.replace(cond.color or "", color)
        names = [
            s.name for s in config.services
            if cond.check == "all_services"
            or ((color is None or s.color == color)
                and (cond.group is None or s.group == cond.group))
        ]
        if not names:
            return PreflightResult(label, cond.check == "all_services", "no services match")
    return _services(names, cond.state, store, now, label)


def _services(
    names: list[str], state: str, store: Store, now: dt.datetime, label: str
) -> PreflightResult:
    bad, ages = [], []
    for name in names:
        effective = store.effective(name, now)
        age = store.age(name, now)
        if age is not None:
            ages.append(age)
        if effective not in _ALLOWED[state]:
            result = store.checks.get(name)
            why = result.reason if result is not None and effective is not State.STALE else ""
            if effective is State.STALE:
                why = f"no fresh result for {age:.0f} s" if age is not None else "no result"
            bad.append(f"{name} {effective.value}" + (f" ({why})" if why else ""))
    oldest = max(ages) if ages else None
    if bad:
        return PreflightResult(label, False, "; ".join(bad), oldest)
    return PreflightResult(label, True, ", ".join(f"{n} OK" for n in names), oldest)


def _color(
    cond: Preflight, store: Store, values: LiveValues, now: dt.datetime, label: str
) -> PreflightResult:
    color = store.color
    age = (now - color.at).total_seconds() if color else None
    if values.color_problem or color is None:
        return PreflightResult(label, False, values.color_problem or "no color", age)
    if store.color_is_stale(now):
        return PreflightResult(label, False, f"live color reading is {age:.0f} s old (stale)", age)
    if cond.live:
        try:
            want = values.expand(cond.live)
        except TemplateError as exc:
            return PreflightResult(label, False, str(exc), age)
        if color.live != want:
            return PreflightResult(label, False, f"live color is {color.live}, not {want}", age)
    return PreflightResult(label, True, f"live {color.live}, idle {color.idle}", age)


def _fresh(
    cond: Preflight, config: Config, store: Store, now: dt.datetime, label: str
) -> PreflightResult:
    stale, ages = [], []
    for service in config.services:
        age = store.age(service.name, now)
        if age is None:
            stale.append(f"{service.name} never probed")
            continue
        ages.append(age)
        if store.is_stale(service.name, now) or (cond.max_age and age > cond.max_age):
            stale.append(f"{service.name} {age:.0f} s old")
    if config.color is not None:
        if store.color is None:
            stale.append("color never probed")
        else:
            age = (now - store.color.at).total_seconds()
            ages.append(age)
            if store.color_is_stale(now) or (cond.max_age and age > cond.max_age):
                stale.append(f"color {age:.0f} s old")
    oldest = max(ages) if ages else None
    if stale:
        return PreflightResult(label, False, "stale: " + ", ".join(stale), oldest)
    return PreflightResult(label, True, "all data within its freshness bound", oldest)
