"""The outage drill, end to end, as a person plays it: the INSTALLED `warroom` in real tmux at
80x24 and 200x50 on the demo production.

Break the live color, declare (the start offered is the first signal), note (typed ahead),
acknowledge, arm, roll back, maintenance on and off (off overrides a failed preflight with a
reason), fix the idle color, confirm the mitigation, resolve, export the post-mortem and a
status update from the TUI. Then the exported Markdown is read and every figure is checked
against the times this test recorded itself (within 2 s), with the first signal, the actions
and their results, the note and the override reason in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import LIVE, Production, has_all, live_and_idle, wait_screen
from tests.e2e.screen import assert_intact
from tests.infra.tmux import TmuxSession
from tui.demo import files

SIZES = [(80, 24), (200, 50)]
SLACK = 2.0
"""Seconds between a time this test recorded and the same time in the export."""
OPTION = re.compile(r"█ ▊ (.*?)\s*▎ █")
"""One row of the incident menu (an OptionList inside the dialog)."""
OPTION_START = re.compile(r"^(confirm suggested|milestone:|status →|resolve |severity →|"
                          r"export |record:)")
DURATION = re.compile(r"^(?:(\d+)h )?(\d+)m (\d\d)s$")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def seconds(text: str) -> float:
    """'1h 02m 03s' / '0m 57s' → seconds; anything else fails the test (no TODO, no '—')."""
    found = DURATION.match(text.strip())
    assert found, f"not a measured duration: {text!r}"
    hours, minutes, secs = found.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)


def pick(tui: TmuxSession, label: str) -> None:
    """In the open incident menu, move to the option that starts with `label`; press Enter."""
    screen = wait_screen(tui, lambda s: any(o.startswith(label) for o in OPTION.findall(s)),
                         f"the menu option {label!r}")
    starts = [o for o in OPTION.findall(screen) if OPTION_START.match(o)]
    index = next(i for i, o in enumerate(starts) if o.startswith(label))
    tui.send_keys("Home", *(["Down"] * index), "Enter")
    wait_screen(tui, lambda s: not OPTION.search(s), "the menu to close")


def incident_menu(tui: TmuxSession, label: str) -> None:
    tui.send_keys("i")
    pick(tui, label)


def show(tui: TmuxSession, width: int, pane: str) -> None:
    """On a narrow screen, bring a pane forward (its number is read off the pane bar)."""
    if width >= 120:
        return
    bar = wait_screen(tui, has_all(f" {pane}"), "the pane bar").splitlines()[1]
    key = re.search(rf"(\d) {pane}\b", bar)
    assert key, bar
    tui.send_keys(key.group(1))


def journal_dir(state_home: Path) -> Path:
    return state_home / "warroom" / "incidents"


def table_value(markdown: str, row: str) -> str:
    found = re.search(rf"^\| {re.escape(row)}[^|]*\| ([^|]*) \|", markdown, re.M)
    assert found, f"no row {row!r} in:\n{markdown}"
    return found.group(1).strip()


def stamp(text: str, day: dt.date) -> dt.datetime:
    """'05:07:43' (UTC, on `day`) or '2026-12-01 05:07:43' → an aware datetime."""
    if len(text) > 8:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    clock = dt.datetime.strptime(text, "%H:%M:%S").time()
    return dt.datetime.combine(day, clock, tzinfo=dt.UTC)


def close(seen: dt.datetime, recorded: dt.datetime, what: str, slack: float = SLACK) -> None:
    # exports print whole seconds: allow the truncated second on top of the slack
    gap = (seen - recorded).total_seconds()
    assert -slack - 1 <= gap <= slack, f"{what}: export says {seen:%H:%M:%S}, " \
        f"this test recorded {recorded:%H:%M:%S.%f}"


def app_stacks(tui: TmuxSession, stacks: Path) -> str:
    """Every thread's stack of the war room in `tui` (SIGUSR1 with WARROOM_STACKS set)."""
    import signal
    import subprocess

    pane = tui._tmux("display-message", "-p", "-t", tui.target, "#{pane_pid}").stdout.strip()
    for pid in subprocess.run(["pgrep", "-P", pane], capture_output=True, text=True
                              ).stdout.split():
        with contextlib.suppress(OSError):
            os.kill(int(pid), signal.SIGUSR1)
    time.sleep(1.0)
    return stacks.read_text() if stacks.exists() else "(no stacks written)"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_outage_drill(production: Production, tmux_session: Callable[..., TmuxSession],
                      warroom_bin: str, xdg_dirs, width: int, height: int) -> None:
    demo_dir = production.dir
    files.heal_color(demo_dir)
    stacks = Path(xdg_dirs.state) / "stacks.txt"
    tui = tmux_session(term="tmux-256color").start(
        [warroom_bin, "--config", str(production.config)], width=width, height=height,
        env={"WARROOM_STACKS": str(stacks)})
    screen = wait_screen(tui, lambda s: "all OK" in s and LIVE.search(s) is not None
                         and " OK " in s.splitlines()[0], "a healthy production", timeout=30)
    live, idle = live_and_idle(screen)

    # --- break: the live color's redis fails ------------------------------------------------
    broke = now()
    files.break_color(demo_dir, live, "redis")
    down = re.compile(rf"DOWN\s+api-{live}\b")
    wait_screen(tui, has_all(down, "CRITICAL"), f"api-{live} DOWN and the verdict CRITICAL")
    seen_down = now()
    time.sleep(3)  # a person reads the screen before declaring: the start must not be "now"

    # --- declare: the offered start is the first signal, visible without scrolling ----------
    tui.send_keys("i")
    form = wait_screen(tui, has_all("Declare an incident", "first signal"), "the declare form")
    # the break takes down api-{live} and api-live (the router in front of it) in the same round:
    # whichever the probe round recorded first is the true first signal
    assert re.search(rf"first signal \d\d:\d\d:\d\d UTC: Check api-({live}|live)\b", form), form
    title = f"drill {width}x{height}: {live} redis down"
    tui.send_keys(title, literal=True)
    wait_screen(tui, has_all(title), "the typed title")
    tui.send_keys("C-s")
    declared = now()
    wait_screen(tui, has_all("INVESTIGATING"), "the incident clock")

    # --- a note typed ahead in one burst (as a paste or a slow link delivers it) ------------
    note = f"drill note {width}: redis refused on {live}, rolling back to {idle} — whole"
    tui.send_keys("n", note, "C-s", literal=False)
    # --- detected (the suggestion), acknowledged now ----------------------------------------
    incident_menu(tui, "confirm suggested detected")
    incident_menu(tui, "milestone: acknowledged now")
    acknowledged = now()

    # --- arm, roll back to the idle color ----------------------------------------------------
    tui.send_keys("o")
    wait_screen(tui, has_all("Arm operator mode?", "Arm (y)"), "the arming confirmation")
    tui.send_keys("y")
    wait_screen(tui, has_all("ARMED"), "operator mode armed")
    tui.send_keys("b")
    wait_screen(tui, has_all("Run rollback?", f"Type '{idle}' to confirm", "PASS"),
                "the rollback confirmation")
    tui.send_keys("bleu", literal=True)  # the wrong target under stress: refused, not run
    tui.send_keys("Enter")
    wait_screen(tui, has_all(f"type exactly '{idle}'"), "the wrong target refused")
    tui.send_keys(*["BSpace"] * 4)
    tui.send_keys(idle, literal=True)
    rolled = now()
    tui.send_keys("Enter")
    wait_screen(tui, has_all(re.compile(rf"LIVE\s+{idle.upper()}\s+idle {live}"),
                             re.compile(r"OK\s+api-live\b")), "the rollback to take effect",
                timeout=30)
    live_ok = now()
    screen = wait_screen(tui, lambda s: "CRITICAL" not in s.splitlines()[0]
                         and "WARNING" in s.splitlines()[0],
                         "the verdict: the idle color only warns")

    # --- maintenance on, then off over a failed preflight (the idle color is still DOWN) ----
    tui.send_keys("m")
    screen = wait_screen(tui, has_all("Run maintenance-on?", "to confirm"),
                         "the maintenance confirmation")
    target = re.search(r"Type '([^']+)' to confirm", screen)
    assert target, screen
    tui.send_keys(target.group(1), literal=True)
    tui.send_keys("Enter")
    screen = wait_screen(tui, has_all(re.compile(r"MAINT\w* since")), "maintenance in the banner")
    assert "CRITICAL" not in screen.splitlines()[0], screen
    tui.send_keys("M")
    wait_screen(tui, has_all("Run maintenance-off?", "FAIL", "Override and run"),
                "the failed preflight asking for a reason")
    reason = f"site back in maintenance-off although {live} is still broken ({width})"
    tui.send_keys(reason, literal=True)  # the reason field has focus: y/n/i/b/o are text here
    wait_screen(tui, has_all(reason[:40]), "the typed reason")
    tui.send_keys("Enter")
    wait_screen(tui, lambda s: not re.search(r"MAINT\w* since", s.splitlines()[0])
                and "Run maintenance-off?" not in s, "maintenance over")

    # --- the fix for the broken color lands; the mitigation suggestion is confirmed -----------
    files.heal_color(demo_dir, live)
    wait_screen(tui, has_all("all OK"), "every check OK again", timeout=30)
    incident_menu(tui, "confirm suggested mitigated")
    show(tui, width, "overview")
    wait_screen(tui, has_all(re.compile(r"mit \d\d:\d\d")), "the mitigated milestone")
    incident_menu(tui, "resolve the incident now")
    resolved = now()
    wait_screen(tui, has_all("no incident declared"), "the incident resolved")

    # --- export from the TUI after resolving ---------------------------------------------------
    for option in ("export the post-mortem", "export status update: resolved"):
        tui.send_keys("I")
        wait_screen(tui, has_all("Incident history", re.compile(r"\[\d{8}-\d{6}-drill")),
                    "the incident history, listed")
        tui.send_keys("Enter")
        wait_screen(tui, has_all("RESOLVED: drill"), "the exports of the resolved incident")
        pick(tui, option)
        suffix = "postmortem.md" if "post-mortem" in option else "update-resolved.txt"
        # this export's toast (the previous export's may still be up for a few seconds)
        wait_screen(tui, lambda s, suffix=suffix: "wrote" in s and suffix in
                    s.replace("\n", "").replace("▌", "").replace(" ", ""),
                    f"the export written ({suffix})")
    try:
        screen = wait_screen(tui, lambda s: "wrote" not in s, "the toast gone", timeout=20)
    except AssertionError as exc:  # where is the app stuck? (every thread's stack)
        raise AssertionError(f"{exc}\n{app_stacks(tui, stacks)}") from None
    assert_intact(screen, width, height)

    # --- read the exports against what this test did ------------------------------------------
    folder = journal_dir(xdg_dirs.state)
    [md] = folder.glob("*.postmortem.md")
    [update] = folder.glob("*.update-resolved.txt")
    text = md.read_text()
    day = broke.date()

    span = re.search(r"^\| Duration \| (.+?) \((\S+ \S+) → (\S+ \S+)\) \|", text, re.M)
    assert span, text
    start, end = stamp(span.group(2), day), stamp(span.group(3), day)
    # the first signal: after the break, no later than the screen showed it
    assert broke - dt.timedelta(seconds=1) <= start <= seen_down + dt.timedelta(seconds=1), (
        f"start {start} not the first signal (broken {broke}, DOWN on screen {seen_down})")
    assert start < declared - dt.timedelta(seconds=2), "the start is the declaration, not " \
        "the first signal"
    close(end, resolved, "resolved")
    milestones = dict(re.findall(r"(detected|acknowledged|mitigated|resolved) (\d\d:\d\d:\d\d)",
                                 re.search(r"^Milestones: .*$", text, re.M).group(0)))
    assert set(milestones) == {"detected", "acknowledged", "mitigated", "resolved"}, text
    at = {k: stamp(v, day) for k, v in milestones.items()}
    close(at["detected"], start, "detected (the first failing check)")
    close(at["acknowledged"], acknowledged, "acknowledged")
    assert rolled - dt.timedelta(seconds=1) <= at["mitigated"] <= live_ok + dt.timedelta(
        seconds=1), f"mitigated {at['mitigated']} is not when the live color was OK again " \
        f"(rollback {rolled}, live OK on screen {live_ok})"
    close(at["resolved"], resolved, "resolved milestone")

    figures = {
        "MTTD": (start, at["detected"]),
        "MTTA": (at["detected"], at["acknowledged"]),
        "Time to mitigate": (at["detected"], at["mitigated"]),
        "MTTR": (start, at["resolved"]),
    }
    for row, (a, b) in figures.items():
        measured = seconds(table_value(text, row))
        assert measured >= 0, (row, measured)
        assert abs(measured - (b - a).total_seconds()) <= 1.5, (row, measured, a, b)
    assert seconds(span.group(1)) == pytest.approx((end - start).total_seconds(), abs=1.5)
    assert "-" not in "".join(re.findall(r"\| (-?\d+m \d\ds) \|", text))
    assert re.search(rf"first signal: Check api-({live}|live): OK → DOWN", text), text
    degraded = table_value(text, "Features degraded")
    assert f"api-{live}" in degraded and "TODO" not in degraded, degraded
    assert note in text, "the typed-ahead note, whole"
    resolution = text.split("## Resolution", 1)[1].split("## What Went Well", 1)[0]
    assert re.search(r"Action rollback on local: finished, exit 0", resolution), resolution
    assert re.search(rf"expected {idle}, observed {idle}", resolution), resolution
    assert "Action maintenance-on on local: finished, exit 0" in resolution, resolution
    assert re.search(r"maintenance-off on local: finished, exit 0.*preflight failed.*"
                     rf"overridden: {re.escape(reason)}", resolution), resolution
    body = update.read_text()
    assert title in body and "resolved" in body.lower(), body
    assert "TODO" not in body and not re.search(r"-\d+m", body), body

    # --- nothing landed where it was not typed ---------------------------------------------
    entries = "\n".join(p.read_text() for p in folder.glob("*.jsonl"))
    assert entries.count('"kind":"note"') == 1, "exactly the one note"
    tui.send_keys("q")
    assert tui.wait_exit(timeout=20) == 0
