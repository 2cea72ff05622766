"""The timeline panel shows the declaration when it was declared — the post-mortem's rule
(`export_postmortem.row_time`), not the (backdated) start — and orders its rows by it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tui.app import WarroomApp
from tui.core.config import parse_config
from tui.core.incident import Incidents
from tui.core.incident.export_postmortem import postmortem, row_time
from tui.core.incident.tracker import IncidentTracker
from tui.core.journal import Journal
from tui.core.model import utcnow
from widgets.timeline import TimelinePanel, entry_text

from .conftest import warroom

CONFIG = '[environment]\nname = "declared-row"\n'


def _outage_declared_later(tmp_path: Path, incidents: Incidents) -> tuple[str, dt.datetime]:
    """api DOWN 9 s before anyone declares; the declaration is backdated to that signal."""
    first = utcnow().replace(microsecond=0) - dt.timedelta(seconds=9)
    audit = Journal(incidents.audit_path)
    audit.append("check", {"key": "api", "old": "OK", "new": "DOWN", "reason": "HTTP 503"},
                 event_time=first)
    audit.append("check", {"key": "web", "old": "OK", "new": "DOWN", "reason": "HTTP 502"},
                 event_time=first + dt.timedelta(seconds=4))
    warroom("--as", "alice", "incident", "open", "--title", "API down", "--severity", "P1",
            "--start", first.isoformat(), cwd=tmp_path)
    return "api", first


def test_live_timeline_rows_put_the_declaration_at_its_entry_time(tmp_path: Path) -> None:
    incidents = Incidents.from_config(parse_config(CONFIG))
    _, first = _outage_declared_later(tmp_path, incidents)
    live = IncidentTracker(incidents)
    live.load()
    state = live.state
    assert state is not None and state.start == first and state.declared_at > first
    rows = live.timeline(50)
    kinds = [(e.kind, e.data.get("key") or e.data.get("op"), mark) for e, mark in rows]
    assert kinds[:3] == [("check", "api", "before declaration"),
                         ("check", "web", "before declaration"), ("incident", "open", "")]
    opened = rows[2][0]
    header = entry_text(opened, None).plain.splitlines()[0]
    assert header.startswith(f"{state.declared_at:%H:%M:%S} INCIDENT alice"), header
    assert "noted" not in header  # declared now: not a backdated note
    assert [row_time(e) for e, _ in rows] == sorted(row_time(e) for e, _ in rows)
    # the post-mortem's timeline row for it says the same time
    md = postmortem(state, incidents.policy, utcnow(), live.prelude)
    row = next(line for line in md.splitlines() if "Incident declared" in line)
    assert row.startswith(f"| {state.declared_at:%Y-%m-%d %H:%M:%S} |"), row


async def test_the_timeline_panel_reads_the_declaration_time(tmp_path: Path) -> None:
    incidents = Incidents.from_config(parse_config(CONFIG))
    _, first = _outage_declared_later(tmp_path, incidents)
    app = WarroomApp(parse_config(CONFIG), author="ann@tui")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        state = app.incident_tracker.state
        assert state is not None
        lines = [str(o.prompt) for o in app.query_one(TimelinePanel)._options]
        declared = [i for i, line in enumerate(lines) if "Incident declared" in line]
        assert len(declared) == 1, lines
        line = lines[declared[0]]
        assert line.startswith(f"{state.declared_at:%H:%M:%S} INCIDENT"), line
        assert not line.startswith(f"{first:%H:%M:%S}")
        first_rows = [i for i, text in enumerate(lines) if "api" in text and "CHECK" in text]
        assert first_rows and first_rows[0] < declared[0]  # ordered by the time shown
