"""`warroom status` reads a color command on a remote host through the real sshd."""

from __future__ import annotations

import json
import subprocess
import sys

import tomli_w

from tests.actions.conftest import ssh_host


def test_status_reads_a_remote_color_command(sshd, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(tomli_w.dumps({
        "environment": {"name": "remote"},
        "hosts": {"web": ssh_host(sshd)},
        "color": {"sources": [{
            "kind": "command", "host": "web", "name": "bluegreen status",
            "argv": ["printf", r"\033[0;32m[INFO]\033[0m Active color: green\n"],
            "pattern": r"Active color:\s*(\w+)",
        }]},
    }))
    out = subprocess.run(
        [sys.executable, "-m", "tui", "status", "--json", "--config", str(config)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    doc = json.loads(out.stdout)
    assert doc["color"]["live"] == "green", doc["color"]
    assert out.returncode == 0, out.stdout
