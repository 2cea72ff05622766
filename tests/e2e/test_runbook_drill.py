"""Issue 14's "Done when", played end to end: the INSTALLED `warroom` in real tmux (80x24 and
200x50) on the demo production, with the seed runbooks configured, an escalation rule and a
Slack-style receiver on loopback.

Break the live color, declare (scope and impact typed), confirm detected, acknowledge; open
the runbook pane on the seed "First Five Minutes" scenario, tick steps in one fast burst (one
ticked by mistake and unticked), press Enter on the step linked to `rollback` (refused
unarmed, then armed, confirmed with the idle color: the rollback runs); the linked step's
preflight then fails (the broken color is idle now) and the pane says so. The escalation
timer counts down under the clock, fires (timeline, toast, DUE) and is acknowledged with E;
a checklist item is ticked with K. A status update is sent from the incident menu: the
receiver gets Slack JSON (text + blocks), the journal says sent/200, the next-update timer
restarts, and the webhook URL's secret path never shows on a screen nor in the journal. An
action item and the post-mortem's written parts are typed in their forms, the last runbook
step is ticked, the color healed, the incident resolved and the post-mortem exported from
the TUI. Every section of the seeds' templates is then read back with the values typed and
the times this test recorded (within 2 s).

`[[incident.escalation]] after` is in minutes and may be fractional: 0.25 (15 s) here — the
app's clock cannot be injected into a process in tmux, so the timer really runs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import LIVE, Production, has_all, live_and_idle, wait_screen
from tests.e2e.runbook_drill_screen import (
    DUE,
    ESCALATE_AFTER,
    ESCALATE_TO,
    SCENARIO,
    SIZES,
    STEPS,
    confirm_suggested,
    declare_form,
    drill_config,
    entries,
    guard,
    incident_menu,
    mmss,
    pane_keys,
    pick,
    runbook,
    section,
    tick_marks,
    timer_left,
)
from tests.e2e.screen import assert_intact
from tests.e2e.test_drill import (
    app_stacks,
    close,
    journal_dir,
    now,
    seconds,
    stamp,
    table_value,
)
from tests.infra.http import HttpServer
from tests.infra.tmux import TmuxSession
from tui.demo import files


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_runbook_drill(production: Production, tmux_session: Callable[..., TmuxSession],
                       warroom_bin: str, xdg_dirs, http_server: HttpServer, tmp_path: Path,
                       width: int, height: int) -> None:
    secret = f"xoxb-{uuid.uuid4().hex}"
    config, hook = drill_config(production, http_server, tmp_path / "runbook-drill.toml", secret)
    demo_dir = production.dir
    files.heal_color(demo_dir)
    stacks = Path(xdg_dirs.state) / "stacks.txt"
    tui = tmux_session(term="tmux-256color").start(
        [warroom_bin, "--config", str(config)], width=width, height=height,
        env={"WARROOM_STACKS": str(stacks)})
    guard(tui, secret)
    screen = wait_screen(tui, lambda s: "all OK" in s and " OK " in s.splitlines()[0]
                         and LIVE.search(s) is not None, "a healthy production", timeout=30)
    live, idle = live_and_idle(screen)
    narrow = width < 120
    keys = pane_keys(tui, narrow)

    # --- break, declare with scope and impact -------------------------------------------------
    files.break_color(demo_dir, live, "redis")
    wait_screen(tui, has_all(re.compile(rf"DOWN\s+api-{live}\b"), "CRITICAL"),
                f"api-{live} DOWN")
    title = f"runbook drill {width}x{height}: {live} redis down"
    detail = f"checkout API on {live}"
    impact = f"checkout answered 503 on {live} for every user"
    declare_form(tui)
    # title, start, severity, scope, scope detail, impact: typed in one burst, as a person does
    tui.send_keys(title, "Tab", "Tab", "Tab", "Tab", detail, "Tab", impact, "C-s")
    screen = wait_screen(tui, has_all("INVESTIGATING", title[:30]), "the incident clock")
    start_text = re.search(r"start (?:\d{4}-\d\d-\d\d )?(\d\d:\d\d:\d\d)\b", screen)
    assert start_text, screen
    start = stamp(start_text.group(1), now().date())
    due = start + dt.timedelta(minutes=ESCALATE_AFTER)
    # the escalation timer counts down under the clock ("◷ 00:09 → Tech Lead — phone" narrow,
    # "→ Tech Lead — phone in 00:09" wide)
    timer = wait_screen(tui, lambda s: timer_left(s) is not None,
                        "the escalation timer under the clock")
    left = timer_left(timer)
    assert abs(left - (due - now()).total_seconds()) <= 2.5, (left, due, timer)
    confirm_suggested(tui, "detected")
    incident_menu(tui, "milestone: acknowledged now")
    acknowledged = now()

    # --- the checklist: the first item ticked (K, space) ------------------------------------
    tui.send_keys("K")
    duty = "space/Enter: tick or acknowledge"
    wait_screen(tui, has_all(duty, "Checklist 0/9", "☐ Acknowledge: claim the incident"),
                "the incident checklist")
    tui.send_keys("Space")
    wait_screen(tui, has_all(duty, "Checklist 1/9", "☑ Acknowledge: claim the incident"),
                "the first checklist item ticked")
    tui.send_keys("Escape")
    wait_screen(tui, lambda s: duty not in s, "the checklist closed")

    # --- the escalation fires (the overview is on screen); E acknowledges it -----------------
    wait_screen(tui, has_all(f"ESCALATE to {ESCALATE_TO} ({ESCALATE_AFTER:g} min unresolved)",
                             DUE),
                "the escalation fired (toast, DUE under the clock)", timeout=30)
    tui.send_keys("E")
    wait_screen(tui, has_all(f"✗ → {ESCALATE_TO} · DUE", "space acknowledges"),
                "the due escalation in the dialog")
    tui.send_keys("Space")
    acked = now()
    screen = wait_screen(tui, has_all(re.compile(rf"✓ → {ESCALATE_TO} · acked by \S+ \d\d:\d\d")),
                         "the escalation acknowledged")
    tui.send_keys("Escape")
    # the fired toast asked for E: acknowledged, it gives way to the acknowledgement's
    screen = wait_screen(tui, lambda s: f"escalation to {ESCALATE_TO} acknowledged" in s
                         and "space/Enter: tick" not in s, "the dialog closed, the ack's toast")
    assert "E acknowledges" not in screen, screen

    # --- the runbook pane: the seed scenario, steps ticked fast -------------------------------
    tui.send_keys(keys["runbook"])
    wait_screen(tui, has_all("Runbook · choose a scenario", f"› {SCENARIO}"),
                "the runbook picker on the first seed scenario")
    tui.send_keys("Enter")
    wait_screen(tui, has_all(f"Runbook · {SCENARIO}", "0/5 · space ticks"), "the seed's steps")
    # tick 1 and 2, tick 4 by mistake and untick it, back to 3: one burst
    ticks_at = now()
    tui.send_keys("Space", "Down", "Space", "Down", "Down", "Space", "Space", "Up")
    screen = wait_screen(tui, lambda s: "2/5 · space ticks" in s and "› [ ] If the issue "
                         "began" in s and len(tick_marks(s)) == 2 and "saving…" not in s,
                         "steps 1 and 2 ticked (saved), the cursor on step 3")
    steps = runbook(screen)
    assert f"[x] {STEPS[0]}" in steps and f"[x] {STEPS[1]}" in steps, screen
    assert f"[ ] {STEPS[3]}" in steps, f"the mistaken tick stayed:\n{screen}"
    assert f"[ ] {STEPS[2]} [b] rollback · preflight OK" in steps, screen
    for _, at in tick_marks(screen):
        close(stamp(at, ticks_at.date()), ticks_at, "a tick's time on screen")

    # --- the rollback, from its step: refused unarmed, then armed and confirmed ---------------
    tui.send_keys("Enter")
    wait_screen(tui, has_all("operator mode is not armed; press o to arm"),
                "Enter on the step refused while unarmed")
    tui.send_keys("o")
    wait_screen(tui, has_all("Arm operator mode?", "Arm (y)"), "the arming confirmation")
    tui.send_keys("y")
    wait_screen(tui, has_all("ARMED"), "operator mode armed")
    tui.send_keys("Enter")
    wait_screen(tui, has_all("Run rollback?", f"Type '{idle}' to confirm", "PASS"),
                "the rollback's confirmation, from the runbook step")
    tui.send_keys(idle, literal=True)
    rolled = now()
    tui.send_keys("Enter")
    wait_screen(tui, has_all(f"rollback: finished — live color is now {idle}"),
                "the rollback finished", timeout=30)
    live_ok = now()
    tui.send_keys("Space")  # the step is done: tick it
    fails = f"[b] rollback · preflight fails: services {live} are OK"
    wait_screen(tui, lambda s: "3/5 · space ticks" in s and fails in runbook(s),
                "step 3 ticked; its action's preflight now fails (the broken color is idle)")
    step3_at = now()
    confirm_suggested(tui, "mitigated")

    # --- a status update sent to the Slack-style receiver --------------------------------------
    incident_menu(tui, "send a status update", from_end=True)
    wait_screen(tui, has_all("Send a status update to 1 target(s)", "investigating"),
                "the update kinds")
    tui.send_keys("Enter")  # the incident's status first: investigating
    screen = wait_screen(tui, has_all("Send status update: investigating",
                                      f"[Investigating] {title[:30]}"), "the draft to send")
    assert f"to: slack-drill (slack) http://127.0.0.1:{http_server.port}/…" in screen, screen
    tui.send_keys("y")
    sent = now()
    wait_screen(tui, has_all("sent, HTTP 200"), "the update's result toast")
    deadline = time.monotonic() + 5
    while not (posts := [r for r in http_server.requests if r[0] == "POST"]):
        assert time.monotonic() < deadline, "the receiver got nothing"
        time.sleep(0.05)
    [(_, path, headers, body)] = posts
    assert path == hook
    assert headers.get("Content-Type", headers.get("content-type", "")).startswith(
        "application/json"), headers
    payload = json.loads(body)
    assert set(payload) >= {"text", "blocks"}, payload
    assert payload["text"].startswith(f"[Investigating] {title}"), payload["text"]
    assert "Status: INVESTIGATING" in payload["text"], payload["text"]
    assert re.search(r"Action rollback on local: finished, exit 0", payload["text"]), payload
    assert isinstance(payload["blocks"], list) and payload["blocks"], payload
    assert payload["blocks"][0]["type"] == "header", payload["blocks"][0]
    assert title in payload["blocks"][0]["text"]["text"], payload["blocks"][0]
    # the next update is due a whole cadence (P1: 30 min) after this one
    if narrow:
        tui.send_keys(keys["overview"])
    def restarted(screen: str) -> bool:
        found = re.search(r"✉ (?:next )?update due in (\d\d:\d\d)", screen)
        return found is not None and abs(
            mmss(found.group(1)) - (30 * 60 - (now() - sent).total_seconds())) <= 3

    wait_screen(tui, restarted, "the next-update timer restarted from the update sent",
                timeout=5)

    # --- an action item and the post-mortem's written parts -----------------------------------
    item, owner = f"alert on the 503 rate of the idle color ({width})", "dana"
    incident_menu(tui, "add an action item", from_end=True)
    wait_screen(tui, has_all("Action item →"), "the action-item form")
    tui.send_keys(item, "Tab", "C-u", owner, "Tab", "7d", "C-s")
    item_day = now().date()
    wait_screen(tui, has_all("action item saved"), "the action item saved")
    written = {
        "summary": f"{live}'s redis refused connections; traffic was rolled back to {idle}",
        "root_cause": f"redis on {live} lost its config after a restart",
        "contributing_factors": ("no alert on the idle color's redis",
                                 "the deploy script never checks redis"),
        "went_well": ("the rollback ran from the runbook step in seconds",),
        "went_poorly": ("the escalation fired before anyone had looked at it",),
        "lessons": ("check every dependency before a switch", "keep the runbook on screen"),
    }
    incident_menu(tui, "edit the post-mortem", from_end=True)
    wait_screen(tui, has_all("Post-mortem (ctrl+s saves", "Root cause"), "the edit form")
    burst: list[str] = [written["root_cause"], "Tab"]  # focus starts on the root cause
    for key in ("contributing_factors", "went_well", "went_poorly", "lessons"):
        for i, line in enumerate(written[key]):
            burst += (["Enter"] if i else []) + [line]
        burst.append("Tab")
    burst[-1:] = ["BTab"] * 5  # from the lessons back to the summary
    burst += [written["summary"], "C-s"]
    tui.send_keys(*burst)
    wait_screen(tui, has_all("post-mortem saved"), "the post-mortem's parts saved")

    # --- the last runbook step; heal; resolve ----------------------------------------------------
    tui.send_keys(keys["runbook"])
    wait_screen(tui, has_all(f"Runbook · {SCENARIO}", "3/5"), "back on the runbook")
    tui.send_keys("End", "Space")
    step5_at = now()
    wait_screen(tui, has_all("4/5 · space ticks", "[x] Record what changed"), "step 5 ticked")
    files.heal_color(demo_dir, live)
    wait_screen(tui, has_all("all OK"), "every check OK again", timeout=30)
    incident_menu(tui, "resolve the incident now")
    resolved = now()
    wait_screen(tui, has_all("incident resolved"), "the incident resolved")
    tui.send_keys("I")
    wait_screen(tui, has_all("Incident history", "runbook-drill"), "the incident history")
    tui.send_keys("Enter")
    wait_screen(tui, has_all("RESOLVED: runbook drill"), "the resolved incident's menu")
    pick(tui, "export the post-mortem")
    wait_screen(tui, lambda s: "wrote" in s and "postmortem.md" in
                s.replace("\n", "").replace("▌", "").replace(" ", ""), "the export written")
    try:
        screen = wait_screen(tui, lambda s: "wrote" not in s, "the toast gone", timeout=20)
    except AssertionError as exc:  # a frozen war room? its threads' stacks say where
        raise AssertionError(f"{exc}\n{app_stacks(tui, stacks)}") from None
    assert_intact(screen, width, height)
    tui.send_keys("q")
    assert tui.wait_exit(timeout=20) == 0

    # --- the journal: ticks, the escalation, the update — and never the URL -------------------
    folder = journal_dir(xdg_dirs.state)
    [journal] = [p for p in folder.glob("*runbook-drill*.jsonl")]
    log = entries(journal)
    author = next(e["author"] for e in log if e["kind"] == "incident"
                  and e["data"].get("op") == "open")
    steps = [(e["data"]["step"], e["data"]["ticked"]) for e in log if e["kind"] == "step"]
    assert steps == [(STEPS[0], True), (STEPS[1], True), (STEPS[3], True), (STEPS[3], False),
                     (STEPS[2], True), (STEPS[4], True)], steps
    fired = [e for e in log if e["kind"] == "escalation" and e["data"].get("op") == "fired"]
    assert len(fired) == 1, fired
    fired_at = dt.datetime.fromisoformat(fired[0]["event_time"])
    assert dt.timedelta(0) <= fired_at - due <= dt.timedelta(seconds=2.5), (fired_at, due)
    notify = [e["data"] for e in log if e["kind"] == "notify"]
    assert [(d["outcome"], d.get("status")) for d in notify] == [("sending", None),
                                                                  ("sent", 200)], notify
    assert notify[0]["targets"] == ["slack-drill"] and notify[1]["target"] == "slack-drill"
    for path in folder.iterdir():
        text = path.read_text()
        assert secret not in text and hook not in text, f"the webhook URL is in {path.name}"

    # --- the post-mortem: every section of the seeds' templates, filled from what happened -----
    [md] = folder.glob("*runbook-drill*.postmortem.md")
    text = md.read_text()
    headings = ["## Summary", "## Impact", "## Response metrics", "## Timeline",
                "## Root Cause", "### Contributing Factors", "## Resolution",
                "## What Went Well", "## What Went Poorly", "## Action Items",
                "## Lessons Learned", "## Prevention", "## Appendix"]
    places = [text.find(f"\n{h}") for h in headings]
    assert -1 not in places and places == sorted(places), list(zip(headings, places, strict=True))
    day = start.date()
    assert text.startswith(f"# Post-Mortem: {title}\n"), text[:200]
    assert section(text, "## Summary") == written["summary"]
    impact_text = section(text, "## Impact")
    assert table_value(impact_text, "Reported impact") == impact
    assert detail in table_value(impact_text, "Who was affected")
    assert f"api-{live}" in table_value(impact_text, "Features degraded")

    milestones = dict(re.findall(r"(detected|acknowledged|mitigated|resolved) (\d\d:\d\d:\d\d)",
                                 re.search(r"^Milestones: .*$", text, re.M).group(0)))
    at = {k: stamp(v, day) for k, v in milestones.items()}
    close(at["detected"], start, "detected (the first signal)")
    close(at["acknowledged"], acknowledged, "acknowledged")
    assert rolled - dt.timedelta(seconds=1) <= at["mitigated"] <= live_ok + \
        dt.timedelta(seconds=1), (at["mitigated"], rolled, live_ok)
    close(at["resolved"], resolved, "resolved")
    figures = {"MTTD": ("detect", start, at["detected"]),
               "MTTA": ("acknowledge", at["detected"], at["acknowledged"]),
               "Time to mitigate": ("mitigate", at["detected"], at["mitigated"]),
               "Time to recover": ("recover", at["mitigated"], at["resolved"]),
               "MTTR": ("mttr", start, at["resolved"])}
    targets = {"detect": "5m 00s", "acknowledge": "—", "mitigate": "10m 00s",
               "recover": "15m 00s", "mttr": "30m 00s"}  # the P1 preset
    for row, (target, a, b) in figures.items():
        cells = re.search(rf"^\| {re.escape(row)}[^|]*\| ([^|]*) \| ([^|]*) \| ([^|]*) \|",
                          text, re.M)
        assert cells, row
        measured, wanted, result = (c.strip() for c in cells.groups())
        assert abs(seconds(measured) - (b - a).total_seconds()) <= 1.5, (row, measured, a, b)
        assert wanted == targets[target], (row, wanted)
        assert result.startswith("MET (") if wanted != "—" else result == "NO TARGET", (row,
                                                                                      result)

    timeline = section(text, "## Timeline")
    rows = dict()
    for when, event in re.findall(r"^\| (\S+ \d\d:\d\d:\d\d) \| (.*?) \| [^|]* \|$", timeline,
                                  re.M):
        rows.setdefault(event, stamp(when, day))

    def row_at(pattern: str) -> dt.datetime:
        found = [t for event, t in rows.items() if re.search(pattern, event)]
        assert found, f"no timeline row {pattern!r}:\n{timeline}"
        return found[0]

    close(row_at(r"^Incident start — first signal: Check api-"), start, "start row")
    assert row_at(r"^Incident declared: ") >= start  # backdated to the first signal
    close(row_at(r"^Action rollback on local: finished, exit 0"), live_ok, "rollback row")
    close(row_at(rf"^ESCALATE to {ESCALATE_TO} \({ESCALATE_AFTER:g} min unresolved\)"),
          due, "escalation fired row")
    close(row_at(rf"^Escalation to {ESCALATE_TO} acknowledged"), acked, "escalation ack row")
    close(row_at(r"^Status update \(investigating\) sent to slack-drill: HTTP 200"), sent,
          "status update row", slack=3.0)
    close(row_at(r"^Incident resolved"), resolved, "resolved row")

    assert section(text, "## Root Cause").split("\n### ")[0].strip() == written["root_cause"]
    assert section(text, "### Contributing Factors") == "\n".join(
        f"{i}. {line}" for i, line in enumerate(written["contributing_factors"], 1))
    # the attempt before arming was refused: in the timeline, not among what was done
    row_at(r"^Action rollback on local: refused, reason: operator mode is not armed")
    resolution = section(text, "## Resolution")
    assert re.search(r"Action rollback on local: finished, exit 0", resolution), resolution
    assert "refused, reason" not in resolution, resolution
    assert re.search(rf"expected {idle}, observed {idle}", resolution), resolution
    ticks = re.findall(r"^- \[x\] (\d\d:\d\d:\d\d) — (.*) \((.*) · (.*); by (.*)\)$",
                       resolution, re.M)
    assert [t[1] for t in ticks] == [STEPS[0], STEPS[1], STEPS[2], STEPS[4]], resolution
    assert all(t[2:] == (SCENARIO, "nexus_first_response", author) for t in ticks), ticks
    for (when, *_), recorded in zip(ticks, (ticks_at, ticks_at, step3_at, step5_at),
                                    strict=True):
        close(stamp(when, day), recorded, "a ticked step's time", slack=3.0)
    assert "Incident checklist (P1): 1/9 done" in resolution, resolution
    assert "- [x] Acknowledge: claim the incident, name the commander" in resolution
    escalation = re.search(rf"- {ESCALATE_TO} \(after {ESCALATE_AFTER:g} min\): fired "
                           rf"(\d\d:\d\d:\d\d), acknowledged by (\S+) (\d\d:\d\d:\d\d)",
                           resolution)
    assert escalation, resolution
    close(stamp(escalation.group(1), day), due, "escalation fired")
    assert escalation.group(2) == author
    close(stamp(escalation.group(3), day), acked, "escalation acknowledged")

    went_well = section(text, "## What Went Well")
    assert went_well.startswith(f"- {written['went_well'][0]}"), went_well
    assert "- 1 status update(s) sent from the war room." in went_well, went_well
    assert section(text, "## What Went Poorly") == f"- {written['went_poorly'][0]}"
    items = section(text, "## Action Items")
    due_day = item_day + dt.timedelta(days=7)
    assert re.search(rf"^\| `\w+` \| {re.escape(item)} \| {owner} \| {due_day} \| open \|$",
                     items, re.M), items
    assert section(text, "## Lessons Learned") == "\n".join(
        f"{i}. {line}" for i, line in enumerate(written["lessons"], 1))
    assert "TODO" not in text
