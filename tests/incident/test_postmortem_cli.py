"""`warroom incident action-item add/list/done` and the post-mortem fields from the CLI (real
processes), after resolving: bad due dates refused as usage errors saying why, nothing
written; items and fields reach the exported post-mortem."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tui.core.config.incident import IncidentPolicy
from tui.core.incident import Incidents
from tui.core.incident.items import items
from tui.core.model import utcnow

from .conftest import warroom


def test_action_items_and_fields_from_the_cli_after_resolving(tmp_path: Path) -> None:
    warroom("incident", "open", "--title", "Queue stuck", "--severity", "P2", "--start", "20m",
            cwd=tmp_path)
    warroom("incident", "resolve", cwd=tmp_path)
    # no incident open: both go to the latest one
    out = warroom("--as", "ann", "incident", "action-item", "add", "Alarm", "on", "queue",
                  "depth", "--owner", "bob", "--due", "7d", cwd=tmp_path).stdout
    assert re.match(r"action item [0-9a-f]{12} added to \d{8}-\d{6}-queue-stuck", out)
    warroom("incident", "action-item", "add", "Runbook: drain step", "--owner", "cy",
            cwd=tmp_path)
    for bad, why in (("2026-02-30", "use YYYY-MM-DD (a real date)"),
                     ("31/12/2030", "use YYYY-MM-DD"), ("soon", "use YYYY-MM-DD"),
                     ("2020-01-01", "is in the past"),
                     ((utcnow().date() + dt.timedelta(days=1000)).isoformat(),
                      "more than two years ahead")):
        proc = warroom("incident", "action-item", "add", "x", "--due", bad, cwd=tmp_path,
                       check=False)
        assert proc.returncode == 2 and proc.stdout == "", (bad, proc.stderr)
        assert "argument --due" in proc.stderr and why in proc.stderr, (bad, proc.stderr)
    state = Incidents(IncidentPolicy()).all()[0]
    found = items(state)
    assert [(i.text, i.owner, i.author) for i in found] == [
        ("Alarm on queue depth", "bob", "ann"), ("Runbook: drain step", "cy", found[1].author)]
    assert found[0].due == utcnow().date() + dt.timedelta(days=7) and found[1].due is None

    listing = warroom("incident", "action-item", "list", cwd=tmp_path).stdout
    assert re.search(rf"1 {found[0].id}\s+open\s+{found[0].due}\s+bob\s+Alarm on queue depth",
                     listing), listing
    assert "completed: 0 of 2" in listing
    done = warroom("incident", "action-item", "done", found[0].id[:6], cwd=tmp_path).stdout
    assert f"action item {found[0].id} done" in done
    again = warroom("incident", "action-item", "done", found[0].id, cwd=tmp_path, check=False)
    assert again.returncode == 1 and "already done" in again.stderr
    unknown = warroom("incident", "action-item", "done", "zzz", cwd=tmp_path, check=False)
    assert unknown.returncode == 1 and "no action item matching 'zzz'" in unknown.stderr

    warroom("incident", "set", "went-poorly=paging reached nobody for 9 min",
            "contributing_factors=no alert on queue depth", "lessons=page on depth",
            "went_well=drain was quick", "root_cause=consumer deadlock", cwd=tmp_path)
    bad = warroom("incident", "set", "mood=grim", cwd=tmp_path, check=False)
    assert bad.returncode == 1 and "cannot set 'mood'" in bad.stderr
    md = warroom("incident", "export", cwd=tmp_path).stdout
    assert f"| `{found[0].id}` | Alarm on queue depth | bob | {found[0].due} | done |" in md
    assert "| Runbook: drain step | cy | — | open |" in md and "Completed: 1 of 2" in md
    for text in ("- paging reached nobody for 9 min", "1. no alert on queue depth",
                 "1. page on depth", "- drain was quick", "consumer deadlock"):
        assert text in md, text
