"""Alertmanager silences: the one an operator confirms (`SilenceRequest`), the ones
Alertmanager lists (`Silence`), and which of them a person may expire from the war room
(their own, still active).

Created from the alerts panel (`S`), expired from it (`X`); both go through the actions
guard and are audited (`tui/engine/actions/silences.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tui.core.alerts import Alert
from tui.core.docker_model import human_duration


@dataclass(frozen=True, slots=True)
class Silence:
    """One silence as an Alertmanager listed it (text sanitized and bounded by the probe)."""

    id: str
    matchers: tuple[str, ...]
    """Each as Alertmanager shows it: `name="value"`, `name=~"re"`, `name!="value"`."""
    created_by: str
    comment: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    state: str
    """active, pending or expired."""
    sources: tuple[str, ...]

    def describe(self) -> str:
        return ", ".join(self.matchers)

    def is_own(self, author: str) -> bool:
        return self.created_by == author

    def left(self, now: dt.datetime) -> str:
        """"1h05m left" (or "ended")."""
        if self.ends_at is None:
            return "end unknown"
        seconds = (self.ends_at - now).total_seconds()
        return f"{human_duration(seconds)} left" if seconds > 0 else "ended"


def merge_silences(lists: list[list[Silence]]) -> list[Silence]:
    """One row per silence id over the Alertmanagers of one HA cluster (they share
    silences), naming every source; active first, soonest end first."""
    merged: dict[str, Silence] = {}
    for found in lists:
        for s in found:
            known = merged.get(s.id)
            if known is None:
                merged[s.id] = s
            else:
                sources = known.sources + tuple(x for x in s.sources if x not in known.sources)
                merged[s.id] = Silence(known.id, known.matchers, known.created_by,
                                       known.comment, known.starts_at, known.ends_at,
                                       known.state, sources)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(merged.values(), key=lambda s: (s.state != "active", s.ends_at or far, s.id))


@dataclass(frozen=True, slots=True)
class SilenceRequest:
    """A silence as the operator confirmed it: equality matchers on the alert's labels,
    how long, who, why (required), and the sources to try in order (one HA cluster shares
    its silences: the first that accepts it is enough)."""

    matchers: tuple[tuple[str, str], ...]
    duration_s: float
    author: str
    comment: str
    sources: tuple[str, ...]

    def problem(self) -> str | None:
        if not self.comment.strip():
            return "a comment is required"
        if not self.matchers:
            return "no matchers"
        if not 60 <= self.duration_s <= 30 * 86400:
            return "duration must be between 1 minute and 30 days"
        if not self.sources:
            return "no Alertmanager to ask"
        return None

    def body(self, now: dt.datetime) -> dict[str, Any]:
        """The `POST /api/v2/silences` body."""
        return {"matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True}
                             for k, v in self.matchers],
                "startsAt": now.isoformat(),
                "endsAt": (now + dt.timedelta(seconds=self.duration_s)).isoformat(),
                "createdBy": self.author, "comment": self.comment.strip()}

    def describe(self) -> str:
        return ", ".join(f'{k}="{v}"' for k, v in self.matchers)


def silence_matchers(alert: Alert) -> tuple[tuple[str, str], ...]:
    """Matchers that silence exactly this alert: every label of it."""
    return alert.labels


def parse_duration(text: str) -> float | None:
    """"90m", "2h", "1d", "45" (minutes) → seconds; None when unreadable."""


    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text or "")
    if not match:
        return None
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 60}[match.group(2)]
    return float(match.group(1)) * unit
