"""`warroom incident action-item update ID [--owner] [--due] [--text]` (real processes): the
change is journaled as the fold's ``update``; a bad due date, an empty text or nothing to
change is a usage error (exit 2) saying why, nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tui.core.config.incident import IncidentPolicy
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident import items as action_items
from tui.core.journal import Journal
from tui.core.model import utcnow

from .conftest import warroom


def test_update_owner_due_text_and_bad_input(tmp_path: Path) -> None:
    incidents = Incidents(IncidentPolicy())
    state = ops.declare(incidents, Declaration("Queue stuck", "P2"), author="al")
    item = action_items.add(state, "Alarm on depth", owner="bob", author="al")

    out = warroom("--as", "cy", "incident", "action-item", "update", item.id[:6], "--owner",
                  "dee", "--due", "2w", "--text", "Alarm on queue depth", cwd=tmp_path).stdout
    assert f"action item {item.id} updated: Alarm on queue depth (owner dee" in out
    [found] = action_items.items(incidents.load(state.path))
    assert (found.text, found.owner, found.updated_by, found.status) == (
        "Alarm on queue depth", "dee", "cy", "open")
    assert found.due == utcnow().date() + dt.timedelta(days=14)
    size = len(Journal(state.path).load().entries)

    for args, why in ((["--due", "2026-02-30"], "argument --due"),
                      (["--due", "2020-01-01"], "is in the past"),
                      (["--text", "  "], "needs a text"),
                      ([], "say what changes")):
        proc = warroom("incident", "action-item", "update", "1", *args, cwd=tmp_path,
                       check=False)
        assert proc.returncode == 2 and proc.stdout == "" and why in proc.stderr, (args, proc)
    unknown = warroom("incident", "action-item", "update", "zzz", "--owner", "x", cwd=tmp_path,
                      check=False)
    assert unknown.returncode == 1 and "no action item matching 'zzz'" in unknown.stderr
    assert len(Journal(state.path).load().entries) == size  # nothing written
