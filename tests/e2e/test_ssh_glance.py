"""The ssh glance: `ssh host warroom status` through the real sshd (no TTY, no escape codes,
monitoring-plugin exit codes) and `warroom status --watch N` redrawing in place in tmux."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Production, tmux_display, wait_screen
from tests.infra.sshd import SshServer
from tests.infra.tmux import TmuxSession
from tui.demo import files

STATUS_TIMEOUT = 60  # a bound on the subprocess, not a measured target

CASES = {
    # name: (break mode of the live color or None, expected exit, expected summary word)
    "ok": (None, 0, "OK"),
    "degraded": ("slow", 1, "WARNING"),
    "down": ("redis", 2, "CRITICAL"),
}


@pytest.fixture
def broken(production: Production, request: pytest.FixtureRequest) -> Iterator[str | None]:
    mode = request.param
    live = production.demo.active() or "green"
    files.heal_color(production.dir)
    if mode:
        files.break_color(production.dir, live, mode)
    yield mode
    files.heal_color(production.dir)


def ssh_status(sshd: SshServer, warroom_bin: str, config: Path) -> subprocess.CompletedProcess:
    remote = shlex.join([warroom_bin, "status", "--config", str(config)])
    return subprocess.run(sshd.ssh_argv(remote), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=STATUS_TIMEOUT)


@pytest.mark.parametrize(("broken", "code", "word"), [
    pytest.param(mode, code, word, id=name) for name, (mode, code, word) in CASES.items()
], indirect=["broken"])
def test_status_over_ssh_plain_text_and_exit_code(
        production: Production, sshd: SshServer, warroom_bin: str, broken: str | None,
        code: int, word: str) -> None:
    done = ssh_status(sshd, warroom_bin, production.config)
    out = done.stdout
    assert done.returncode == code, f"exit {done.returncode}\n{out}\n{done.stderr}"
    assert "\x1b" not in out and "\x1b" not in done.stderr, repr(out)
    assert out.startswith("warroom status: demo-production"), out
    summary = re.findall(r"^(OK|WARNING|CRITICAL|UNKNOWN)\b", out, re.M)
    assert summary == [word], out  # the verdict line (problems may wrap below it)
    for name in ("api-blue", "api-green", "api-live"):
        assert re.search(rf"^{name}\s", out, re.M), out
    live = production.demo.active()
    if broken == "redis":
        assert re.search(rf"^api-{live}\s.*DOWN.*HTTP 503", out, re.M), out
    elif broken == "slow":
        assert re.search(rf"^api-{live}\s.*DEGRADED", out, re.M), out


def test_status_over_ssh_bad_config_is_unknown(
        sshd: SshServer, warroom_bin: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[services]]\nname = "x"\nurl = "http://127.0.0.1:9/"\ntimout = 2\n')
    done = ssh_status(sshd, warroom_bin, bad)
    assert done.returncode == 3, f"{done.stdout}\n{done.stderr}"
    assert "\x1b" not in done.stdout + done.stderr
    assert "timout" in done.stderr and "UNKNOWN" in done.stderr, done.stderr


def test_status_watch_redraws_in_place(
        production: Production, tmux_session: Callable[..., TmuxSession],
        warroom_bin: str) -> None:
    tui = tmux_session().start(
        [warroom_bin, "status", "--config", str(production.config), "--watch", "1"],
        width=110, height=40)
    stamp = re.compile(r"^warroom status: demo-production.*(\d\d:\d\d:\d\d) UTC", re.M)
    verdict = re.compile(r"^(OK|WARNING|CRITICAL|UNKNOWN)\b", re.M)

    def frame_after(seen: set[str]) -> tuple[str, str]:
        """The next complete frame (title to verdict) with a time not in `seen`."""
        def ok(s: str) -> bool:
            m = stamp.search(s)
            return m is not None and m.group(1) not in seen and verdict.search(s) is not None
        screen = wait_screen(tui, ok, "a new complete frame")
        return screen, stamp.search(screen).group(1)

    seen: set[str] = set()
    frames = []
    for _ in range(3):
        screen, at = frame_after(seen)
        seen.add(at)
        frames.append(screen)
        if len(frames) == 2:
            history = int(tmux_display(tui, "#{history_size}"))
    # Redrawn in place: no frames piling up in the scrollback either.
    assert int(tmux_display(tui, "#{history_size}")) <= max(history, 1)
    for frame in frames:
        lines = frame.splitlines()
        assert lines[0].startswith("warroom status: demo-production"), frame  # at the top
        assert frame.count("warroom status:") == 1 and frame.count("SERVICE") == 1, frame
