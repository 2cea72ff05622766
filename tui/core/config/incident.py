"""Schema of `[incident]`: where incidents live and the severity policy.

Defaults follow the runbooks: P0–P4 with the MTTR targets (P0 detect < 2, mitigate < 3,
recover < 5, MTTR < 10 minutes; P1 5/10/15/30; P2 15/30/60/120), status updates every 15 min
for P0, 30 for P1, 60 for P2, and escalation after 15/30/60 minutes. `scale = "SEV"` switches
to SEV-1…SEV-4 (response < 15 min / 1 h / 4 h / 24 h, updates every 30 min for SEV-1/2 and
hourly for SEV-3). Listing `[[incident.severities]]` replaces the preset entirely.

All durations are minutes; a target left out means "no target" for that level.
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
        return issues
