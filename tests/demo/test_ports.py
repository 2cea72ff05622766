"""`warroom demo` restarted at once keeps its ports (SO_REUSEADDR), so the shipped config —
and `warroom status` in another pane — still read the demo right."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from tests.demo.conftest import get
from tests.infra.common import free_port
from tui.demo.env import BUILDS, DEFAULT_PORTS, start_demo

ROOT = Path(__file__).resolve().parents[2]


def _time_wait(port: int) -> bool:
    """Whether a TCP connection on 127.0.0.1:port is in TIME_WAIT (from /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state = fields[1], fields[3]
        if state == "06" and local == f"0100007F:{port:04X}":
            return True
    return False


def _server_closes_first(port: int) -> None:
    """One request read to EOF before closing, so the server sends its FIN first and its
    port is left in TIME_WAIT (urllib closing right after the body raced the server)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        while sock.recv(65536):
            pass


def _shipped_config_for(demo_dir: Path, ports: dict[str, int], dest: Path) -> Path:
    """The shipped config.toml, pointed at this test's demo dir and ports (no other change)."""
    text = (ROOT / "config.toml").read_text()
    text = text.replace("${XDG_RUNTIME_DIR:-/tmp}/warroom-demo", str(demo_dir))
    for name, default in DEFAULT_PORTS.items():
        text = text.replace(str(default), str(ports[name]))
    dest.write_text(text)
    return dest


def test_a_quick_restart_keeps_the_ports_the_config_expects(tmp_path: Path) -> None:
    ports = {name: free_port() for name in DEFAULT_PORTS}
    demo_dir = tmp_path / "demo"
    config = _shipped_config_for(demo_dir, ports, tmp_path / "config.toml")
    for _round in range(3):  # the first start, then two restarts at once
        said: list[str] = []
        with start_demo(demo_dir, ports=ports, chatter=0, say=said.append) as env:
            assert said == [] and env.ports == ports
            for name in ports:
                assert get(env.url(name))[0] == 200
                _server_closes_first(ports[name])  # its side is left in TIME_WAIT
            status = subprocess.run(
                [sys.executable, "-m", "tui", "status", "--json", "--config", str(config)],
                capture_output=True, text=True, timeout=60, cwd=tmp_path,
                env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
            checks = {c["name"]: c for c in json.loads(status.stdout)["checks"]}
            for name, build in (("api-blue", BUILDS["blue"]), ("api-green", BUILDS["green"])):
                # this demo answered on the port the shipped config names (latency may vary)
                assert checks[name].get("details", {}).get("x-build") == build, checks[name]
            for check in checks.values():
                assert "refused" not in check["reason"], check
        assert any(_time_wait(port) for port in ports.values())
