"""Schema of `[incident]`: where incidents live and the severity policy.

Defaults follow the runbooks: P0–P4 with the MTTR targets (P0 detect < 2, mitigate < 3,
recover < 5, MTTR < 10 minutes; P1 5/10/15/30; P2 15/30/60/120), status updates every 15 min
for P0, 30 for P1, 60 for P2, and escalation after 15/30/60 minutes. `scale = "SEV"` switches
to SEV-1…SEV-4 (response < 15 min / 1 h / 4 h / 24 h, updates every 30 min for SEV-1/2 and
hourly for SEV-3). Listing `[[incident.severities]]` replaces the preset entirely.

All durations are minutes; a target left out means "no target" for that level.
`[incident.checklist]` and `[[incident.escalation]]` configure the incident checklist and the
escalation timers shown with the clock (`tui.core.incident.checklist`, `.escalation`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import checks
from .convert import check


@dataclass(frozen=True)
class Escalation:
    """Remind to escalate to `to` once the incident is `after` minutes old and unresolved."""

    after: float = field(metadata=check(checks.positive))
    to: str = field(metadata=check(checks.non_empty))


def _severity_names(value: str | tuple[str, ...]) -> str | None:
    names = (value,) if isinstance(value, str) else value
    if not names:
        return "names no severity (give one, e.g. \"P0\", or several)"
    return next((problem for n in names if (problem := checks.name(n))), None)


def _short_text(value: str) -> str | None:
    return checks.non_empty(value.strip()) or (
        f"is {len(value)} characters (at most {MAX_TEXT})" if len(value) > MAX_TEXT else None)


MAX_TEXT = 200
"""Longest checklist item, escalation target or note (characters): each is one line."""


@dataclass(frozen=True)
class EscalationRule:
    """`[[incident.escalation]]`: once an incident of `severity` (one name or several) has
    been unresolved `after` minutes since its start, escalate `to` someone ("Tech Lead —
    phone"). The timer turns amber, then red (due): it is journaled once and acknowledged
    with a key (`tui.core.incident.escalation`)."""

    severity: str | tuple[str, ...] = field(metadata=check(_severity_names))
    after: float = field(metadata=check(checks.positive))
    to: str = field(metadata=check(_short_text))
    note: str = ""

    @property
    def severities(self) -> tuple[str, ...]:
        return (self.severity,) if isinstance(self.severity, str) else tuple(self.severity)

    def applies(self, severity: str) -> bool:
        return severity.lower() in (s.lower() for s in self.severities)

    @property
    def key(self) -> str:
        """The rule's identity in the journal: the same rule under several severities (a
        severity change) fires once."""
        return f"{self.after:g}m:{self.to}"


DEFAULT_CHECKLIST = (
    "Acknowledge: claim the incident, name the commander",
    "Assess severity and impact",
    "Communicate: post the initial status update",
    "Escalate if needed (see the escalation timers)",
    "Mitigate: stop the harm spreading (rollback, restart, maintenance)",
    "Verify recovery: checks green, monitor stability",
    "Resolve: status resolved, root cause written down",
    "Schedule the post-mortem",
)
"""From the seeds' flows (acknowledge → assess → communicate → escalate; mitigate → verify
recovery → resolved → post-mortem)."""
CUSTOMER_STEP = "Notify customers (status page) and keep the update cadence"
"""Added after "Communicate" for the two most severe levels (the seeds: P0/P1, SEV-1/2)."""
MAX_ITEMS = 40


@dataclass(frozen=True)
class Severity:
    """One level of the scale, most severe first. Targets are minutes.

    detect: start → detected; acknowledge: detected → acknowledged; mitigate: detected →
    mitigated; recover: mitigated → resolved; mttr: start → resolved (the total).
    """

    name: str = field(metadata=check(checks.name))
    description: str = ""
    detect: float | None = field(default=None, metadata=check(checks.positive))
    acknowledge: float | None = field(default=None, metadata=check(checks.positive))
    mitigate: float | None = field(default=None, metadata=check(checks.positive))
    recover: float | None = field(default=None, metadata=check(checks.positive))
    mttr: float | None = field(default=None, metadata=check(checks.positive))
    update_every: float | None = field(default=None, metadata=check(checks.positive))
    escalation: tuple[Escalation, ...] = ()

    def target(self, name: str) -> float | None:
        """A target by milestone name (detect, acknowledge, mitigate, recover, mttr)."""
        value = getattr(self, name, None)
        ok = isinstance(value, float | int) and not isinstance(value, bool)
        return float(value) if ok else None


_ESCALATE = (
    Escalation(15, "on-call engineer (Level 2)"),
    Escalation(30, "senior engineer + engineering manager"),
    Escalation(60, "CTO / leadership (customer communication)"),
)

P_SCALE = (
    Severity("P0", "Critical: complete outage or data loss", detect=2, mitigate=3, recover=5,
             mttr=10, update_every=15, escalation=_ESCALATE),
    Severity("P1", "High: major functionality unavailable or severe degradation", detect=5,
             mitigate=10, recover=15, mttr=30, update_every=30, escalation=_ESCALATE),
    Severity("P2", "Medium: degraded performance, workaround exists", detect=15, mitigate=30,
             recover=60, mttr=120, update_every=60,
             escalation=(Escalation(60, "senior engineer"),)),
    Severity("P3", "Low: minor issue, non-critical feature", mttr=1440),
    Severity("P4", "Info: monitoring alert or warning"),
)

SEV_SCALE = (
    Severity("SEV-1", "Service down, data loss", acknowledge=15, mttr=60, update_every=30,
             escalation=(Escalation(30, "tech lead"), Escalation(60, "product + support"))),
    Severity("SEV-2", "Major feature broken", acknowledge=60, update_every=30,
             escalation=(Escalation(60, "product + support"),)),
    Severity("SEV-3", "Minor feature impacted", acknowledge=240, update_every=60),
    Severity("SEV-4", "Cosmetic / low impact", acknowledge=1440),
)


@dataclass(frozen=True)
class IncidentPolicy:
    """Incident storage, severity scale and export options."""

    dir: str | None = None
    """Incident journals; default `$XDG_STATE_HOME/warroom/incidents` (~/.local/state/...)."""
    scale: Literal["P", "SEV"] = "P"
    severities: tuple[Severity, ...] = ()
    default_severity: str | None = None
    amber_at: float = field(default=0.75, metadata=check(checks.positive))
    """A target turns amber once this fraction of it has elapsed, red when breached."""
    osc52: bool = False
    """Allow copying exports to the clipboard through the terminal (OSC 52)."""
    osc52_max_bytes: int = field(default=75_000, metadata=check(checks.positive))
    timeline_limit: int = field(default=500, metadata=check(checks.positive))
    """Entries kept in the TUI's timeline sidebar."""
    checklist: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """`[incident.checklist]`: `default = [...]` and per-severity lists (`P0 = [...]`), each
    replacing the built-in list (`DEFAULT_CHECKLIST`) for its severity."""
    escalation: tuple[EscalationRule, ...] = ()
    """`[[incident.escalation]]` rules; when given they replace every level's own
    `escalation` list (the presets: 15/30/60 minutes)."""
    escalation_warn: float = field(default=5.0, metadata=check(checks.positive))
    """An escalation timer turns amber this many minutes before it is due (at most a fifth
    of its `after`)."""

    @property
    def levels(self) -> tuple[Severity, ...]:
        """The effective scale, most severe first."""
        if self.severities:
            return self.severities
        return SEV_SCALE if self.scale == "SEV" else P_SCALE

    def level(self, name: str) -> Severity | None:
        return next((s for s in self.levels if s.name.lower() == name.lower()), None)

    def rank(self, name: str) -> int | None:
        """0 for the most severe level."""
        names = [s.name.lower() for s in self.levels]
        return names.index(name.lower()) if name.lower() in names else None

    @property
    def default(self) -> str:
        if self.default_severity:
            return self.default_severity
        levels = self.levels
        return levels[min(2, len(levels) - 1)].name

    def escalation_rules(self, severity: str) -> tuple[EscalationRule, ...]:
        """The escalation rules of `severity`, soonest first: `[[incident.escalation]]` if
        any, else the level's own `escalation` list."""
        if self.escalation:
            rules = [r for r in self.escalation if r.applies(severity)]
        else:
            level = self.level(severity)
            rules = [EscalationRule(level.name, step.after, step.to)
                     for step in (level.escalation if level else ())]
        return tuple(sorted(rules, key=lambda r: r.after))

    def checklist_for(self, severity: str) -> tuple[str, ...]:
        """The incident checklist of `severity`: its own list, else `default`, else the
        built-in one (with the customer step for the two most severe levels)."""
        lists = {k.lower(): v for k, v in self.checklist.items()}
        own = lists.get(severity.lower(), lists.get("default"))
        if own is not None:
            return own
        rank = self.rank(severity)
        if rank is not None and rank < 2:
            return (*DEFAULT_CHECKLIST[:3], CUSTOMER_STEP, *DEFAULT_CHECKLIST[3:])
        return DEFAULT_CHECKLIST

    def directory(self, base_dir: str | Path = ".") -> Path:
        """Where incident journals are kept (created 0700 on first write)."""
        if self.dir:
            p = Path(self.dir).expanduser()
            return p if p.is_absolute() else Path(base_dir) / p
        state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        return Path(state) / "warroom" / "incidents"

    def _check(self) -> list[tuple[str, str]]:
        issues: list[tuple[str, str]] = []
        names = [s.name.lower() for s in self.severities]
        for dup in checks.duplicates(names):
            issues.append(("severities", f"duplicate severity {dup!r}"))
        if self.default_severity and self.level(self.default_severity) is None:
            known = ", ".join(s.name for s in self.levels)
            issues.append(("default_severity", f"{self.default_severity!r} is not one of {known}"))
        if not 0 < self.amber_at < 1:
            issues.append(("amber_at", "must be between 0 and 1 (a fraction of the target)"))
        return issues + self._check_duty()

    def _check_duty(self) -> list[tuple[str, str]]:
        """The checklist's and escalation rules' severity names, items and sizes."""
        issues: list[tuple[str, str]] = []
        known = ", ".join(s.name for s in self.levels)
        for name, items in self.checklist.items():
            if name != "default" and self.level(name) is None:
                issues.append((f"checklist.{name}", f"unknown severity {name!r} (known: "
                               f"{known}, or `default`)"))
            if not items or len(items) > MAX_ITEMS:
                issues.append((f"checklist.{name}", f"needs 1 to {MAX_ITEMS} items"))
            for i, item in enumerate(items):
                if problem := _short_text(item):
                    issues.append((f"checklist.{name}[{i}]", problem))
            for dup in checks.duplicates([" ".join(i.split()).lower() for i in items]):
                issues.append((f"checklist.{name}", f"duplicate item {dup!r}"))
        for i, rule in enumerate(self.escalation):
            for name in rule.severities:
                if self.level(name) is None:
                    issues.append((f"escalation[{i}].severity",
                                   f"unknown severity {name!r} (known: {known})"))
            if len(rule.note) > MAX_TEXT:
                issues.append((f"escalation[{i}].note", f"is longer than {MAX_TEXT} characters"))
        return issues
