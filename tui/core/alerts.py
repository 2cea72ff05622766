"""Alerts from Prometheus Alertmanager: the types, the HA de-duplication, the grouping, what
the verdict counts and the timeline candidates.

The probe (`probes/alertmanager.py`) puts one `SourceReading` per `[[alerts]]` source into the
store under `store_kind(name)`, already sanitized and bounded. Everything here is pure: the
panel, `warroom status` and the verdict read `alerts_view(config, store)`.

Several Alertmanagers of one HA cluster report the same alerts: an alert is one row per
fingerprint (Alertmanager's hash of the label set), naming every source that reports it. It is
`firing` when any source shows it neither silenced nor inhibited, else `silenced` (or
`inhibited`) — folded away in the panel, counted, never in the verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.core.config.alerts import AlertSource
from tui.core.config.schema import Config
from tui.core.docker_model import human_duration
from tui.core.model import utcnow
from tui.core.store import Store

KIND_PREFIX = "alerts:"
AlertState = Literal["firing", "silenced", "inhibited"]
_RANK = {"firing": 0, "inhibited": 1, "silenced": 2}
SEVERITY_ORDER = ("critical", "page", "error", "high", "warning", "medium", "info", "low", "none")


def store_kind(source: str) -> str:
    """The store snapshot kind of one source's latest reading."""
    return KIND_PREFIX + source


@dataclass(frozen=True, slots=True)
class Alert:
    """One active alert (labels and annotations sanitized and bounded by the probe)."""

    fingerprint: str
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    state: AlertState
    starts_at: dt.datetime | None
    sources: tuple[str, ...]

    def label(self, name: str) -> str | None:
        return next((v for k, v in self.labels if k == name), None)

    def annotation(self, name: str) -> str | None:
        return next((v for k, v in self.annotations if k == name), None)

    @property
    def name(self) -> str:
        return self.label("alertname") or "(no alertname)"

    @property
    def severity(self) -> str:
        return self.label("severity") or "none"

    @property
    def summary(self) -> str:
        return (self.annotation("summary") or self.annotation("description")
                or self.annotation("message") or "")


@dataclass(frozen=True, slots=True)
class SourceReading:
    """What one Alertmanager said. `error` set: no answer (`since` = first failure)."""

    source: str
    at: dt.datetime
    alerts: tuple[Alert, ...] = ()
    error: str | None = None
    since: dt.datetime | None = None
    truncated: int = 0
    """Alerts beyond the per-source bound, dropped (counted, said in the panel)."""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A source as the panel and the verdict say it: ok, unreachable (since) or stale."""

    name: str
    ok: bool
    text: str
    at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class AlertGroup:
    key: tuple[str, ...]
    firing: tuple[Alert, ...]
    silenced: int = 0
    inhibited: int = 0

    @property
    def title(self) -> str:
        return " · ".join(self.key)


@dataclass(frozen=True, slots=True)
class AlertsView:
    alerts: tuple[Alert, ...]
    groups: tuple[AlertGroup, ...]
    sources: tuple[SourceStatus, ...]
    silenced: int = 0
    inhibited: int = 0
    truncated: int = 0
    critical: frozenset[str] = field(default_factory=frozenset)
    """Fingerprints of the firing alerts judged critical."""


def merge(readings: Iterable[SourceReading]) -> tuple[Alert, ...]:
    """One alert per fingerprint over every source that answered, naming all of them."""
    merged: dict[str, Alert] = {}
    for reading in readings:
        if reading.error is not None:
            continue
        for alert in reading.alerts:
            known = merged.get(alert.fingerprint)
            if known is None:
                merged[alert.fingerprint] = alert
                continue
            state = min(known.state, alert.state, key=_RANK.__getitem__)
            starts = [t for t in (known.starts_at, alert.starts_at) if t is not None]
            sources = known.sources + tuple(s for s in alert.sources if s not in known.sources)
            merged[alert.fingerprint] = Alert(
                known.fingerprint, known.labels, known.annotations or alert.annotations,
                state, min(starts) if starts else None, sources)
    return tuple(sorted(merged.values(), key=_order))


def _order(alert: Alert) -> tuple[Any, ...]:
    sev = alert.severity
    rank = SEVERITY_ORDER.index(sev) if sev in SEVERITY_ORDER else len(SEVERITY_ORDER)
    start = alert.starts_at.timestamp() if alert.starts_at else 0.0
    return (rank, alert.name, -start, alert.fingerprint)


def group(alerts: Iterable[Alert], group_by: tuple[str, ...]) -> tuple[AlertGroup, ...]:
    """Groups by the values of `group_by` (a missing label reads "-"), worst severity first;
    silenced and inhibited alerts only counted."""
    firing: dict[tuple[str, ...], list[Alert]] = {}
    folded: dict[tuple[str, ...], list[int]] = {}
    for alert in alerts:
        key = tuple(alert.label(name) or "-" for name in group_by)
        firing.setdefault(key, [])
        counts = folded.setdefault(key, [0, 0])
        if alert.state == "firing":
            firing[key].append(alert)
        elif alert.state == "silenced":
            counts[0] += 1
        else:
            counts[1] += 1
    groups = [AlertGroup(key, tuple(rows), *folded[key]) for key, rows in firing.items()]
    groups.sort(key=lambda g: (not g.firing, _order(g.firing[0]) if g.firing else (), g.key))
    return tuple(groups)


def is_critical(config: Config, alert: Alert) -> bool:
    """A firing alert pages when, for any of its sources, its `critical_label` has one of
    that source's `critical_values`."""
    by_name = {s.name: s for s in config.alerts}
    for name in alert.sources:
        source = by_name.get(name)
        if source and alert.label(source.critical_label) in source.critical_values:
            return True
    return False


