"""The runbook drill's configuration and how it reads the screen: the seed scenario, the
escalation rule, the incident menu, the runbook pane's ticks and timers, the exports'
sections (tests/e2e/test_runbook_drill.py plays the drill)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from tests.e2e.conftest import Production, has_all, make_config, wait_screen
from tests.e2e.test_drill import (
    OPTION,
)
from tests.infra.http import Fixed, HttpServer
from tests.infra.tmux import TmuxSession
from tui.demo import config as demo_config

SIZES = [(80, 24)]
"""The hard size only (~36 s a run): tests/e2e/test_drill.py plays both sizes, and the
runbook drill passed at 200x50 as well when written (caf413d)."""
SEEDS = Path(__file__).resolve().parents[1] / "runbook" / "fixtures"
SEED_FILES = ("nexus_first_response.txt", "agency_runbook.txt", "rollbacks.txt",
              "vedfinance_index.txt", "nchat_playbook.txt")
ESCALATE_AFTER = 0.25
"""Minutes (15 s): the smallest `after` worth reading on screen before it fires."""
ESCALATE_TO = "Tech Lead — phone"
SCENARIO = "First Five Minutes"
STEPS = (
    "Confirm scope: one tenant, one feature, or the whole platform.",
    "Check external monitoring and Sentry before guessing.",
    "If the issue began after a deploy, roll back first and investigate after traffic is safe.",
    "If writes must stop, enable global maintenance mode with scripts/maintenance.sh.",
    "Record what changed, what users saw, and what evidence was checked.",
)
"""nexus_first_response.txt's "First Five Minutes" (step 3 is linked to `rollback` by the
config's [runbooks.actions] pattern)."""
STARTS = re.compile(r"^(confirm suggested|milestone:|status →|resolve |severity →|export |"
                    r"send a status update|record:|edit the post-mortem|add an action item|"
                    r"action item done|edit action item|copy )")
"""The first row of each incident-menu option (a long option wraps onto a second row)."""


def drill_config(production: Production, receiver: HttpServer, path: Path,
                 secret: str) -> tuple[Path, str]:
    """The demo's config plus the seeds as runbooks, one escalation rule and a Slack target
    whose URL path carries `secret`; returns (config, the receiver's path)."""
    hook = f"/services/T0DRILL/B0DRILL/{secret}"
    receiver.route(hook, Fixed(200, b"ok"))
    demo_runbooks = Path(demo_config.__file__).with_name("runbooks")
    extra = {
        "runbooks": {"paths": [str(SEEDS / name) for name in SEED_FILES] + [str(demo_runbooks)],
                     "actions": {"(?i)roll ?back": "rollback"}},
        "incident": {"escalation": [{"severity": ["P0", "P1", "P2", "P3", "P4"],
                                     "after": ESCALATE_AFTER, "to": ESCALATE_TO}],
                     "escalation_warn": 0.05},
        "notify": [{"name": "slack-drill", "kind": "slack", "url": receiver.url(hook),
                    "timeout": 5.0, "retries": 0}],
    }
    return make_config(production.demo, path, extra), hook


def guard(tui: TmuxSession, secret: str) -> None:
    """Every screen this test reads (each poll of every wait) is checked for the webhook
    URL's secret path."""
    capture = tui.capture

    def checked(escapes: bool = False) -> str:
        screen = capture(escapes)
        assert secret not in screen, f"the webhook URL's secret is on screen:\n{screen}"
        return screen

    tui.capture = checked  # type: ignore[method-assign]


def pane_keys(tui: TmuxSession, narrow: bool) -> dict[str, str]:
    """The pane keys: narrow, off the pane bar ("5 runbook"); wide (no bar), as the help
    screen lists them ("5  show runbook")."""
    if narrow:
        bar = wait_screen(tui, has_all(" runbook "), "the pane bar").splitlines()[1]
        return {name: key for key, name in re.findall(r"(\d) (\w+)", bar)}
    tui.send_keys("?")
    screen = wait_screen(tui, has_all("show runbook"), "the help screen's pane keys")
    keys = {name: key for key, name in re.findall(r"(\d)\s+show (\w+)", screen)}
    tui.send_keys("Escape")
    wait_screen(tui, lambda s: "show runbook" not in s, "the help screen closed")
    return keys


