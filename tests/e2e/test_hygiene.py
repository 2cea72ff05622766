"""Terminal hygiene of the installed `warroom` in real tmux: no mouse reporting, every way out
restores the terminal, NO_COLOR and 16-color terminals are honored. Read with `tmux display`
and `capture-pane -e`, never from the app."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import app_pids, has_all, tmux_display, wait_screen
from tests.infra.common import wait_until
from tests.infra.tmux import TmuxSession

READY = re.compile(r"\b(?:OK|DEGRADED|DOWN)\s+api-live\b")
FLAGS = "alt=#{alternate_on} mouse=#{mouse_any_flag} cursor=#{cursor_flag}"
BOOM = '''\
"""WarroomApp that raises once it is on screen (the exception exit path)."""
import sys
from pathlib import Path

import tui.app
from tui.core.config import load_config


class Boom(tui.app.WarroomApp):
    CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))

    def on_ready(self) -> None:
        self.set_timer(0.5, self.boom)

    def boom(self) -> None:
        raise RuntimeError("e2e boom after mount")


tui.app.WarroomApp = Boom  # run_app builds this class: the real exit path, with the crash
sys.exit(tui.app.run_app(load_config(sys.argv[1])))
'''


def _shell(argv: list[str]) -> str:
    """A shell line: the app, then text printed afterwards, then a shell that stays."""
    return (f"{shlex.join(argv)}; echo \"after-exit rc=$?\"; echo afterwards-plain-text; "
            "exec sleep 120")


@pytest.mark.parametrize("how", ["q", "ctrl+c", "sigterm", "exception"])
def test_every_exit_restores_the_terminal(
        production, unique_config: Path, tmux_session: Callable[..., TmuxSession],
        warroom_bin: str, tmp_path: Path, how: str) -> None:
    if how == "exception":
        script = tmp_path / "boom_app.py"
        script.write_text(BOOM)
        argv = [sys.executable, str(script), str(unique_config)]
    else:
        argv = [warroom_bin, "--config", str(unique_config)]
    tui = tmux_session(term="screen-256color").start(_shell(argv), width=100, height=30)
    wait_screen(tui, lambda s: READY.search(s) is not None or "after-exit" in s, "the war room")
    running = tmux_display(tui, FLAGS)
    assert "alt=1" in running and "mouse=0" in running, running  # full screen, mouse off
    if how == "q":
        tui.send_keys("q")
    elif how == "ctrl+c":
        tui.send_keys("C-c")
    elif how == "sigterm":
        pids = wait_until(lambda: app_pids(unique_config), timeout=10, what="the app's pid")
        assert len(pids) == 1, pids
        os.kill(pids[0], signal.SIGTERM)
    screen = wait_screen(tui, has_all("after-exit rc=", "afterwards-plain-text"),
                         f"the shell after {how}", timeout=30)
    assert tmux_display(tui, FLAGS) == "alt=0 mouse=0 cursor=1"
    rc = int(re.search(r"after-exit rc=(\d+)", screen).group(1))
    assert rc == {"q": 0, "ctrl+c": 0, "sigterm": 143, "exception": 1}[how], screen
    lines = screen.splitlines()
    after = next(i for i, line in enumerate(lines) if line.startswith("after-exit rc="))
    assert lines[after + 1] == "afterwards-plain-text", screen  # printed normally, column 0
    if how == "exception":
        assert "e2e boom after mount" in screen  # the traceback is shown, on the normal screen
    else:
        assert "Traceback" not in screen, screen
    assert "\x1b" not in tui.capture(), "escape sequences left on screen"


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def sgr_colors(screen: str) -> list[str]:
    """Every color parameter group in the SGR sequences of a `capture-pane -e` screen."""
    found = []
    for params in SGR.findall(screen):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in ("38", "48", "58") and i + 1 < len(parts):
                size = 3 if parts[i + 1] == "5" else 5
                found.append(";".join(parts[i:i + size]))
                i += size
                continue
            if p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47
                                or 90 <= int(p) <= 97 or 100 <= int(p) <= 107):
                found.append(p)
            i += 1
    return found


@pytest.mark.parametrize(("term", "env"), [
    ("screen-256color", {"NO_COLOR": "1"}),
    ("screen", {}),
], ids=["NO_COLOR", "TERM=screen"])
def test_no_color_and_16_color_terminals_are_honored(
        production, tmux_session: Callable[..., TmuxSession], warroom_bin: str,
        term: str, env: dict[str, str]) -> None:
    tui = tmux_session(term=term).start([warroom_bin, "--config", str(production.config)],
                                        width=120, height=40, env=env)
    wait_screen(tui, lambda s: READY.search(s) is not None and "LIVE" in s, "the war room")
    screen = tui.capture(escapes=True)
    colors = sgr_colors(screen)
    if "NO_COLOR" in env:
        assert colors == [], f"color SGR under NO_COLOR: {sorted(set(colors))[:20]}"
        assert "PRODUCTION" in tui.capture() and "OK" in tui.capture()  # readable without color
    else:
        rich = [c for c in colors if c.startswith(("38;2", "48;2"))
                or (c.startswith(("38;5", "48;5")) and int(c.split(";")[2]) > 15)]
        assert colors, "no color at all on a 16-color terminal"
        assert rich == [], f"256/truecolor SGR on TERM=screen: {sorted(set(rich))[:20]}"
