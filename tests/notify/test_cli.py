"""`warroom incident notify KIND` as a real process against loopback receivers: shown, asked
(y/N on a terminal, --yes for scripts, refused otherwise), sent, printed per target, exit
status; the secret URL never in stdout, stderr or the journal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.incident.conftest import repo_env
from tests.infra.http import Fixed, HttpServer
from tests.notify.conftest import SECRET, bodies, config_with, declared, hook, target


def _setup(tmp_path: Path, server: HttpServer, *targets: str) -> Path:
    text = (f'[environment]\nname = "shop"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
            + "".join(targets))
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    declared(config_with(tmp_path, *targets))
    return path


def _run(config: Path, *args: str, stdin: int | None = subprocess.DEVNULL
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "incident", "notify", *args, "-c", str(config)],
        capture_output=True, text=True, stdin=stdin, env=repo_env(HOOK=SECRET),
        cwd=config.parent, timeout=60)


def _journal(tmp_path: Path) -> str:
    return "".join(p.read_text() for p in (tmp_path / "inc").glob("*.jsonl"))


def test_yes_sends_to_every_target_and_fails_if_one_failed(http_server: HttpServer,
                                                           tmp_path: Path) -> None:
    http_server.route(f"/ok/{SECRET}", Fixed(200, b"ok"))
    http_server.route(f"/bad/{SECRET}", Fixed(500, f"no {SECRET}".encode()))
    config = _setup(tmp_path, http_server, target("slack-ops", hook(http_server, "/ok")),
                    target("bot", hook(http_server, "/bad"), kind="webhook", retries=1))
    proc = _run(config, "identified", "--yes")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "[Identified] Checkout down" in out and "Incident commander: ann" in out
    assert f"slack-ops (slack) {http_server.base_url}/…" in out
    assert "slack-ops" in out and "sent, HTTP 200" in out
    assert "bot" in out and "FAILED, HTTP 500" in out and "after 2 attempts" in out
    assert "1 of 2 target(s) took the update" in out
    for text in (proc.stdout, proc.stderr, _journal(tmp_path)):
        assert SECRET not in text and "/ok/" not in text and "/bad/" not in text
    [body] = bodies(http_server, "/ok/")
    assert body["text"].startswith("[Identified] Checkout down")


def test_without_a_terminal_and_without_yes_nothing_is_sent(http_server: HttpServer,
                                                           tmp_path: Path) -> None:
    http_server.route(f"/ok/{SECRET}", Fixed(200, b"ok"))
    config = _setup(tmp_path, http_server, target("slack-ops", hook(http_server, "/ok")))
    proc = _run(config, "investigating")
    assert proc.returncode == 2
    assert "pass --yes" in proc.stderr and "[Investigating] Checkout down" in proc.stdout
    assert http_server.requests == [] and '"notify"' not in _journal(tmp_path)


def test_on_a_terminal_y_sends_and_status_shows_it(http_server: HttpServer,
                                                    tmp_path: Path) -> None:
    http_server.route(f"/ok/{SECRET}", Fixed(200, b"ok"))
    config = _setup(tmp_path, http_server, target("slack-ops", hook(http_server, "/ok")))
    master, slave = os.openpty()
    try:
        os.write(master, b"y\n")
        proc = _run(config, "internal", stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 0, proc.stderr
    assert "Send this update? [y/N]" in proc.stderr and "1 of 1 target(s)" in proc.stdout
    assert len(bodies(http_server, "/ok/")) == 1
    status = subprocess.run([sys.executable, "-m", "tui.cli", "incident", "status", "-c",
                             str(config)], capture_output=True, text=True,
                            env=repo_env(HOOK=SECRET), cwd=tmp_path, timeout=60)
    assert "Status update (internal) sent to slack-ops: HTTP 200" in status.stdout
    assert SECRET not in status.stdout


def test_no_targets_configured_is_said(http_server: HttpServer, tmp_path: Path) -> None:
    config = _setup(tmp_path, http_server)
    proc = _run(config, "investigating", "--yes")
    assert proc.returncode == 2 and "no [[notify]] targets" in proc.stderr