def pick(tui: TmuxSession, label: str, from_end: bool = False) -> None:
    """In the open incident menu, highlight the option starting with `label` (counted from
    the top, or from the bottom after End for the options below a 24-row screen); Enter."""
    tui.send_keys("End" if from_end else "Home")

    def ready(screen: str) -> bool:
        starts = [o for o in OPTION.findall(screen) if STARTS.match(o)]
        return any(o.startswith(label) for o in starts) and (
            not from_end or starts[-1].startswith("copy status update"))

    screen = wait_screen(tui, ready, f"the menu option {label!r}")
    starts = [o for o in OPTION.findall(screen) if STARTS.match(o)]
    index = next(i for i, o in enumerate(starts) if o.startswith(label))
    moves = ["Up"] * (len(starts) - 1 - index) if from_end else ["Down"] * index
    tui.send_keys(*moves, "Enter")
    # the menu goes (another list may open in its place: the update kinds)
    wait_screen(tui, lambda s: not any(o.startswith(label) for o in OPTION.findall(s)),
                "the menu to close")


def incident_menu(tui: TmuxSession, label: str, from_end: bool = False) -> None:
    tui.send_keys("i")
    wait_screen(tui, lambda s: OPTION.search(s) is not None, "the incident menu")
    pick(tui, label, from_end)


def confirm_suggested(tui: TmuxSession, milestone: str) -> None:
    """Confirm the checks' suggested milestone. The menu is made when it opens, from what the
    war room has read of the journal (polled every 0.5 s): right after the event it may not
    offer it yet — a person closes it and looks again; so does this."""
    label = f"confirm suggested {milestone}"
    deadline = time.monotonic() + 10
    while True:
        tui.send_keys("i")
        screen = wait_screen(tui, lambda s: OPTION.search(s) is not None, "the incident menu")
        if any(o.startswith(label) for o in OPTION.findall(screen)):
            pick(tui, label)
            return
        assert time.monotonic() < deadline, f"never offered: {label}\n{screen}"
        tui.send_keys("Escape")
        wait_screen(tui, lambda s: OPTION.search(s) is None, "the menu closed")
        time.sleep(0.3)


def declare_form(tui: TmuxSession) -> str:
    """Open the declare form once it offers the first signal as the start. KNOWN RACE: for
    ~1 s after DOWN is on screen the form still says "no failing check now" (the check's
    transition reaches the tracker through the journal writer and the 0.5 s journal poll);
    declared then, the start would be the declaration. A person retries; so does this."""
    deadline = time.monotonic() + 10
    while True:
        tui.send_keys("i")
        form = wait_screen(tui, has_all("Declare an incident", re.compile(
            r"first signal \d|no failing check now")), "the declare form")
        if "first signal" in form:
            return form
        assert time.monotonic() < deadline, f"the form never offered the first signal:\n{form}"
        tui.send_keys("Escape")
        wait_screen(tui, lambda s: "Declare an incident" not in s, "the declare form closed")
        time.sleep(0.3)


def runbook(screen: str) -> str:
    """The runbook panel's words in one line (its steps wrap; wide, other panels share its
    rows): the columns of its box, borders left out; "" when it is not on screen."""
    lines = screen.split("\n")
    top = next((i for i, line in enumerate(lines) if "╭─ Runbook" in line), None)
    if top is None:
        return ""
    left = lines[top].index("╭─ Runbook")
    right = lines[top].find("╮", left)
    rows = []
    for line in lines[top + 1:]:
        cut = line[left:right + 1]
        if cut.startswith("╰"):
            break
        rows.append(cut.strip("│"))
    return " ".join(" ".join(rows).split())


def tick_marks(screen: str) -> list[tuple[str, str]]:
    """(author, HH:MM:SS) of every saved tick in the runbook pane ("✓ ann 09:03:44")."""
    return re.findall(r"✓ (\S+) (\d\d:\d\d:\d\d)", runbook(screen))


def timer_left(screen: str) -> int | None:
    """Seconds left on the escalation timer under the clock, None when not shown."""
    found = re.search(rf"[◷▲] (\d\d:\d\d) → {ESCALATE_TO}|→ {ESCALATE_TO} in (\d\d:\d\d)",
                      screen)
    return mmss(found.group(1) or found.group(2)) if found else None


DUE = re.compile(rf"✗ DUE .*→ {ESCALATE_TO}|✗ ESCALATE → {ESCALATE_TO} · DUE")
"""The timer once due (narrow, wide)."""


def mmss(text: str) -> int:
    minutes, secs = text.split(":")
    return int(minutes) * 60 + int(secs)


def entries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def section(markdown: str, heading: str) -> str:
    """The body of `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    found = re.search(rf"^{re.escape(heading)}\b.*?\n(.*?)(?=^#{{1,{len(level)}}} |\Z)",
                      markdown, re.M | re.S)
    assert found, f"no section {heading!r} in:\n{markdown}"
    return found.group(1).strip()
