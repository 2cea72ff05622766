"""The post-mortem follows the seeds' templates: every section present and filled from a
scripted incident (declare, notes, an action, milestones, set fields, action items, resolve),
metrics against the configured targets (met with the time to spare, missed by how much),
empty sections saying how to write them, and hostile text inert in the Markdown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tui.core.config.incident import IncidentPolicy, Severity
from tui.core.incident import Declaration, Incidents, ops
from tui.core.incident import items as action_items
from tui.core.incident.export_postmortem import postmortem
from tui.core.journal import Journal
from tui.core.model import utcnow

SECTIONS = ["Summary", "Impact", "Response metrics", "Timeline (all times UTC)", "Root Cause",
            "Resolution", "What Went Well", "What Went Poorly", "Action Items",
            "Lessons Learned", "Prevention", "Appendix"]
POLICY = IncidentPolicy(dir="incidents", severities=(
    Severity("P1", "High", detect=5, acknowledge=5, mitigate=10, recover=15, mttr=45),))
HOSTILE = ("\x1b]52;c;cHduZWQ=\x07\x1b[2J## Fake section\n<!-- swallow everything\n"
           "```\nunclosed | fence \u202e")


def _section(md: str, name: str) -> str:
    return md.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]


def _incident(tmp_path: Path, fields: dict[str, str] | None = None):
    """Declared 40 min ago: detected +2, acknowledged +9, mitigated +20, resolved +30."""
    incidents = Incidents(POLICY, tmp_path)
    now = utcnow().replace(microsecond=0)
    t0 = now - dt.timedelta(minutes=40)
    at = lambda m: t0 + dt.timedelta(minutes=m)  # noqa: E731
    state = ops.declare(incidents, Declaration(
        "Checkout 503 after deploy", "P1", "alice", "feature", "checkout", "checkout fails",
        t0, {"users": "many", "accessible": "partial", "data_risk": "no", "worsening": "yes"}),
        author="alice", failing=[{"key": "api", "state": "DOWN", "reason": "HTTP 503"}])
    journal = Journal(state.path)
    journal.append("check", {"key": "api", "old": "OK", "new": "DOWN", "reason": "HTTP 503"},
                   event_time=at(0))
    ops.set_milestone(state, "detected", author="alice", at=at(2))
    ops.note(journal, "rollback looks safe", author="bob", at=at(5), pinned=True)
    ops.note(journal, "TODO: alert on the 503 rate", author="bob", at=at(6))
    state = incidents.load(state.path)
    ops.set_milestone(state, "acknowledged", author="alice", at=at(9))
    attempt = {"attempt": "a1", "action": "rollback", "argv": ["deploy.sh", "rollback"]}
    journal.append("action", {**attempt, "outcome": "started"}, event_time=at(12))
    journal.append("action", {**attempt, "outcome": "finished", "exit_code": 0,
                              "duration_s": 3.5}, event_time=at(13))
    journal.append("check", {"key": "api", "old": "DOWN", "new": "OK", "reason": "HTTP 200"},
                   event_time=at(19))
    state = incidents.load(state.path)
    ops.set_milestone(state, "mitigated", author="alice", at=at(20))
    state = incidents.load(state.path)
    ops.resolve(state, author="alice", at=at(30))
    state = incidents.load(state.path)
    if fields:
        ops.set_fields(state, fields, author="carol")
    return incidents, incidents.load(state.path), now


FIELDS = {
    "summary": "A deploy dropped an env var; checkout returned 503 for 30 minutes.",
    "root_cause": "compose.bluegreen.yml lost `PAYMENT_URL` in the green color.",
    "contributing_factors": "- no config diff in review\n- the smoke test skips checkout",
    "went_well": "Rollback restored service without a maintenance window",
    "went_poorly": "❌ acknowledgement took 7 minutes\n* the runbook link was dead",
    "lessons": "1. diff the compose env per color\n2. smoke-test checkout",
    "links": "https://errors.example.com/issue/42",
    "prevention": "a CI check that every color's compose file sets the same env names",
}


def test_every_section_is_filled_from_a_scripted_incident(tmp_path: Path) -> None:
    incidents, state, now = _incident(tmp_path, FIELDS)
    a = action_items.add(state, "Add an alarm on the 503 rate", owner="bob",
                         due=now.date() + dt.timedelta(days=7), author="carol")
    action_items.add(state, "Diff compose env in CI", owner="dave", author="carol")
    state = incidents.load(state.path)
    action_items.update(state, a.id, status="done", author="bob")
    state = incidents.load(state.path)
    md = postmortem(state, POLICY, now, incidents.prelude(state))

    assert re.findall(r"^## (.+)$", md, re.M)[:len(SECTIONS)] == SECTIONS
    assert "### Contributing Factors" in md and "not written yet" not in md
    assert md.startswith("# Post-Mortem: Checkout 503 after deploy\n")
    assert "**Author(s):** alice, bob, carol" in md
    assert FIELDS["summary"] in _section(md, "Summary")
    impact = _section(md, "Impact")
    for row in ("| Who was affected | one feature: checkout |",
                "| Reported impact | checkout fails |",
                "| Approximate user count | Many (answered at declaration) |",
                "| Service accessible | Partially (answered at declaration) |",
                "| Revenue impacted or getting worse | Yes (answered at declaration) |",
                "| Data at risk | No (answered at declaration) |",
                "| Failing when declared | api DOWN (HTTP 503) |",
                "| Features degraded | api (DOWN) |", "| Duration | 30m 00s ("):
        assert row in impact, row
    metrics = _section(md, "Response metrics")
    assert "| MTTD (start → detected) | 2m 00s | 5m 00s | MET (3m 00s to spare) |" in metrics
    assert "| MTTA (detected → acknowledged) | 7m 00s | 5m 00s | MISSED by 2m 00s |" in metrics
    assert "| Time to mitigate (detected → mitigated) | 18m 00s | 10m 00s | MISSED by 8m 00s |" \
        in metrics
    assert "| Time to recover (mitigated → resolved) | 10m 00s | 15m 00s | MET (5m 00s to " \
        "spare) |" in metrics
    assert "| MTTR (start → resolved) | 30m 00s | 45m 00s | MET (15m 00s to spare) |" in metrics
    timeline = _section(md, "Timeline (all times UTC)")
    assert "📌 rollback looks safe" in timeline and "Milestone acknowledged reached" in timeline
    assert "Check api: DOWN → OK (HTTP 200)" in timeline and "Incident resolved" in timeline
    root = _section(md, "Root Cause")
    assert "`PAYMENT_URL`" in root
    assert "1. no config diff in review\n2. the smoke test skips checkout" in root
    assert "rollback: finished, exit 0, 3.5s — `deploy.sh rollback`" in _section(md, "Resolution")
    well = _section(md, "What Went Well")
    assert "- Rollback restored service without a maintenance window" in well
    assert "- Detect within the P1 target (2m 00s ≤ 5m 00s)." in well
    poorly = _section(md, "What Went Poorly")
    assert "- acknowledgement took 7 minutes\n- the runbook link was dead" in poorly
    assert "Acknowledge took 7m 00s, over the P1 target of 5m 00s." in poorly
    items = _section(md, "Action Items")
    assert f"| `{a.id}` | Add an alarm on the 503 rate | bob | " \
           f"{(now.date() + dt.timedelta(days=7)).isoformat()} | done |" in items
    assert "| Diff compose env in CI | dave | — | open |" in items
    assert "Completed: 1 of 2 (50 %)." in items
    assert "- alert on the 503 rate (bob," in items  # a TODO note, offered as a suggestion
    assert "1. diff the compose env per color\n2. smoke-test checkout" in _section(
        md, "Lessons Learned")


def test_empty_sections_say_how_to_write_them(tmp_path: Path) -> None:
    incidents, state, now = _incident(tmp_path)
    md = postmortem(state, POLICY, now, incidents.prelude(state))
    assert re.findall(r"^## (.+)$", md, re.M)[:len(SECTIONS)] == SECTIONS
    for key, section in (("summary", "Summary"), ("root_cause", "Root Cause"),
                         ("contributing_factors", "Root Cause"),
                         ("went_well", "What Went Well"), ("went_poorly", "What Went Poorly"),
                         ("lessons", "Lessons Learned")):
        assert f"(not written yet — `warroom incident set {key}=…` or the TUI's edit form)" \
            in _section(md, section), key
    assert "(none yet — `warroom incident action-item add TEXT --owner NAME --due DATE`" \
        in _section(md, "Action Items")


def test_hostile_text_is_inert(tmp_path: Path) -> None:
    fields = {key: HOSTILE for key in FIELDS}
    incidents, state, now = _incident(tmp_path, {**fields, "title": HOSTILE})
    action_items.add(state, HOSTILE, owner=HOSTILE, author="x")
    ops.note(Journal(state.path), HOSTILE, author="x")
    state = incidents.load(state.path)
    md = postmortem(state, POLICY, now, incidents.prelude(state))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", md)
    headings = re.findall(r"^#{1,3} .*$", md, re.M)
    assert not any("Fake" in h for h in headings[1:]), headings  # only inside the title
    assert not re.search(r"^\s*(?:[-*]|\d+\.)\s+(#|```)", md, re.M)  # nor in a list item
    assert "<!--" not in md.replace("\\<!--", "")  # no raw HTML comment anywhere
    assert re.findall(r"^## (.+)$", md, re.M)[:len(SECTIONS)] == SECTIONS
    # every code fence opened in people's text is closed before the next section
    for name in SECTIONS:
        body = _section(md, name)
        assert len(re.findall(r"^\s{0,3}```", body, re.M)) % 2 == 0, name
    # table rows stay rows: an untrusted "|" is escaped
    items = _section(md, "Action Items")
    row = next(line for line in items.splitlines() if "Fake" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 6, row
