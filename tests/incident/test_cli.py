"""An incident run from the CLI (real processes) and its exports compared to the journal."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from tui.core.config.incident import IncidentPolicy
from tui.core.incident import Incidents
from tui.core.incident.export_common import duration, utc
from tui.core.journal import Journal

from .conftest import warroom


def _run_incident(cwd: Path, incidents_dir: Path) -> Path:
    # the machine saw the failure before anyone declared: it lands in the audit journal
    Journal(incidents_dir / "audit.jsonl").append(
        "check", {"key": "api", "old": "OK", "new": "DOWN", "reason": "HTTP 503"})
    out = warroom("incident", "open", "--title", "API 503 after deploy", "--severity", "P1",
                  "--scope", "feature", "--scope-detail", "checkout", "--impact",
                  "checkout fails", "--start", "5m", "--as", "alice", cwd=cwd).stdout
    assert "declared" in out
    warroom("--as", "bob", "incident", "note", "saw 503s | in [red]logs[/]", "--pin",
            "--at", "4m", cwd=cwd)
    typo = warroom("incident", "note", "rollbakc started", cwd=cwd).stdout.split()[1]
    warroom("incident", "note", "rollback started", "--supersedes", typo, cwd=cwd)
    warroom("incident", "note", "-", input="TODO: alert on 503 rate\nsecond line", cwd=cwd)
    warroom("incident", "milestone", "detected", "--suggested", cwd=cwd)
    warroom("incident", "milestone", "acknowledged", cwd=cwd)
    state = Incidents(IncidentPolicy()).current()
    assert state is not None
    journal = Journal(state.path)
    attempt = {"attempt": "a1", "action": "rollback", "argv": ["bluegreen.sh", "rollback"],
               "where": "local"}  # the actions audit's records (tui/engine/actions/executor.py)
    journal.append("action", {**attempt, "outcome": "started"})
    journal.append("action", {**attempt, "outcome": "finished", "exit_code": 0,
                              "duration_s": 4.2})
    journal.append("action", {**attempt, "outcome": "effect", "expected": "blue",
                              "observed": "blue", "ok": True})
    journal.append("check", {"key": "api", "old": "DOWN", "new": "OK", "reason": "HTTP 200"})
    warroom("incident", "milestone", "mitigated", "--suggested", cwd=cwd)
    warroom("incident", "status", "monitoring", cwd=cwd)
    warroom("incident", "set", "root_cause=missing env var in compose.bluegreen.yml", cwd=cwd)
    warroom("incident", "resolve", "--summary", "rolled back to blue", cwd=cwd)
    return state.path


def test_incident_from_cli_to_postmortem_matches_the_journal(
        tmp_path: Path, incidents_dir: Path) -> None:
    path = _run_incident(tmp_path, incidents_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    incidents = Incidents(IncidentPolicy())
    state = incidents.load(path)
    assert state is not None and state.resolved and state.skipped == []
    assert state.severity == "P1" and state.commander == "alice"
    assert set(state.milestones) == {"detected", "acknowledged", "mitigated", "resolved"}

    target = tmp_path / "pm.md"
    warroom("incident", "export", "postmortem", "-o", str(target), cwd=tmp_path)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    md = target.read_text()
    sections = re.findall(r"^## (.+)$", md, re.M)
    for name in ("Summary", "Impact", "Response metrics", "Timeline (all times UTC)",
                 "Root Cause", "Resolution", "What Went Well", "What Went Poorly",
                 "Action Items", "Prevention", "Appendix"):
        assert name in sections
    assert md.startswith("# Post-Mortem: API 503 after deploy")
    # metrics are the milestone differences from the journal
    metrics = state.metrics()
    for label in ("MTTD", "MTTA", "Time to mitigate", "MTTR"):
        row = next(line for line in md.splitlines() if line.startswith(f"| {label} ("))
        assert f"| {duration(metrics[label])} |" in row
    # every pinned note and every key event is in the timeline, at its event time (UTC)
    timeline = md.split("## Timeline (all times UTC)")[1].split("## Root Cause")[0]
    pinned = [e for e in state.live_entries() if e.pinned]
    assert pinned and all(utc(e.event_time) in timeline for e in pinned)
    assert "saw 503s \\| in [red]logs[/]" in timeline  # table-safe, markup left literal
    for e in state.entries:
        if e.kind == "incident" and e.data.get("op") in ("milestone", "status", "resolve"):
            assert utc(e.event_time) in timeline
    assert "Check api: OK → DOWN (HTTP 503)" in timeline  # from the audit prelude
    assert "Check api: DOWN → OK (HTTP 200)" in timeline
    # resolution lists the action and its result; root cause and action items prefilled
    resolution = md.split("## Resolution")[1].split("## What Went Well")[0]
    assert "rollback on local: finished, exit 0, 4.2s" in resolution
    assert "effect: expected blue, observed blue (as intended)" in resolution
    assert ": started" not in resolution
    assert "`bluegreen.sh rollback`" in resolution
    assert "missing env var in compose.bluegreen.yml" in md
    assert "| alert on 503 rate<br>" not in md and "alert on 503 rate second line" in md
    # the correction is shown, the original kept but struck
    assert "~~rollbakc started~~" in md and "corrects" in md


def test_status_updates_list_and_monthly_summary(tmp_path: Path, incidents_dir: Path) -> None:
    path = _run_incident(tmp_path, incidents_dir)
    out = warroom("incident", "export", "internal", cwd=tmp_path).stdout
    assert out.startswith("Subject: [P1] Update #1 - API 503 after deploy")
    assert "- api: OK" in out and "rollback" in out and "Status: RESOLVED" in out
    for kind in ("investigating", "identified", "monitoring", "resolved"):
        text = warroom("incident", "export", kind, cwd=tmp_path).stdout
        assert text.startswith(f"[{kind.capitalize()}] API 503 after deploy")
        assert "Impact: checkout fails" in text
        assert "Current state: all 1 monitored services OK" in text
    state = Incidents(IncidentPolicy()).load(path)
    assert state is not None
    listing = warroom("incident", "list", cwd=tmp_path).stdout
    assert state.id in listing and duration(state.metrics()["MTTR"]) in listing
    month = f"{state.start:%Y-%m}"
    summary = warroom("incident", "list", "--month", month, cwd=tmp_path).stdout
    assert "Total Incidents: 1" in summary and "- P1: 1" in summary
    assert f"- P1: {duration(state.metrics()['MTTR'])} over 1" in summary


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    proc = warroom("incident", "note", "--incident", "nope", "x", cwd=tmp_path, check=False)
    assert proc.returncode == 1 and "no incident matching 'nope'" in proc.stderr
    warroom("incident", "open", "--title", "first", cwd=tmp_path)
    again = warroom("incident", "open", "--title", "second", cwd=tmp_path, check=False)
    assert again.returncode == 1 and "still open" in again.stderr
    bad = warroom("incident", "severity", "P9", cwd=tmp_path, check=False)
    assert bad.returncode == 1 and "unknown severity 'P9'" in bad.stderr
    copy = warroom("incident", "export", "internal", "--copy", cwd=tmp_path, check=False)
    assert copy.returncode == 1 and "osc52" in copy.stderr
    status = warroom("incident", "status", cwd=tmp_path).stdout
    assert "INVESTIGATING" in status and "Detect" in status


def test_pin_is_a_mark_and_status_lists_unreadable_lines(tmp_path: Path,
                                                          incidents_dir: Path) -> None:
    warroom("incident", "open", "--title", "Marks", "--start", "5m", cwd=tmp_path)
    note = warroom("--as", "bob", "incident", "note", "api 503", "--at", "4m",
                   cwd=tmp_path).stdout.split()[1]
    assert "pinned" in warroom("--as", "ann", "incident", "pin", note, cwd=tmp_path).stdout
    again = warroom("incident", "pin", note, cwd=tmp_path, check=False)
    assert again.returncode == 1 and "already pinned" in again.stderr
    state = Incidents(IncidentPolicy()).current()
    assert state is not None
    original = next(e for e in state.entries if e.id == note)
    assert original.pinned and original.author == "bob"  # credited to its writer
    md = warroom("incident", "export", cwd=tmp_path).stdout
    assert re.search(r"\| 📌 api 503[^|]*\| bob \|", md)
    # a torn / hand-edited line: skipped, and `status` says which line and why
    with state.path.open("a") as f:
        f.write('{"v": 1, "id": "zz", "kind": "note"}\n')
    status = warroom("incident", "status", cwd=tmp_path).stdout
    assert f"unreadable lines in {state.path}" in status
    assert re.search(r"line \d+: missing entry_time|line \d+: missing author", status)
