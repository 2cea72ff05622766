"""The post-mortem's Resolution lists only attempts that ran: one dismissed at its
confirmation (journaled "cancelled", never "started") stays in the timeline only; one
stopped while running (started, then cancelled) is a step that was taken."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tui.core.config import parse_config
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident.export_postmortem import postmortem
from tui.core.journal import Journal
from tui.core.model import utcnow


def test_a_dismissed_confirmation_is_not_a_resolution_step(tmp_path: Path) -> None:
    config = parse_config(f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path}"\n',
                          env={})
    incidents = Incidents.from_config(config)
    state = ops.declare(incidents, Declaration("API 5xx"), author="ann")
    journal = Journal(state.path)
    at = utcnow() - dt.timedelta(minutes=2)

    def action(name: str, attempt: str, outcome: str, minute: int, **more: object) -> None:
        journal.append("action", {"action": name, "attempt": attempt, "outcome": outcome,
                                  "host": "local", "argv": [f"/srv/{name}.sh"], **more},
                       author="ann", event_time=at + dt.timedelta(seconds=minute))

    action("maintenance-off", "a1", "cancelled", 1, reason="dismissed at confirmation")
    action("rollback", "a2", "started", 2)
    action("rollback", "a2", "cancelled", 3, reason="stopped by ann")
    action("maintenance-on", "a3", "started", 4)
    action("maintenance-on", "a3", "finished", 5, exit_code=0)
    state = incidents.load(state.path)
    assert state is not None
    text = postmortem(state, incidents.policy, utcnow(), incidents.prelude(state))
    resolution = text.split("## Resolution", 1)[1].split("\n## ", 1)[0]
    assert "maintenance-off" not in resolution, resolution
    assert "rollback" in resolution and "maintenance-on" in resolution, resolution
    assert "maintenance-off" in text.split("## Resolution", 1)[0]  # the timeline keeps it
