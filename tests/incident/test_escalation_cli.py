"""Due escalations and the checklist outside the TUI: `warroom status` (text and --json),
`warroom incident status`, and the post-mortem (real `warroom` processes, real journals)."""

from __future__ import annotations

import json
from pathlib import Path

from tui.core.config import load_config
from tui.core.incident import Incidents
from tui.core.incident import checklist as cl
from tui.core.incident import escalation as esc
from tui.core.incident.export_postmortem import postmortem
from tui.core.model import utcnow

from .conftest import warroom

CONFIG = """[environment]
name = "esc-cli"
[incident]
dir = "incidents"
[incident.checklist]
default = ["Acknowledge", "Post the initial status update", "Schedule the post-mortem"]
[[incident.escalation]]
severity = "P1"
after = 30
to = "Tech Lead — phone"
[[incident.escalation]]
severity = "P1"
after = 120
to = "CTO"
"""


def test_status_incident_show_and_postmortem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    cfg = ("--config", str(path))
    warroom(*cfg, "--as", "ann@cli", "incident", "open", "--title", "Checkout down",
            "--severity", "P1", "--start", "35m", cwd=tmp_path)
    assert warroom(*cfg, "check-config", str(path), cwd=tmp_path).returncode == 0

    # due (35 > 30 min) and not acknowledged: `warroom status` says so, text and JSON
    text = warroom(*cfg, "status", cwd=tmp_path, check=False).stdout
    assert "ESCALATE → Tech Lead — phone: DUE 5 min ago (after 30 min" in text
    assert "CTO" not in text
    data = json.loads(warroom(*cfg, "status", "--json", cwd=tmp_path, check=False).stdout)
    due = data["incident"]["escalations_due"]
    assert [(d["to"], d["after_minutes"], d["fired_at"]) for d in due] == [
        ("Tech Lead — phone", 30, None)]
    assert 300 <= due[0]["overdue_seconds"] < 360

    config = load_config(path)
    incidents = Incidents.from_config(config)
    state = incidents.current()
    assert state is not None
    journal = incidents.journal_for(state)
    view = esc.due(esc.escalations(state, config.incident, utcnow()))[0]
    assert esc.fire(journal, state, view, author="ann@tui", now=utcnow()) is not None
    cl.tick(journal, "Acknowledge", True, author="ann@tui")
    shown = warroom(*cfg, "incident", "status", cwd=tmp_path).stdout
    assert "! ESCALATE → Tech Lead — phone (after 30 min): DUE 5 min ago" in shown
    assert "→ CTO (after 120 min): in 1:24:" in shown
    assert "checklist 1/3:" in shown and "☑ Acknowledge (ann@tui " in shown
    assert "☐ Schedule the post-mortem" in shown

    esc.acknowledge(journal, view, author="bob@tui")
    data = json.loads(warroom(*cfg, "status", "--json", cwd=tmp_path, check=False).stdout)
    assert data["incident"]["escalations_due"] == []
    warroom(*cfg, "incident", "resolve", cwd=tmp_path)
    state = incidents.get(state.id)
    md = postmortem(state, config.incident, utcnow(), incidents.prelude(state))
    assert "Incident checklist (P1): 1/3 done" in md
    assert "- [x] Acknowledge — ann@tui " in md and "- [ ] Post the initial status update" in md
    assert "- Tech Lead — phone (after 30 min): fired " in md
    assert ", acknowledged by bob@tui " in md
    assert "- CTO (after 120 min): not needed (resolved first)" in md
    assert "ESCALATE to Tech Lead — phone (30 min unresolved)" in md  # a timeline row
