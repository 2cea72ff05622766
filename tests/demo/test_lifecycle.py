"""Start, attach, break/heal from the CLI, port conflicts, and no orphans after exit."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo.conftest import ANY_PORTS, get, service_pids
from tests.infra.common import free_port, wait_until
from tui.demo.env import DemoRunning, running_demo, start_demo

ROOT = Path(__file__).resolve().parents[2]


def warroom(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tui", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_taken_ports_are_replaced_and_reported(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", free_port()))
        busy.listen()
        taken = busy.getsockname()[1]
        said: list[str] = []
        with start_demo(tmp_path / "d", ports={**ANY_PORTS, "blue": taken},
                        say=said.append) as env:
            assert env.ports["blue"] != taken
            assert said == [f"port {taken} (blue) is taken; using {env.ports['blue']} instead"]
            assert env.messages == said
            assert get(env.url("blue"))[0] == 200
            assert str(env.ports["blue"]) in env.path("demo.env").read_text()


def test_stop_leaves_no_process_and_a_second_start_is_refused(tmp_path: Path) -> None:
    env = start_demo(tmp_path / "d", ports=ANY_PORTS, say=lambda _m: None)
    try:
        assert len(service_pids(env.dir)) == 3
        with pytest.raises(DemoRunning, match="already running"):
            start_demo(env.dir, ports=ANY_PORTS, say=lambda _m: None)
        found = running_demo(env.dir)
        assert found is not None and found.ports == env.ports and found.owner_pid == os.getpid()
    finally:
        env.stop()
    assert service_pids(env.dir) == []
    assert running_demo(env.dir) is None


def test_cli_no_tui_break_heal_and_sigterm_cleanup(tmp_path: Path) -> None:
    demo_dir = tmp_path / "cli"
    owner = warroom("demo", "--no-tui", "--dir", str(demo_dir))
    try:
        assert owner.stdout is not None
        lines: list[str] = []
        while "Ctrl+C stops everything." not in "".join(lines):
            line = owner.stdout.readline()
            assert line, owner.stderr.read() if owner.stderr else "owner exited"
            lines.append(line)
        assert "demo production in" in lines[0]
        assert len(service_pids(demo_dir)) == 3
        info = running_demo(demo_dir)
        assert info is not None
        brk = warroom("demo", "--break", "green", "--mode", "down", "--dir", str(demo_dir))
        assert brk.wait(20) == 0
        assert get(info.url("green"))[0] == 503
        heal = warroom("demo", "--heal", "--dir", str(demo_dir))
        assert heal.wait(20) == 0
        assert get(info.url("green"))[0] == 200
        second = warroom("demo", "--no-tui", "--dir", str(demo_dir))
        out, err = second.communicate(timeout=20)
        assert second.returncode == 0 and "already running" in err and "api-green" in out
        owner.send_signal(signal.SIGTERM)
        assert owner.wait(20) == 128 + signal.SIGTERM
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
    assert service_pids(demo_dir) == []


def test_break_without_a_running_demo_fails_clearly(tmp_path: Path) -> None:
    proc = warroom("demo", "--break", "green", "--dir", str(tmp_path / "none"))
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 1 and "no demo is running" in err


def test_killed_owner_leaves_no_orphans(tmp_path: Path) -> None:
    code = ("import sys, time; from tui.demo.env import start_demo; "
            "start_demo(sys.argv[1], ports={'router': 0, 'blue': 0, 'green': 0}); "
            "print('up', flush=True); time.sleep(60)")
    owner = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "k")], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None and "up" in owner.stdout.readline()
        assert len(service_pids(tmp_path / "k")) == 3
        owner.kill()  # SIGKILL: no cleanup code runs; the services notice their parent is gone
        owner.wait()
        wait_until(lambda: service_pids(tmp_path / "k") == [], what="services to exit")
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


def test_default_dir_is_the_one_the_shipped_config_names(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    from tui.demo.env import default_dir

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert default_dir() == tmp_path / "warroom-demo"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert default_dir() == Path("/tmp/warroom-demo")
    shipped = (ROOT / "config.toml").read_text()
    assert "${XDG_RUNTIME_DIR:-/tmp}/warroom-demo/state" in shipped
