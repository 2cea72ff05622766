"""`warroom status` counts containers (real engine, busybox containers): an init-style config
(containers only) pages when its container stops or restarts; the idle color's only warns; an
unreachable engine is UNKNOWN with its age."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.infra.docker import wait_status


def status(config: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", "status", "--config", str(config), *args],
        capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "400", **(env or {})},
    )


def init_style(tmp_path: Path, names: list[str], extra: str = "") -> Path:
    """What `warroom init` writes for these containers: no services, exact names."""
    quoted = ", ".join(f"'^{n}$'" for n in names)
    path = tmp_path / "config.toml"
    path.write_text('[environment]\nname = "box"\n[containers]\nhosts = ["local"]\n'
                    f"names = [{quoted}]\nstats = false\n" + extra)
    return path


def summary(result: subprocess.CompletedProcess) -> str:
    return result.stdout.rstrip().splitlines()[-1]


def test_init_config_pages_when_its_only_container_stops(tmp_path, container_factory):
    box = container_factory(["sleep", "300"], name="web", stop_signal="SIGKILL")
    config = init_style(tmp_path, [box.name])
    running = status(config)
    assert running.returncode == 0, running.stdout + running.stderr
    assert summary(running) == "OK"
    box.stop(timeout=1)
    wait_status(box, "exited")
    stopped = status(config)
    assert stopped.returncode == 2, stopped.stdout
    assert summary(stopped).startswith(f"CRITICAL: container {box.name} exited (exit ")
    doc = json.loads(status(config, "--json").stdout)
    assert doc["status"] == "CRITICAL" and doc["exit"] == 2
    engine = doc["containers"]["engines"][0]
    assert engine["host"] == "local" and engine["reachable"] is True
    row = doc["containers"]["rows"][0]
    assert (row["name"], row["state"], row["critical"]) == (box.name, "exited", True)
    assert row["exit_code"] is not None


def test_restarting_container_pages(tmp_path, container_factory, docker_client):
    box = container_factory("exit 3", name="crash", restart_policy={"Name": "always"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # docker backs off: mostly "restarting" after a few
        box.reload()
        if box.attrs.get("RestartCount", 0) >= 3 and box.status == "restarting":
            break
        time.sleep(0.2)
    result = status(init_style(tmp_path, [box.name]))
    assert result.returncode == 2, result.stdout
    assert f"container {box.name} restarting (restarts: " in summary(result)


def test_idle_color_container_only_warns_and_rules_override(tmp_path, container_factory):
    # sleep as PID 1 ignores SIGTERM: SIGKILL, else each stop waits its timeout
    live = container_factory(["sleep", "300"], name="app-blue-web", stop_signal="SIGKILL")
    idle = container_factory(["sleep", "300"], name="app-green-web", stop_signal="SIGKILL")
    idle.stop(timeout=1)
    wait_status(idle, "exited")
    state = tmp_path / "deploy.state"
    state.write_text("active=blue\n")
    color = f'[color]\n[[color.sources]]\nkind = "state_file"\npath = "{state}"\n'
    result = status(init_style(tmp_path, [live.name, idle.name], color))
    assert result.returncode == 1, result.stdout
    assert f"container {idle.name} exited" in summary(result)
    assert "(idle green)" in summary(result)
    rule = "[[containers.rules]]\nnames = ['-green-']\ncritical = true\n"
    result = status(init_style(tmp_path, [live.name, idle.name], rule + color))
    assert result.returncode == 2, result.stdout
    live.stop(timeout=1)
    wait_status(live, "exited")
    rule = "[[containers.rules]]\nnames = ['-(blue|green)-']\ncritical = false\n"
    result = status(init_style(tmp_path, [live.name, idle.name], rule + color))
    assert result.returncode == 1, result.stdout


def test_unreachable_engine_is_unknown_with_its_age(tmp_path, docker_client: Any):
    result = status(init_style(tmp_path, ["^anything$"]),
                    env={"DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock"})
    assert result.returncode == 3, result.stdout + result.stderr
    line = summary(result)
    assert line.startswith("UNKNOWN: local: docker unreachable since "), line
    assert "(0s)" in line or "(1s)" in line
