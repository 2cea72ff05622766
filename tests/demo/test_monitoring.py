"""The demo's Prometheus metrics, and the real Prometheus + Alertmanager it runs when installed:
`B` (break the live color) fires an alert, `H` resolves it, nothing outlives the demo."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.demo.conftest import ANY_PORTS, get
from tests.infra.common import require, wait_until
from tui.demo import files
from tui.demo.config import demo_config
from tui.demo.env import DemoEnv, start_demo
from tui.demo.monitoring import INSTALL_HINT, find_binaries

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = re.compile(r'^([a-z_]+)\{([a-z_]+="[^"]*"(?:,[a-z_]+="[^"]*")*)\} (\S+)$')


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample line of an exposition, strictly: (name, labels) -> value."""
    out = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(tuple(kv.split("=", 1)) for kv in m.group(2).split(","))
        out[(m.group(1), frozenset((k, v.strip('"')) for k, v in labels))] = float(m.group(3))
    return out


def monitoring_pids(demo_dir: Path) -> list[int]:
    """Live Prometheus/Alertmanager processes whose config is under `demo_dir`."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and b"--config.file=" + os.fsencode(demo_dir) in argv:
            pids.append(int(entry.name))
    return pids


def am_alerts(env: DemoEnv) -> list[dict]:
    with urllib.request.urlopen(env.url("alertmanager", "/api/v2/alerts"), timeout=5) as r:
        return json.load(r)  # type: ignore[no-any-return]


def test_metrics_endpoint_counts_requests_and_5xx(demo: DemoEnv) -> None:
    for _ in range(3):
        get(demo.url("router", "/v2/listings"))  # public traffic: reaches green, the live one
    files.break_color(demo.dir, "green", "redis")
    assert get(demo.url("router", "/v2/listings"))[0] == 500
    status, headers, body = get(demo.url("green", "/metrics"))
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    got = samples(body.decode())
    ok = ("demo_http_requests_total",
          frozenset({("color", "green"), ("route", "/v2/listings"), ("code", "200")}))
    err = ("demo_http_requests_total",
           frozenset({("color", "green"), ("route", "/v2/listings"), ("code", "500")}))
    assert got[ok] == 3 and got[err] == 1
    assert got[("demo_live", frozenset({("color", "green")}))] == 1
    inf = ("demo_http_request_duration_seconds_bucket", frozenset({("color", "green"),
                                                                   ("le", "+Inf")}))
    assert got[inf] == got[("demo_http_request_duration_seconds_count",
                            frozenset({("color", "green")}))] >= 4
    blue = samples(get(demo.url("blue", "/metrics"))[2].decode())
    assert blue[("demo_live", frozenset({("color", "blue")}))] == 0
    promtool = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                              timeout=10) if find_binaries() else None
    if promtool is not None:
        assert promtool.returncode == 0, promtool.stdout + promtool.stderr


def test_break_fires_an_alert_heal_resolves_it_and_stop_ends_both(tmp_path: Path) -> None:
    require("prometheus + prometheus-alertmanager", find_binaries() is not None,
            "not installed (apt install prometheus prometheus-alertmanager)")
    said: list[str] = []
    env = start_demo(tmp_path / "d", ports=ANY_PORTS, chatter=0, traffic=4.0,
                     monitoring=True, say=said.append)
    try:
        assert said == [] and len(monitoring_pids(env.dir)) == 2
        config = demo_config(env)
        assert [a.url for a in config.alerts] == [env.url("alertmanager", "")]
        assert config.prometheus is not None and len(config.metrics) == 5
        files.break_color(env.dir, "green", "redis")  # what `B` does: green is live
        t0 = time.monotonic()
        firing = wait_until(lambda: am_alerts(env), timeout=40, interval=0.5,
                            what="the alert to fire in Alertmanager")
        fired_s = time.monotonic() - t0
        (alert,) = firing
        assert alert["labels"]["alertname"] == "DemoLiveColorFailing"
        assert alert["labels"]["color"] == "green" and alert["labels"]["severity"] == "critical"
        assert alert["annotations"]["summary"] == "green (the live color) is failing"
        assert "errors/s" in alert["annotations"]["description"]
        status = subprocess.run(
            [sys.executable, "-m", "tui", "status", "--json", "--config",
             str(env.path("warroom.toml"))], cwd=ROOT, capture_output=True, text=True,
            timeout=30, env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")})
        doc = json.loads(status.stdout)
        assert [(a["name"], a["state"], a["critical"]) for a in doc["alerts"]["alerts"]] == [
            ("DemoLiveColorFailing", "firing", True)]
        files.heal_color(env.dir)
        t1 = time.monotonic()
        wait_until(lambda: am_alerts(env) == [], timeout=40, interval=0.5,
                   what="the alert to resolve")
        print(f"fired after {fired_s:.1f} s, resolved after {time.monotonic() - t1:.1f} s")
    finally:
        env.stop()
    assert monitoring_pids(env.dir) == []


def test_killed_owner_takes_prometheus_and_alertmanager_along(tmp_path: Path) -> None:
    require("prometheus + prometheus-alertmanager", find_binaries() is not None,
            "not installed (apt install prometheus prometheus-alertmanager)")
    code = ("import sys, time; from tui.demo.env import start_demo; "
            "start_demo(sys.argv[1], ports={'router': 0, 'blue': 0, 'green': 0}, "
            "monitoring=True); print('up', flush=True); time.sleep(60)")
    owner = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "k")], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None and "up" in owner.stdout.readline()
        assert len(monitoring_pids(tmp_path / "k")) == 2
        owner.kill()  # SIGKILL: no cleanup runs; the services end their process group
        owner.wait()
        wait_until(lambda: monitoring_pids(tmp_path / "k") == [], timeout=10,
                   what="Prometheus and Alertmanager to exit")
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


def test_without_the_binaries_the_demo_runs_and_says_how_to_get_them(tmp_path: Path) -> None:
    demo_dir = tmp_path / "bare"
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}  # no prometheus on PATH
    owner = subprocess.Popen([sys.executable, "-m", "tui", "demo", "--no-tui", "--dir",
                              str(demo_dir)], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert owner.stdout is not None
        out = ""
        while "Ctrl+C stops everything." not in out:
            line = owner.stdout.readline()
            assert line, owner.stderr.read() if owner.stderr else "owner exited"
            out += line
        assert "api-green" in out and "prometheus" not in out
        config = (demo_dir / "warroom.toml").read_text()
        assert "[[alerts]]" not in config and "[[metrics]]" not in config
        owner.send_signal(signal.SIGTERM)
        _, err = owner.communicate(timeout=20)
        assert err.count(INSTALL_HINT) == 1
        assert "apt install prometheus prometheus-alertmanager" in INSTALL_HINT
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
