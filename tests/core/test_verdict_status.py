"""The verdict pages for the right thing: `warroom status` as a real process against real
loopback HTTP servers and real files (live vs idle color, color source errors, nothing checked,
maintenance, --json, narrow pipes)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.http import Fixed, Json

OK_BODY = {"status": "ok"}
HEAD = '[environment]\nname = "shop"\n[defaults]\ntimeout = 1.0\n'


def status(config: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run it on a pipe; wide ($COLUMNS=400) unless `env` says otherwise, so a problem line
    reads whole (the narrow layout has its own test)."""
    return subprocess.run(
        [sys.executable, "-m", "tui", "status", "--config", str(config), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "400", **(env or {})},
    )


def service(name: str, url: str, color: str | None = None) -> str:
    text = f'[[services]]\nname = "{name}"\nurl = "{url}"\n'
    text += 'json = [{ path = "status", equals = "ok" }]\n'
    return text + (f'color = "{color}"\ngroup = "api"\n' if color else "")


def bluegreen(tmp_path: Path, http_server, live: str | None, green_ok: bool = False,
              blue_ok: bool = True, extra: str = "") -> Path:
    """api-blue, api-green and a state-file color source saying `live` (no file: None)."""
    ok = http_server.route("/ok", Json(OK_BODY))
    bad = http_server.route("/bad", Fixed(503, b"php-fpm crashed"))
    state = tmp_path / "deploy.state"
    if live:
        state.write_text(f"active={live}\nstatus=success\n")
    text = HEAD + service("api-blue", ok if blue_ok else bad, "blue")
    text += service("api-green", ok if green_ok else bad, "green")
    text += f'[color]\n[[color.sources]]\nkind = "state_file"\npath = "{state}"\n' + extra
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def test_clean_rollback_idle_broken_warns_naming_the_idle_color(tmp_path, http_server):
    result = status(bluegreen(tmp_path, http_server, live="blue"))
    assert result.returncode == 1, result.stdout + result.stderr
    last = result.stdout.rstrip().splitlines()[-1]
    assert last.startswith("WARNING: idle green DOWN: rollback target unhealthy"), last
    assert "api-green DOWN: HTTP 503" in last


def test_live_color_broken_pages(tmp_path, http_server):
    result = status(bluegreen(tmp_path, http_server, live="green"))
    assert result.returncode == 2
    assert "CRITICAL: api-green DOWN: HTTP 503" in result.stdout


def test_live_color_unknown_is_conservative_and_says_so(tmp_path, http_server):
    result = status(bluegreen(tmp_path, http_server, live=None))
    assert result.returncode == 2
    assert re.search(r"api-green DOWN: HTTP 503[^;]*; body is not JSON "
                     r"\(live color unknown: green judged as if live\)", result.stdout)
    assert "active color unknown" in result.stdout


