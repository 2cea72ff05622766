"""`warroom status` as a person runs it: a real process, real servers, monitoring exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.common import free_port
from tests.infra.http import Fixed, Hang, Json

OK_BODY = {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def write_config(tmp_path: Path, services: list[tuple[str, str, bool]], extra: str = "") -> Path:
    text = '[environment]\nname = "shop"\nproduction = true\n[defaults]\ntimeout = 1.0\n'
    for name, url, critical in services:
        text += f'[[services]]\nname = "{name}"\nurl = "{url}"\n'
        text += f"critical = {str(critical).lower()}\n"
        text += 'json = [{ path = "status", equals = "ok" }]\n'
        text += '[services.dependencies]\npath = "checks"\n'
    path = tmp_path / "c.toml"
    path.write_text(text + extra)
    return path


def status(config: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", "status", "--config", str(config), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def test_ok_exits_0_in_plain_text(tmp_path, http_server):
    url = http_server.route("/h", Json(OK_BODY, headers={"x-build": "abc123"}))
    result = status(write_config(tmp_path, [("api", url, True)]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\x1b" not in result.stdout
    assert "api" in result.stdout and "OK" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "OK"


def test_degraded_exits_1(tmp_path, http_server):
    url = http_server.route("/h", Json({"status": "ok", "checks": {"redis": "fail"}}))
    result = status(write_config(tmp_path, [("api", url, True)]))
    assert result.returncode == 1
    assert "WARNING: api DEGRADED: checks.redis = fail" in result.stdout


def test_down_exits_2_and_non_critical_down_only_warns(tmp_path, http_server):
    down = http_server.route("/down", Fixed(503, b"no"))
    ok = http_server.route("/ok", Json(OK_BODY))
    assert status(write_config(tmp_path, [("api", down, True), ("x", ok, True)])).returncode == 2
    assert status(write_config(tmp_path, [("cron", down, False), ("x", ok, True)])).returncode == 1


def test_bad_config_exits_3(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[environment\n")
    result = status(bad)
    assert result.returncode == 3
    assert "UNKNOWN" in result.stderr and f"{bad}:1" in result.stderr


def test_color_unknown_exits_3(tmp_path, http_server):
    url = http_server.route("/h", Json(OK_BODY))
    extra = '[color]\n[[color.sources]]\nkind = "state_file"\npath = "missing-state"\n'
    result = status(write_config(tmp_path, [("api", url, True)], extra))
    assert result.returncode == 3
    assert "active color unknown" in result.stdout


def test_json_output(tmp_path, http_server):
    url = http_server.route("/h", Json({"status": "ok", "checks": {"redis": "fail"}}))
    result = status(write_config(tmp_path, [("api", url, True)]), "--json")
    doc = json.loads(result.stdout)
    assert doc["status"] == "WARNING" and doc["exit"] == 1 == result.returncode
    check = doc["checks"][0]
    assert check["state"] == "DEGRADED" and check["children"][0] == {
        "name": "redis", "state": "DOWN", "reason": "fail"
    }


def test_hanging_and_refused_endpoints_are_bounded(tmp_path, http_server):
    """A round is bounded by the slowest timeout: the process finishes, exit CRITICAL."""
    hang = http_server.route("/hang", Hang(max_s=20))
    refused = f"http://127.0.0.1:{free_port()}/h"
    result = status(write_config(tmp_path, [("hang", hang, True), ("gone", refused, True)]))
    assert result.returncode == 2
    assert "timeout after 1.0 s" in result.stdout
    assert "connection refused" in result.stdout


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_never_prints_escape_codes_without_a_tty(tmp_path, http_server, env):
    url = http_server.route("/h", Fixed(503, b"\x1b[2J\x1b]0;pwn\x07"))
    result = status(write_config(tmp_path, [("api", url, True)]), env=env)
    assert "\x1b" not in result.stdout + result.stderr
