"""The runbook parser on real runbooks (excerpts of the five seeds, see fixtures/README.md),
hostile input and size bounds."""

from __future__ import annotations

import time
from pathlib import Path

from tui.core.runbook import parse, read_runbook
from tui.core.runbook.library import link_actions
from tui.core.runbook.model import MAX_STEPS

FIXTURES = Path(__file__).with_name("fixtures")


def _read(name: str):  # type: ignore[no-untyped-def]
    return read_runbook(FIXTURES / name, 2_000_000)


def _shape(rb) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(s.title, len(s.steps)) for s in rb.scenarios]


def test_markdown_numbered_lists_and_inline_commands() -> None:
    rb = _read("rollbacks.txt")
    assert rb.kind == "markdown"
    assert rb.title == "Runbooks – Incidents and Rollbacks (Phase 10)"
    assert _shape(rb) == [("Incident handling (high level)", 5),
                          ("If using Docker/containers", 4), ("If deploying from Git", 3),
                          ("After rollback", 3), ("Database migrations and rollback", 3),
                          ("Maintenance mode", 1)]
    git = rb.scenario("If deploying from Git")
    assert git is not None and git.parent == "Application rollback"
    assert git.steps[2].commands == ("php artisan config:clear", "php artisan cache:clear")
    assert git.steps[0].text.startswith("Check out the previous release tag")
    # nested bullets are the step's context, not steps
    docker = rb.scenario("If using Docker/containers")
    assert docker is not None and len(docker.steps[3].context) == 2
    # a fenced block after a paragraph is a step named by that paragraph
    maint = rb.scenario("maintenance mode")
    assert maint is not None
    assert maint.steps[0].text == "To put the app in maintenance mode during deploy or fixes"
    assert maint.steps[0].commands[:2] == ("cd backend", "php artisan down")
    assert rb.scenario("If using Docker/containers").notes == ()  # type: ignore[union-attr]


def test_command_blocks_split_at_comments_symptoms_are_notes() -> None:
    rb = _read("agency_runbook.txt")
    assert _shape(rb) == [("3.1 Initial Assessment", 4), ("4.1 Application Down (SEV-1)", 7),
                          ("4.2 Database Connection Failure (SEV-1)", 5),
                          ("4.3 Redis/Cache Failure (SEV-2)", 5)]
    down = rb.scenario("4.1")
    assert down is not None and down.label == "4. Common Incidents › 4.1 Application Down (SEV-1)"
    assert [s.text for s in down.steps][:3] == ["Check if server is reachable", "SSH to server",
                                                "Check services"]
    assert down.steps[0].commands == ("ping agency-platform.com",
                                      "curl -I https://agency-platform.com/")
    assert "• 502/503 errors" in down.notes  # "Symptoms:" describe, they are not steps
    assert rb.scenario("3.1").steps[0].text == "Acknowledge - Claim the incident"  # type: ignore


def test_mojibake_emoji_headings_checklists_and_attached_blocks() -> None:
    rb = _read("vedfinance_index.txt")
    assert _shape(rb) == [("When an Incident Occurs", 5), ("Health Checks", 4),
                          ("Log Analysis", 3), ("Quick Recovery", 4),
                          ("Runbook Checklist (Before Using)", 5)]
    quick = rb.scenario("When an Incident Occurs")
    assert quick is not None and quick.parent == "Quick Start Guide"  # "ðŸš€ Quick Start Guide"
    log = quick.steps[2]  # "3. **Log Incident**" + an indented ```bash block: one step
    assert log.text == "Log Incident"
    assert log.commands == ("cd /root/v-edfinance", './scripts/incident-tracker.sh log '
                            '--severity P0 --title "Brief description"')
    checklist = rb.scenario("Runbook Checklist")
    assert checklist is not None
    assert checklist.steps[0].text == "You've correctly identified the severity (P0/P1/P2)"
    every = " ".join(s.label + " " + " ".join(s.notes) for s in rb.scenarios)
    assert "ð" not in every and "â" not in every


