"""Ticked runbook steps reach the post-mortem's Resolution, with their times and authors;
a step ticked then unticked does not; the timeline says what a tick entry is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tui.core.config import parse_config
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident.export_common import describe
from tui.core.incident.export_postmortem import postmortem
from tui.core.journal import Journal
from tui.core.model import utcnow
from tui.core.runbook import KIND, tick_data


def test_resolution_lists_the_ticks_that_stuck(tmp_path: Path) -> None:
    config = parse_config(f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path}"\n',
                          env={})
    incidents = Incidents.from_config(config)
    state = ops.declare(incidents, Declaration("API 5xx"), author="ann")
    journal = Journal(state.path)
    at = utcnow() - dt.timedelta(minutes=3)
    journal.append(KIND, tick_data("api-5xx", "5xx right after a deploy",
                                   "Roll back to the idle color. | now", True, "rollback"),
                   author="ann", event_time=at)
    journal.append(KIND, tick_data("api-5xx", "5xx right after a deploy", "Page the DBA", True),
                   author="bob")
    journal.append(KIND, tick_data("api-5xx", "5xx right after a deploy", "Page the DBA",
                                   False), author="bob")
    state = incidents.load(state.path)
    assert state is not None
    text = postmortem(state, incidents.policy, utcnow(), incidents.prelude(state))
    resolution = text.split("## Resolution", 1)[1].split("\n## ", 1)[0]
    assert "Runbook steps ticked:" in resolution
    assert (f"- [x] {at:%H:%M:%S} — Roll back to the idle color. \\| now "
            "(5xx right after a deploy · api-5xx; by ann)") in resolution
    assert "Page the DBA" not in resolution  # unticked again
    entry = next(e for e in state.entries if e.kind == KIND)
    assert describe(entry).startswith("Runbook ☑ ticked: Roll back to the idle color.")
