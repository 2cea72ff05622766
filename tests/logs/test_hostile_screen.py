"""A container printing every hostile sequence; the real app in tmux shows it inert.

Read with `capture-pane -e`: only SGR sequences may appear, the pane title is untouched,
no tmux buffer was created (OSC 52), the header was not cleared, markup stays literal."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.tmux]

# printf in busybox sh: \033 = ESC, \007 = BEL, \233 = 8-bit CSI
SCRIPT = r"""
printf '\033]0;pwned-title\007\033]2;pwned2\033\\'
printf '\033]52;c;cHduZWQtY2xpcA==\007osc52\n'
printf '\033]8;;https://evil.example/\033\\LINKTEXT\033]8;;\033\\\n'
printf '\033[2J\033[H\033[10;10Hmoved\033[5A\033[?1049h\033[?25l\n'
printf '\033Pq#0;2;0;0;0\033\\dcs \033_apc\033\\ \033^pm\033\\ \033Xsos\033\\ end\n'
printf '\233\062J c1csi \007bell \010bs nul\000x esc\033c\n'
printf '[bold red]MARKUP[/] [$var] [link=https://evil]L[/link] [@click=app.quit]Q[/]\n'
printf '\033[31mREDTEXT\033[0m \033[8mCONCEALED\033[0m\n'
printf '\377\376 bad utf8\n'
echo HOSTILE-END
sleep 600
"""
SGR_ONLY = re.compile(r"\x1b\[[0-9;:]*m")


def test_hostile_container_inert_in_tmux(container_factory: Any, tmux_session: Any,
                                         tmp_path: Path) -> None:
    evil_label = "\x1b]0;pwned-label\x07[bold]LBL[/]"
    c = container_factory(SCRIPT, name="hostile", labels={"color": evil_label})
    config = tmp_path / "config.toml"
    config.write_text(f"""
[environment]
name = "hostile"
[containers]
names = ["^{container_factory.prefix}"]
stats = false
[[logs.sources]]
kind = "docker"
container = "{c.name}"
name = "evil"
tail = 100
""")
    session = tmux_session()
    session.start([sys.executable, "-m", "tui", "--config", str(config)], width=160, height=40,
                  cwd=str(Path(__file__).resolve().parents[2]))
    screen = session.wait_for("HOSTILE-END", timeout=30)
    session.wait_for("[bold]LBL[/]", timeout=15)
    raw = session.capture(escapes=True)
    leftover = SGR_ONLY.sub("", raw)
    assert "\x1b" not in leftover, repr(leftover[leftover.index("\x1b"):][:40])
    assert not any(ord(ch) < 32 and ch not in "\n" for ch in leftover)
    assert "[bold red]MARKUP[/] [$var] [link=https://evil]L[/link]" in screen
    assert "[@click=app.quit]Q[/]" in screen
    assert "REDTEXT" in screen and "LINKTEXT" in screen and "bad utf8" in screen
    assert "pwned" not in screen
    assert screen.splitlines()[0].strip().startswith("hostile")  # header not cleared
    title = session._tmux("display-message", "-p", "-t", session.target, "#{pane_title}")
    assert "pwned" not in title.stdout
    buffers = session._tmux("list-buffers", check=False)
    assert "cHduZWQ" not in buffers.stdout and "pwned-clip" not in buffers.stdout
    assert session.exit_status() is None  # the app is still running ([@click=app.quit] inert)
    session.send_keys("q")