def test_plain_text_headings_numbered_lines_and_command_runs() -> None:
    rb = _read("nexus_first_response.txt")
    assert rb.kind == "plain"
    assert rb.title == "Incident Response Runbook"  # "Skip to content" (a scrape) skipped
    assert _shape(rb) == [("First Five Minutes", 5), ("Rollback", 1), ("Maintenance Mode", 1)]
    rollback = rb.scenario("Rollback")
    assert rollback is not None
    assert rollback.steps[0].commands == (
        "sudo bash scripts/deploy/bluegreen-deploy.sh rollback --detach",
        "sudo bash scripts/deploy/bluegreen-deploy.sh logs -f")
    maintenance = rb.scenario("Maintenance Mode")
    assert maintenance is not None and len(maintenance.steps[0].commands) == 3


def test_scraped_wiki_page_without_blank_lines() -> None:
    rb = _read("nchat_playbook.txt")
    assert rb.kind == "plain"
    assert _shape(rb) == [("INCIDENT RESPONSE PLAYBOOK - nself-org/nchat GitHub Wiki", 5),
                          ("IMPACT x URGENCY = PRIORITY", 16)]
    steps = rb.scenarios[1].steps
    texts = [s.text for s in steps]
    # "# 1. ACKNOWLEDGE THE INCIDENT" (a shell comment numbering the steps) is a step; the
    # glued "…|| echo "AUTH DOWN"# 1. IDENTIFY …" is split
    assert texts[12:] == ["ACKNOWLEDGE THE INCIDENT", "ASSEMBLE WAR ROOM", "QUICK HEALTH CHECK",
                          "IDENTIFY FAILING COMPONENT"]
    health = steps[14]
    assert "nself status" in health.commands
    assert 'curl -f http://localhost:4000/healthz || echo "AUTH DOWN"' in health.commands


def test_hostile_input_is_inert() -> None:
    text = ("# Evil\x1b]0;pwned\x07 runbook\n\n## Step\x1b[2J one\n\n"
            "1. rm \x1b[31mred\x1b[0m [bold]x[/bold] [$var] \x9b2J\x07"
            " <!-- warroom: action=rm -->\n"
            "2. \u202eevil bidi\n"
            "```bash\necho \x1b]52;c;ZXZpbA==\x07 done\n```\n")
    rb = parse(text, "evil")
    step_texts = [s.text for s in rb.scenarios[0].steps]
    dump = repr(rb)
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in dump
    assert step_texts[0] == "rm red [bold]x[/bold] [$var]"  # markup stays literal text
    assert rb.scenarios[0].title == "Step one"
    assert rb.scenarios[0].steps[0].action == "rm"
    linked = link_actions(rb, {"rollback"}, {})  # no action "rm": the marker links nothing
    assert linked.scenarios[0].steps[0].action is None
    assert any("no configured action 'rm'" in w for w in linked.warnings)


def test_markers_and_config_mapping_link_actions() -> None:
    text = ("# R\n\n## Roll\n\n1. Check the live color\n   <!-- warroom: action=status -->\n"
            "2. Roll back to the idle color\n3. Nothing to link\n")
    rb = link_actions(parse(text, "r"), {"status", "rollback"}, {"(?i)roll ?back": "rollback"})
    assert [s.action for s in rb.scenarios[0].steps] == ["status", "rollback", None]


def test_five_megabytes_refused_fast_and_two_parsed_in_bounded_time(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"- [ ] step\n" * 480_000)  # 5.3 MB
    start = time.perf_counter()
    rb = read_runbook(big, 2_000_000)
    assert time.perf_counter() - start < 0.5
    assert rb.error is not None and "5.3 MB, over the 2 MB limit" in rb.error
    assert rb.scenarios == ()
    under = tmp_path / "under.md"  # just under the cap, every line a step and hostile bits
    under.write_bytes((b"## S\n" + b"1. **x** `curl a` \x1b[2J [b]y[/b]\n" * 60_000)[:1_990_000])
    start = time.perf_counter()
    rb = read_runbook(under, 2_000_000)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0, elapsed  # measured ~0.3 s on the dev machine
    assert rb.step_count == MAX_STEPS
    assert any("more than" in w for w in rb.warnings)
    one_line = tmp_path / "line.txt"  # one 1.9 MB line: cut, never a quadratic regex
    one_line.write_bytes(b"- " + b"**a `b " * 270_000)
    start = time.perf_counter()
    read_runbook(one_line, 2_000_000)
    assert time.perf_counter() - start < 1.0


def test_gone_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    rb = read_runbook(tmp_path / "missing.md", 1000)
    assert rb.error is not None and "cannot read" in rb.error
