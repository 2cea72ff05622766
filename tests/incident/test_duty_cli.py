"""`warroom incident checklist [tick|untick ITEM]` and `warroom incident escalation [ack RULE]`
(real processes): journaled exactly as `K`/`E` do (same kinds and ops, credited to --as), on
the open incident; none open, an unknown ITEM or a timer not due exit 2 saying why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tui.core.config.incident import IncidentPolicy
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident import checklist as checklists
from tui.core.incident import escalation as esc
from tui.core.journal import Journal
from tui.core.model import utcnow

from .conftest import warroom


def test_checklist_and_escalation_from_the_cli(tmp_path: Path) -> None:
    none = warroom("incident", "checklist", cwd=tmp_path, check=False)
    assert none.returncode == 2 and "no open incident" in none.stderr and none.stdout == ""

    incidents = Incidents(IncidentPolicy())
    start = utcnow() - dt.timedelta(minutes=40, seconds=30)
    state = ops.declare(incidents, Declaration("DB down", "P1", start=start), author="al")
    texts = IncidentPolicy().checklist_for("P1")

    out = warroom("--as", "ann", "incident", "checklist", "tick", "ASSESS", cwd=tmp_path).stdout
    assert out.startswith("☑ ticked: Assess severity")
    warroom("--as", "ann", "incident", "checklist", "tick", "1", cwd=tmp_path)
    warroom("--as", "bob", "incident", "checklist", "untick", "1", cwd=tmp_path)
    bad = warroom("incident", "checklist", "tick", "zzz", cwd=tmp_path, check=False)
    assert bad.returncode == 2 and "no checklist item matching 'zzz'" in bad.stderr
    listing = warroom("incident", "checklist", cwd=tmp_path).stdout
    assert f"1/{len(texts)} done" in listing and "[x] Assess severity" in listing
    assert "— ann " in listing

    timers = warroom("incident", "escalation", cwd=tmp_path).stdout
    assert "1 ✗ " in timers and "DUE 25 min ago" in timers and " in 19:" in timers
    acked = warroom("--as", "cy", "incident", "escalation", "ack", "1", cwd=tmp_path).stdout
    assert "acknowledged" in acked
    early = warroom("incident", "escalation", "ack", "3", cwd=tmp_path, check=False)
    assert early.returncode == 2 and "is not due" in early.stderr

    state = incidents.load(state.path)
    ticks = [(e.author, e.data) for e in Journal(state.path).load().entries
             if e.kind == checklists.KIND]
    assert ticks == [
        ("ann", {"key": checklists.item_key(texts[1]), "item": texts[1], "done": True}),
        ("ann", {"key": checklists.item_key(texts[0]), "item": texts[0], "done": True}),
        ("bob", {"key": checklists.item_key(texts[0]), "item": texts[0], "done": False})]
    [view] = [v for v in esc.escalations(state, incidents.policy, utcnow()) if v.state == "acked"]
    assert view.acked_by == "cy"
    [entry] = [e for e in state.entries if e.kind == esc.KIND]
    assert entry.data == {"key": view.key, "op": "acknowledged", "to": view.to,
                          "after": view.after}
