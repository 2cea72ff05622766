"""bluegreen.sh and maintenance.sh: real bash against the real demo services."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.demo.conftest import get, get_json
from tests.infra.common import wait_until
from tui.demo import break_color
from tui.demo.env import DemoEnv
from tui.demo.files import maintenance_layers, read_kv

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def sh(script: Path, *args: str, env: dict[str, str] | None = None
       ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=20,
                          env=env)


def test_status_prints_colored_deploy_output(demo: DemoEnv) -> None:
    out = sh(demo.script("bluegreen.sh"), "status")
    assert out.returncode == 0
    assert "\x1b[0;32m[INFO]\x1b[0m Active color: green" in out.stdout
    plain = ANSI.sub("", out.stdout)
    assert re.search(r"Active color:\s*(\w+)", plain).group(1) == "green"  # type: ignore[union-attr]
    assert "status=success phase=live updated_at=" in plain


def test_rollback_flips_state_and_apache_include(demo: DemoEnv) -> None:
    out = sh(demo.script("bluegreen.sh"), "rollback")
    assert out.returncode == 0, out.stderr
    state = read_kv(demo.path("state"))
    assert (state["active"], state["previous"]) == ("blue", "green")
    assert (state["status"], state["phase"]) == ("success", "live")
    assert state["updated_at"].endswith("Z")
    include = demo.path("apache/api-port.conf").read_text()
    assert include == f"Define API_PORT {demo.ports['blue']}\n"
    assert get(demo.url("router"))[1]["x-color"] == "blue"
    assert "rollback: complete, active color is now blue" in demo.path("app.log").read_text()
    assert "Active color: blue" in sh(demo.script("bluegreen.sh"), "status").stdout


def test_rollback_refuses_when_idle_color_is_unhealthy(demo: DemoEnv) -> None:
    before = demo.path("state").read_text()
    break_color(demo.dir, "blue", "redis")
    out = sh(demo.script("bluegreen.sh"), "rollback", "--detach")
    assert out.returncode == 1
    assert "Refusing to roll back: blue is not healthy" in out.stderr
    assert demo.path("state").read_text() == before
    assert "rollback refused" in demo.path("app.log").read_text()


def test_rollback_detached_finishes_in_background(demo: DemoEnv) -> None:
    out = sh(demo.script("bluegreen.sh"), "rollback", "--detach")
    assert out.returncode == 0 and "logs -f" in out.stdout
    wait_until(lambda: read_kv(demo.path("state")).get("active") == "blue", what="rollback")
    wait_until(lambda: read_kv(demo.path("state")).get("phase") == "live", what="phase live")
    assert "Define API_PORT " + str(demo.ports["blue"]) in demo.path(
        "apache/api-port.conf").read_text()
    logs = sh(demo.script("bluegreen.sh"), "logs")
    assert "rollback: started detached" in logs.stdout


def test_maintenance_toggles_both_layers(demo: DemoEnv) -> None:
    script = demo.script("maintenance.sh")
    assert sh(script, "on").returncode == 0
    assert maintenance_layers(demo.dir) == (True, True)
    status, _, doc = get_json(demo.url("router"))  # the public entry is gated
    assert status == 503 and doc["status"] == "maintenance"
    for color in ("blue", "green"):  # local health checks see the backends behind the gate
        assert get_json(demo.url(color))[2]["status"] == "ok"
    status = sh(script, "status")
    assert status.returncode == 0
    assert "File gate (pre-framework): ON" in status.stdout
    assert "Database maintenance flag: ON" in status.stdout
    assert sh(script, "off").returncode == 0
    assert maintenance_layers(demo.dir) == (False, False)
    assert get(demo.url("green"))[0] == 200
    assert "Maintenance mode: OFF" in sh(script, "status").stdout


def test_maintenance_status_warns_when_layers_disagree(demo: DemoEnv) -> None:
    demo.path("maintenance.flag").write_text("")  # someone toggled one layer by hand
    out = sh(demo.script("maintenance.sh"), "status")
    assert out.returncode == 1
    assert "Layers disagree (file gate ON, database OFF)" in out.stdout


def test_scripts_find_the_demo_via_env_var(demo: DemoEnv, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "bluegreen.sh"
    copy.parent.mkdir()
    copy.write_bytes(demo.script("bluegreen.sh").read_bytes())
    copy.chmod(0o755)
    assert sh(copy, "status").returncode == 2  # no demo next to it
    out = sh(copy, "status", env={**os.environ, "WARROOM_DEMO_DIR": str(demo.dir)})
    assert out.returncode == 0 and "Active color: green" in out.stdout
