"""The war room as a person sees it: the INSTALLED `warroom` in real tmux, on the demo
production and real Docker containers. Every assertion reads the screen (`capture-pane`).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    LIVE,
    Production,
    has_all,
    live_and_idle,
    wait_screen,
)
from tests.e2e.screen import assert_intact
from tests.infra.tmux import TmuxSession
from tui.demo import files

WITH_CONTAINERS = True  # the `production` fixture adds blue/green containers (real Docker)
pytestmark = pytest.mark.docker  # requested inside the module fixture, so not auto-marked
WIDE = 120
SIZES = [(80, 24), (120, 40), (200, 60)]
TERMS = ["screen-256color", "tmux-256color"]
STATE = r"(?:OK|DEGRADED|DOWN|STALE|UNKNOWN)"
ROLLBACK_KEY = re.compile(r"│ (\S) rollback ")
"""The rollback's key, as the actions panel lists it (the config chooses it)."""


def open_warroom(tmux_session: Callable[..., TmuxSession], warroom_bin: str, config: Path,
                 width: int, height: int, term: str = "screen-256color",
                 *extra: str) -> TmuxSession:
    session = tmux_session(term=term)
    return session.start([warroom_bin, "--config", str(config), *extra],
                         width=width, height=height)


def health_ready(screen: str) -> bool:
    """The health panel shows a state for every demo service."""
    return all(re.search(rf"\b{STATE}\s+{name}\b", screen)
               for name in ("api-blue", "api-green", "api-live"))


def panel_checks(prod: Production) -> dict[str, Callable[[str], bool]]:
    """What each panel shows once it has data (read off the screen)."""
    names = prod.container_names()
    return {
        "health": lambda s: "Service health" in s and health_ready(s),
        "color": lambda s: "Active color" in s and re.search(
            r"LIVE\s+(BLUE|GREEN)\s+idle (blue|green)", s) is not None,
        "incident": has_all("Incident", "no incident declared"),
        "actions": lambda s: "Actions" in s and ROLLBACK_KEY.search(s) is not None
        and "maintenance-on" in s,
        "containers": lambda s: "HOST" in s and all(n in s for n in names)
        and s.count("running") >= 2,
        "logs": lambda s: re.search(r"\[app\] \d{4}-\d\d-\d\dT", s) is not None,
        "timeline": has_all("Timeline", "e2e seed note"),
        "runbook": has_all("Runbook"),
    }


PANES_OF = {"overview": ("color", "incident"), "actions": ("actions",),
            "containers": ("containers",), "logs": ("logs",), "timeline": ("timeline",),
            "runbook": ("runbook",)}


def wait_focused_button(tui: TmuxSession, label: str, timeout: float = 15.0) -> None:
    """Wait until the button `label` has focus: Textual draws a focused button in reverse
    video (SGR 7), so this reads `capture-pane -e`."""
    focused = re.compile(r"\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m(?:\x1b\[[0-9;]*m)*\s*"
                         + re.escape(label) + " ")
    deadline = time.monotonic() + timeout
    while not focused.search(screen := tui.capture(escapes=True)):
        assert time.monotonic() < deadline, f"{label!r} never got focus:\n{screen}"
        time.sleep(0.1)


def type_note(tui: TmuxSession, text: str) -> None:
    """In the open note editor: type `text`, wait until it shows, save with ctrl+s, wait for
    the editor to close. (A priority key like ctrl+s can overtake keys still queued for the
    text area, as with a paste: a person sees their text before saving, so does the test.)"""
    tui.send_keys(text, literal=True)
    wait_screen(tui, has_all("Note →", text), "the typed note in the editor")
    tui.send_keys("C-s")
    wait_screen(tui, lambda s: "Note →" not in s, "the note editor to close")


