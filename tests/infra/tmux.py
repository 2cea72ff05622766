"""Drive a real terminal program in a private tmux server (own socket per session)."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

#: Variables copied from the test process into the inner command's clean environment.
PASS_ENV = (
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TZ", "PYENV_ROOT", "PYENV_VERSION",
    "VIRTUAL_ENV", "DOCKER_HOST", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR",
    "XDG_CACHE_HOME", "XDG_DATA_HOME",
)


def tmux_available() -> bool:
    """True when the tmux binary is installed."""
    return shutil.which("tmux") is not None


class TmuxSession:
    """One detached tmux session on a private server socket ``wrtest-<uuid>``.

    The pane stays after the command exits (``remain-on-exit``) so its last screen and exit
    status can still be read; the status line is off so the pane is exactly ``width x height``.
    """

    def __init__(self, term: str = "screen-256color") -> None:
        self.socket = f"wrtest-{uuid.uuid4().hex[:12]}"
        self.term = term
        self.target = "main:0.0"
        self._dir = Path(tempfile.mkdtemp(prefix="wrtest-tmux-"))
        self._conf = self._dir / "tmux.conf"
        self.status_file = self._dir / "exit-status"
        self._conf.write_text(
            f'set -g default-terminal "{term}"\n'
            "set -g status off\n"
            "set -g remain-on-exit on\n"
            'set -g remain-on-exit-format ""\n'  # no "Pane is dead" line scrolling the screen
            "set -g history-limit 5000\n"
            "set -g escape-time 0\n"
            "set -g exit-empty off\n"
            "set -g default-shell /bin/sh\n"
        )
        self._env: dict[str, str] = {}
        self.started = False
        self.socket_path = ""

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self._conf), *args],
            capture_output=True, text=True, check=check, env=self._env or None,
            stdin=subprocess.DEVNULL, timeout=30,
        )

    def start(
        self,
        cmd: list[str] | str,
        width: int = 80,
        height: int = 24,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> TmuxSession:
        """Start ``cmd`` (argv list, or a shell string) in a new session of the given size.

        The inner command gets a clean environment: ``PASS_ENV`` from the test process,
        ``LANG=C.UTF-8``, ``TERM`` from tmux's ``default-terminal`` and then ``env``.
        """
        clean = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
        clean.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        clean.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": self.term})
        clean.update(env or {})
        self._env = clean
        argv = ["/bin/sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        # tmux 3.3a sometimes never records a quick exit's status: a tiny sh wrapper writes it.
        # ``trap : INT`` (a handler, reset on exec) keeps the wrapper alive through Ctrl-C.
        wrapper = 'f=$1; shift; trap : INT; "$@"; s=$?; echo "$s" >"$f"; exit "$s"'
        shell_cmd = shlex.join(["/bin/sh", "-c", wrapper, "wrtest", str(self.status_file), *argv])
        args = ["new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height)]
        if cwd is not None:
            args += ["-c", str(cwd)]
        for key, value in (env or {}).items():
            args += ["-e", f"{key}={value}"]
        self._tmux(*args, shell_cmd)
        self.started = True
        self.socket_path = self._tmux("display-message", "-p", "#{socket_path}").stdout.strip()
        return self

    def send_keys(self, *keys: str, literal: bool = False) -> None:
        """``send-keys`` (tmux key names like ``Enter``, ``C-c``, ``Escape``; ``literal`` = -l)."""
        self._tmux("send-keys", "-t", self.target, *(["-l"] if literal else []), *keys)

    def capture(self, escapes: bool = False) -> str:
        """The visible screen (``capture-pane -p``; with escape sequences if ``escapes``)."""
        args = ["capture-pane", "-p", "-t", self.target]
        if escapes:
            args.insert(2, "-e")
        return self._tmux(*args).stdout

    def wait_for(self, text_or_regex: str | re.Pattern[str], timeout: float = 15.0) -> str:
        """Poll the screen until it contains the text (or the regex matches); return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.capture()
            if isinstance(text_or_regex, re.Pattern):
                if text_or_regex.search(screen):
                    return screen
            elif text_or_regex in screen:
                return screen
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout:.1f}s waiting for {text_or_regex!r}; "
                    f"screen:\n{screen}"
                )
            time.sleep(0.1)

    def resize(self, width: int, height: int) -> None:
        """Resize the window (and so the pane) to ``width x height``."""
        self._tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))

    def size(self) -> tuple[int, int]:
        """The pane's current (width, height)."""
        out = self._tmux("display-message", "-p", "-t", self.target,
                         "#{pane_width} #{pane_height}").stdout.split()
        return int(out[0]), int(out[1])

    def exit_status(self) -> int | None:
        """The command's exit status once it has exited (shell style: 128+N for signal N)."""
        try:
            return int(self.status_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            pass
        out = self._tmux("display-message", "-p", "-t", self.target,
                         "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}").stdout.strip()
        dead, status, signal = [*out.split(":"), "", "", ""][:3]
        if dead != "1":
            return None
        if status:
            return int(status)
        # The pty can close before tmux has reaped the child: no status yet means "not yet".
        return -int(signal) if signal.isdigit() else None

    def wait_exit(self, timeout: float = 15.0) -> int:
        """Wait until the command exits; return its exit status."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() >= deadline:
                raise AssertionError(f"command still running after {timeout:.1f}s:\n"
                                     f"{self.capture()}")
            time.sleep(0.1)
        return status

    def kill(self) -> None:
        """Kill this private tmux server (and the command in it); remove the temp config."""
        if self.started:
            self._tmux("kill-server", check=False)
            self.started = False
        if self.socket_path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.socket_path)
        shutil.rmtree(self._dir, ignore_errors=True)