def alerts_view(config: Config, store: Store, now: dt.datetime | None = None) -> AlertsView:
    now = now or utcnow()
    readings: list[SourceReading] = []
    statuses: list[SourceStatus] = []
    for source in config.alerts:
        snap = store.snapshots.get(store_kind(source.name))
        reading = snap.value if snap and isinstance(snap.value, SourceReading) else None
        statuses.append(source_status(source, reading,
                                      store.snapshot_is_stale(store_kind(source.name), now), now))
        if reading is not None and statuses[-1].ok:
            readings.append(reading)
    alerts, groups, critical = _merged(config, tuple(readings))
    return AlertsView(
        alerts, groups, tuple(statuses),
        sum(a.state == "silenced" for a in alerts), sum(a.state == "inhibited" for a in alerts),
        sum(r.truncated for r in readings), critical)


_LAST_MERGE: list[Any] = []
"""[config, readings, result] of the last merge: the render pass asks every second, the
panel and the verdict each, while the readings change once a poll (≈10 ms each with 1,000
alerts)."""


def _merged(config: Config, readings: tuple[SourceReading, ...]
            ) -> tuple[tuple[Alert, ...], tuple[AlertGroup, ...], frozenset[str]]:
    if _LAST_MERGE and _LAST_MERGE[0] is config and len(_LAST_MERGE[1]) == len(readings) \
            and all(a is b for a, b in zip(_LAST_MERGE[1], readings, strict=True)):
        return _LAST_MERGE[2]  # type: ignore[no-any-return]
    alerts = merge(readings)
    group_by = config.alerts[0].group_by if config.alerts else ("alertname", "severity")
    critical = frozenset(a.fingerprint for a in alerts
                         if a.state == "firing" and is_critical(config, a))
    result = (alerts, group(alerts, group_by), critical)
    _LAST_MERGE[:] = [config, readings, result]
    return result


def source_status(source: AlertSource, reading: SourceReading | None, stale: bool,
                  now: dt.datetime) -> SourceStatus:
    if reading is None:
        return SourceStatus(source.name, False, f"{source.name}: no answer yet", None)
    if reading.error is not None:
        since = reading.since or reading.at
        age = human_duration((now - since).total_seconds())
        return SourceStatus(source.name, False, f"{source.name} unreachable since "
                            f"{since:%H:%M:%S} UTC ({age}): {reading.error}", reading.at)
    if stale:
        age = human_duration((now - reading.at).total_seconds())
        return SourceStatus(source.name, False, f"{source.name}: no fresh answer for {age} "
                            f"(last at {reading.at:%H:%M:%S} UTC)", reading.at)
    return SourceStatus(source.name, True, f"{source.name}: ok", reading.at)


def alert_line(alert: Alert) -> str:
    summary = f": {alert.summary}" if alert.summary else ""
    line = f"alert {alert.name} ({alert.severity}) firing{summary}"
    return line if len(line) <= 200 else line[:199] + "…"


def alert_problems(config: Config, store: Store, now: dt.datetime | None = None
                   ) -> tuple[list[str], list[str], list[str]]:
    """(critical, warning, unknown) lines for the verdict: firing critical alerts, other
    firing ones, sources with no fresh answer (with the time)."""
    if not config.alerts:
        return [], [], []
    view = alerts_view(config, store, now)
    critical: list[str] = []
    warning: list[str] = []
    for alert in view.alerts:
        if alert.state != "firing":
            continue
        (critical if alert.fingerprint in view.critical else warning).append(alert_line(alert))
    unknown = [f"alerts {s.text}" for s in view.sources if not s.ok]
    return critical, warning, unknown


class AlertWatch:
    """Timeline candidates: an alert newly firing, an alert resolved (no longer reported by
    any source that answered). The journal decides whether each is new (`decide_alert`)."""

    def __init__(self) -> None:
        self._firing: dict[str, Alert] | None = None

    def changes(self, view: AlertsView) -> list[dict[str, Any]]:
        if any(not s.ok for s in view.sources) and not any(s.ok for s in view.sources):
            return []  # nobody answered: nothing resolved, nothing new
        now = {a.fingerprint: a for a in view.alerts if a.state == "firing"}
        reported = {a.fingerprint for a in view.alerts}
        before = self._firing or {}
        out = [alert_event(a, "firing") for fp, a in now.items() if fp not in before]
        out += [alert_event(a, "resolved") for fp, a in before.items() if fp not in reported]
        self._firing = now
        return out


def alert_event(alert: Alert, event: str) -> dict[str, Any]:
    return {"key": f"alert:{alert.fingerprint}", "event": event, "name": alert.name[:200],
            "severity": alert.severity[:50], "summary": alert.summary[:300],
            "sources": list(alert.sources),
            "starts_at": alert.starts_at.isoformat() if alert.starts_at else None}


def decide_alert(data: dict[str, Any], at: dt.datetime, last: Any) -> dict[str, Any] | None:
    """Write an alert event unless the journal already says this alert is in this state (a
    first "resolved" with no history says nothing)."""
    if last is None:
        return data if data.get("event") == "firing" else None
    if last.data.get("event") == data.get("event") or last.event_time > at:
        return None
    return data


def alert_text(d: dict[str, Any]) -> str:
    """An ``alert`` entry in one line: "Alert HighErrorRate (critical) firing: 5xx > 5 %"."""
    summary = f": {d.get('summary')}" if d.get("summary") else ""
    sources = d.get("sources") or []
    via = f" [{', '.join(str(s) for s in sources)}]" if sources else ""
    return f"Alert {d.get('name')} ({d.get('severity')}) {d.get('event')}{summary}{via}"