def seed_note(warroom_bin: str, config: Path) -> None:
    """A timeline entry written by the CLI before the TUI starts (so the panel has data)."""
    subprocess.run([warroom_bin, "incident", "note", "--config", str(config), "e2e seed note"],
                   check=True, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("term", TERMS)
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_startup_shows_every_panel_with_data(
        production: Production, tmux_session: Callable[..., TmuxSession], warroom_bin: str,
        width: int, height: int, term: str) -> None:
    seed_note(warroom_bin, production.config)
    tui = open_warroom(tmux_session, warroom_bin, production.config, width, height, term)
    checks = panel_checks(production)
    named = has_all("PRODUCTION", "demo-production")

    def banner(s: str) -> bool:  # and the way out in view (footer, or the narrow pane bar)
        return named(s) and ("q Quit" in s or "q quit" in s)

    if width >= WIDE:
        screen = wait_screen(tui, lambda s: banner(s) and all(ok(s) for ok in checks.values()),
                             f"every panel with data at {width}x{height}")
        assert_intact(screen, width, height)
        return
    bar = wait_screen(tui, has_all(" 1 overview", "? help"), "the pane bar").splitlines()[1]
    # at 80 columns the other panes' names are cut to their first letters
    panes = [(key, next((p for p in PANES_OF if p.startswith(cut)), cut))
             for key, cut in re.findall(r"(\d) (\w+)", bar)]
    assert [name for _, name in panes] == list(PANES_OF), bar
    for key, name in panes:
        tui.send_keys(key)
        wanted = [checks["health"], banner, *(checks[p] for p in PANES_OF[name])]
        screen = wait_screen(tui, lambda s, w=wanted: all(ok(s) for ok in w),
                             f"pane {key} ({name}) with data at {width}x{height}")
        assert_intact(screen, width, height)


def test_broken_service_turns_down_with_reason(
        production: Production, tmux_session: Callable[..., TmuxSession],
        warroom_bin: str) -> None:
    tui = open_warroom(tmux_session, warroom_bin, production.config, 120, 40)
    screen = wait_screen(tui, lambda s: health_ready(s) and LIVE.search(s) is not None,
                         "first results")
    live, idle = live_and_idle(screen)
    try:
        subprocess.run([warroom_bin, "demo", "--break", idle, "--mode", "redis",
                        "--dir", str(production.dir)], check=True, capture_output=True,
                       timeout=30, stdin=subprocess.DEVNULL)
        row = re.compile(rf"DOWN\s+api-{idle}\b.*HTTP 503")
        child = re.compile(r"DOWN\s+└ redis\b")
        screen = wait_screen(tui, has_all(row, child), f"api-{idle} DOWN with its reason")
        assert re.search(rf"OK\s+api-{live}\b", screen), screen
    finally:
        files.heal_color(production.dir)
    wait_screen(tui, has_all(re.compile(rf"OK\s+api-{idle}\b")), f"api-{idle} healed")


def test_rollback_arms_confirms_runs_and_flips_the_color(
        production: Production, tmux_session: Callable[..., TmuxSession],
        warroom_bin: str) -> None:
    tui = open_warroom(tmux_session, warroom_bin, production.config, 120, 40)
    screen = wait_screen(tui, lambda s: health_ready(s) and "all OK" in s
                         and LIVE.search(s) is not None, "healthy production")
    live, idle = live_and_idle(screen)
    key = ROLLBACK_KEY.search(screen)
    assert key, screen
    tui.send_keys("o")  # arm operator mode: a confirmation with Cancel focused
    wait_screen(tui, has_all("Arm operator mode?", "Arm"), "the arming confirmation")
    wait_focused_button(tui, "Cancel")  # the safe choice has focus
    tui.send_keys("y")
    wait_screen(tui, has_all("OPERATOR ARMED"), "operator mode armed")
    tui.send_keys(key.group(1))
    screen = wait_screen(tui, has_all("Run rollback?", f"Type '{idle}' to confirm",
                                      "preflight", "PASS"), "the rollback confirmation")
    assert re.search(r"argv\s+\S+", screen), screen  # the exact command is shown
    # The typed confirmation's field has focus. Its placeholder is the target itself, so type
    # one character too many first: the field then visibly holds what was typed.
    tui.send_keys(idle + "!", literal=True)
    wait_screen(tui, has_all(f"{idle}!"), "the typed target in the field")
    tui.send_keys("BSpace")
    wait_screen(tui, lambda s: f"{idle}!" not in s, "the field without the extra character")
    tui.send_keys("Enter")
    effect = re.compile(rf"live color is now\s+{idle}")
    screen = wait_screen(
        tui, lambda s: has_all("FINISHED", re.compile(rf"LIVE\s+{idle.upper()}\s+idle {live}"))(s)
        # the effect check re-probes after the run: it may land a moment after FINISHED
        and effect.search(s.replace("│", " ").replace("\n", " ")) is not None,
        "the rollback to finish, the color panel to flip and the effect to be confirmed",
        timeout=30)
    assert "Run rollback?" not in screen


def test_note_appears_in_timeline_and_journal_and_resize_keeps_screen_intact(
        production: Production, tmux_session: Callable[..., TmuxSession], warroom_bin: str,
        xdg_dirs) -> None:
    tui = open_warroom(tmux_session, warroom_bin, production.config, 80, 24)
    wait_screen(tui, health_ready, "first results")
    tui.send_keys("n")
    wait_screen(tui, has_all("Note →", "ctrl+s saves"), "the note editor")
    type_note(tui, "rollback looks good e2e-n1")
    tui.send_keys("5")  # the timeline pane on a narrow screen
    wait_screen(tui, has_all("NOTE", "rollback looks good e2e-n1"), "the note in the timeline")
    journals = list((xdg_dirs.state / "warroom" / "incidents").glob("*.jsonl"))
    notes = [json.loads(line) for path in journals for line in path.read_text().splitlines()]
    assert any(e["kind"] == "note" and e["data"]["text"] == "rollback looks good e2e-n1"
               for e in notes), journals

    for width, height in ((200, 60), (80, 24)):
        tui.resize(width, height)
        assert tui.size() == (width, height)
        if width >= WIDE:
            ready = has_all("Active color", "Timeline", "HOST", "e2e-n1")
        else:
            ready = has_all(" 1 over", "e2e-n1")  # names cut when they do not fit
        screen = wait_screen(tui, lambda s, r=ready: r(s) and health_ready(s)
                             and "note saved" not in s  # the toast lies over the footer 3 s
                             # the whole frame written: a 200x60 frame is written in parts (a
                             # capture in between once showed its top half, then blank lines)
                             and "palette" in s.rstrip("\n").split("\n")[-1],
                             f"the layout at {width}x{height}")
        assert_intact(screen, width, height)


def masked(screen: str) -> list[str]:
    """The screen with digits masked (clocks, ages and latencies tick between captures)."""
    return [re.sub(r"\d", "#", line.rstrip()) for line in screen.rstrip("\n").split("\n")]


def test_pair_second_client_sees_same_screen_and_second_warroom_sees_the_note(
        production: Production, tmux_session: Callable[..., TmuxSession],
        warroom_bin: str) -> None:
    tui = open_warroom(tmux_session, warroom_bin, production.config, 80, 24)
    wait_screen(tui, lambda s: health_ready(s) and LIVE.search(s) is not None, "first results")
    # The pair: a second tmux client attached to the SAME session (run inside another,
    # detached tmux session so it has a terminal of its own).
    pair = tmux_session()
    pair.start(["env", "-u", "TMUX", "tmux", "-L", tui.socket, "attach-session", "-t", "main"],
               width=80, height=24)
    wait_screen(pair, lambda s: masked(s) == masked(tui.capture()),
                "the second client to show the same screen")
    # Another warroom on another tmux session, same XDG_STATE_HOME (so the same journal).
    other = open_warroom(tmux_session, warroom_bin, production.config, 200, 60)
    wait_screen(other, lambda s: "Timeline" in s and health_ready(s), "the other war room")

    pair.send_keys("n")
    wait_screen(tui, has_all("Note →"), "the editor opened by the pair, on the first client")
    type_note(pair, "pair note from the second client e2e-p1")
    pair.send_keys("5")
    for session in (tui, pair):
        wait_screen(session, has_all("NOTE", "e2e-p1"), "the pair's note in the timeline")
    wait_screen(pair, lambda s: masked(s) == masked(tui.capture()), "both clients in step")
    screen = wait_screen(other, has_all("NOTE", "pair note from the second client e2e-p1"),
                         "the pair's note in the other war room")
    assert_intact(screen, 200, 60)
