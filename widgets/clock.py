"""The incident clock: no incident, or elapsed time since the incident started."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static


@dataclass(frozen=True)
class IncidentBrief:
    title: str
    severity: str
    status: str
    started: dt.datetime


def elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class ClockPanel(Static):
    """Shows `IncidentBrief` (or none) against `now`."""

    DEFAULT_CSS = """
    ClockPanel { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="clock")
        self.border_title = "Incident"
        self.incident: IncidentBrief | None = None

    def show(self, now: dt.datetime, incident: IncidentBrief | None) -> None:
        self.incident = incident
        if incident is None:
            self.update(Text("○ no incident declared", style="dim"))
            return
        text = Text()
        text.append(f" {incident.severity} ", style="bold white on red")
        text.append(f" {incident.status.upper()}  ", style="bold")
        text.append(elapsed((now - incident.started).total_seconds()), style="bold")
        text.append(f"  since {incident.started:%H:%M:%S} UTC\n", style="dim")
        text.append(incident.title)
        self.update(text)