def test_nothing_checked_is_unknown(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(HEAD)
    result = status(path)
    assert result.returncode == 3
    assert result.stdout.rstrip().splitlines()[-1].startswith("UNKNOWN: nothing checked")
    assert json.loads(status(path, "--json").stdout)["status"] == "UNKNOWN"


def test_color_source_without_a_reading_is_unknown(tmp_path, http_server):
    """Two sources agree on blue, a third names a value its map lacks: no reading, UNKNOWN."""
    include = tmp_path / "api-port.conf"
    include.write_text("Define API_PORT 8290\n")
    extra = (f'[[color.sources]]\nkind = "file_map"\nname = "apache include"\npath = "{include}"\n'
             "pattern = 'Define\\s+API_PORT\\s+(\\d+)'\n"
             'map = { "8090" = "blue", "8190" = "green" }\n')
    result = status(bluegreen(tmp_path, http_server, live="blue", green_ok=True, extra=extra))
    assert result.returncode == 3, result.stdout
    assert "color source apache include: no reading (value '8290' not in map)" in result.stdout


def test_color_sources_disagreeing_warn(tmp_path, http_server):
    other = tmp_path / "other.state"
    other.write_text("active=green\n")
    extra = f'[[color.sources]]\nkind = "state_file"\nname = "other"\npath = "{other}"\n'
    result = status(bluegreen(tmp_path, http_server, live="blue", green_ok=True, extra=extra))
    assert result.returncode == 1
    assert "color sources disagree" in result.stdout


def maintenance_config(tmp_path: Path, http_server, on: bool) -> Path:
    """The public entry answers 503 {"status": "maintenance"}; a status script says ON."""
    gate = http_server.route("/gate", Json({"status": "maintenance"}, status=503))
    ok = http_server.route("/ok", Json(OK_BODY))
    script = tmp_path / "maint.sh"
    word = "ON (since 2026-01-02T03:04:05Z)" if on else "OFF"
    script.write_text(f"#!/bin/sh\necho 'Maintenance mode: {word}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    text = HEAD + service("api-live", gate if on else ok) + service("api-blue", ok)
    text += ('[maintenance]\nservices = ["api-live"]\nreason = "status = maintenance"\n'
             f'argv = ["{script}"]\n'
             "pattern = 'Maintenance mode:\\s*ON(?:\\s*\\(since (?P<since>[^)]+)\\))?'\n")
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def test_maintenance_is_its_own_state_not_critical(tmp_path, http_server):
    path = maintenance_config(tmp_path, http_server, on=True)
    result = status(path)
    assert result.returncode == 1, result.stdout
    last = result.stdout.rstrip().splitlines()[-1]
    assert last.startswith("MAINTENANCE: maintenance on since 03:04:05 UTC"), last
    assert "maintenance: HTTP 503; status = maintenance" in result.stdout  # the row says so
    doc = json.loads(status(path, "--json").stdout)
    assert doc["status"] == "MAINTENANCE" and doc["exit"] == 1 and doc["code"] == "WARNING"
    assert doc["maintenance"]["since"] == "2026-01-02T03:04:05+00:00"
    assert any("api-live" in by for by in doc["maintenance"]["by"])


def test_maintenance_off_is_ok(tmp_path, http_server):
    result = status(maintenance_config(tmp_path, http_server, on=False))
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "OK"


def test_json_carries_color_sources_containers_and_incident(tmp_path, http_server):
    path = bluegreen(tmp_path, http_server, live="blue")
    opened = subprocess.run(
        [sys.executable, "-m", "tui", "incident", "open", "--config", str(path),
         "--title", "green broken", "--severity", "P2"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert opened.returncode == 0, opened.stderr
    result = status(path, "--json")
    doc = json.loads(result.stdout)
    assert doc["status"] == "WARNING" and doc["exit"] == 1 == result.returncode
    assert doc["color"]["live"] == "blue" and doc["color"]["judged_live"] == "blue"
    assert doc["color"]["sources"] == [
        {"source": f"state_file:{tmp_path / 'deploy.state'}", "color": "blue", "error": None}]
    assert doc["containers"] is None  # no [containers] section
    assert doc["incident"]["title"] == "green broken" and doc["incident"]["severity"] == "P2"
    assert doc["incident"]["status"] == "investigating"
    assert {c["name"]: c["state"] for c in doc["checks"]} == {
        "api-blue": "OK", "api-green": "DOWN"}
    assert doc["problems"][0].startswith("idle green DOWN")


STATE_WORDS = ("OK", "DEGRADED", "DOWN", "UNKNOWN", "STALE", "WARNING", "CRITICAL")


@pytest.mark.parametrize("columns", [30, 45, 64, 80])
def test_narrow_pipe_uses_columns_and_never_cuts_a_state_word(tmp_path, http_server, columns):
    ok = http_server.route("/ok", Json(OK_BODY))
    bad = http_server.route("/bad", Json({"status": "failing-because-of-a-long-reason"}, 503))
    text = HEAD + service("checkout-service-with-a-long-name", bad)
    text += service("api", ok) + service("payments", bad)
    path = tmp_path / "c.toml"
    path.write_text(text)
    result = status(path, env={"COLUMNS": str(columns)})
    assert result.returncode == 2
    lines = result.stdout.rstrip("\n").splitlines()
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    assert "…" not in result.stdout
    words = re.findall(r"[✓✗!?~] ([A-Z]+)", result.stdout)
    assert words and all(w in STATE_WORDS for w in words), words
    assert words.count("DOWN") == 2 and words.count("OK") == 1
    assert lines[-1].startswith("CRITICAL") or "CRITICAL:" in result.stdout
