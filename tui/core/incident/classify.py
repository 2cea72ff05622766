"""The runbooks' guided classifier: impact × urgency → a severity suggestion.

High impact + high urgency = most severe (P0); one of them high = P1; both low = P2; a minor,
non-urgent issue = P3; nothing user-facing = P4. Data at risk or no access at all is always the
most severe (runbook: "Service accessible? No / Data at risk? Yes → SEV-1"). The rank is mapped
onto the configured scale (SEV-1…SEV-4 gets the same answer one level coarser at the bottom).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config.incident import IncidentPolicy


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    choices: tuple[tuple[str, str], ...]
    """(value, label) pairs, most severe first."""


QUESTIONS = (
    Question("scope", "What is affected?", (
        ("platform", "the whole platform"), ("feature", "one feature"), ("tenant", "one tenant"))),
    Question("accessible", "Is the service accessible?", (
        ("no", "no"), ("partial", "partially"), ("yes", "yes"))),
    Question("data_risk", "Is data at risk?", (("yes", "yes"), ("no", "no"))),
    Question("users", "Which users are affected?", (
        ("all", "all"), ("many", "many"), ("few", "a few"), ("none", "none yet"))),
    Question("worsening", "Is revenue impacted or is it getting worse?", (
        ("yes", "yes"), ("no", "no"))),
)


@dataclass(frozen=True)
class Classification:
    impact: str
    urgency: str
    rank: int
    severity: str
    reasons: tuple[str, ...]

    def describe(self) -> str:
        why = "; ".join(self.reasons) or "no high-impact or urgent answer"
        return f"impact {self.impact} × urgency {self.urgency} → {self.severity} ({why})"


def classify(answers: dict[str, str], policy: IncidentPolicy) -> Classification:
    """Suggest a severity from the answers (missing answers count as the least severe)."""
    scope = answers.get("scope", "tenant")
    accessible = answers.get("accessible", "yes")
    data_risk = answers.get("data_risk", "no") == "yes"
    users = answers.get("users", "none")
    worsening = answers.get("worsening", "no") == "yes"
    impact_reasons = [r for r, hit in (
        ("whole platform", scope == "platform"),
        ("service not accessible", accessible == "no"),
        ("data at risk", data_risk),
        (f"{users} users affected", users in ("all", "many")),
    ) if hit]
    urgency_reasons = [r for r, hit in (
        ("service (partly) down", accessible in ("no", "partial")),
        ("data at risk", data_risk),
        ("revenue impacted or worsening", worsening),
    ) if hit]
    high_impact, high_urgency = bool(impact_reasons), bool(urgency_reasons)
    if data_risk or accessible == "no" or (high_impact and high_urgency):
        rank = 0
    elif high_impact or high_urgency:
        rank = 1
    elif users == "few" or accessible == "partial":
        rank = 2  # low impact, low urgency, but users notice
    elif scope == "feature":
        rank = 3  # a non-critical feature, nobody affected yet
    else:
        rank = 4  # a warning: one tenant, nobody affected, service accessible
    levels = policy.levels
    severity = levels[min(rank, len(levels) - 1)].name
    reasons = tuple(dict.fromkeys([*impact_reasons, *urgency_reasons]))
    return Classification("high" if high_impact else "low", "high" if high_urgency else "low",
                          rank, severity, reasons)
