"""The drill-down's data against the REAL engine: `ContainersProbe.inspect` and `.tail` turn
real containers into a bounded, sanitized `ContainerDetail` — env names only (the values,
secrets, never in it nor in what is shown), the last 5 health probe outputs (control
sequences removed), ports, mounts, exit code 3, a real OOM kill; memory with units; and the
progress of an action until the snapshot confirms it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from typing import Any

import pytest

from probes.docker_probe import ContainersProbe
from tests.containers.conftest import eventually
from tests.infra.docker import wait_status
from tui.core.config import parse_config
from tui.core.container_detail import (
    HEALTH_PROBES,
    ActionProgress,
    from_inspect,
    live_section,
    tail_lines,
)
from tui.core.docker_model import ContainerRow
from tui.core.logline import ERROR
from tui.screens.container_detail import render_sections

pytestmark = pytest.mark.docker

SECRETS = ("hunter2-sup3r-s3cret", "pw-xyzzy-4242")
HEALTH = r"printf 'probe-ok \033[31mred\033]0;evil-title\007 %s\n' $(date +%s)"


def make_web(factory: Any, tmp_path: Any) -> Any:
    """A healthy container with secret env values, a port, a ro and a rw mount (no network:
    the SDK refuses port bindings on the host network, and this engine has no bridge)."""
    (tmp_path / "ro").mkdir()
    (tmp_path / "rw").mkdir()
    return factory(
        "echo web up; echo 'ERROR: sample failure'; exec sleep 600", name="web-blue",
        environment={"SECRET_TOKEN": SECRETS[0], "DB_PASSWORD": SECRETS[1], "PLAIN": "1"},
        healthcheck=HEALTH, health_interval=0.3, stop_signal="SIGKILL",
        ports={"8080/tcp": ("127.0.0.1", 18931)}, network_mode="none",  # host: no ports
        volumes={str(tmp_path / "ro"): {"bind": "/data", "mode": "ro"},
                 str(tmp_path / "rw"): {"bind": "/scratch", "mode": "rw"}},
        labels={"color": "blue", "team": "payments"})


@pytest.fixture
def containers(container_factory: Any, tmp_path: Any) -> dict[str, Any]:
    web = make_web(container_factory, tmp_path)
    failed = container_factory("echo boom; echo 'error: bad thing' >&2; exit 3", name="job")
    oom = container_factory(["tail", "/dev/zero"], name="oom", mem_limit="6m",
                            memswap_limit="6m")
    wait_status(failed, "exited", 15)
    wait_status(oom, "exited", 15)
    for _ in range(100):  # the engine keeps the last 5 probes: wait until it has them
        web.reload()
        if len((web.attrs["State"].get("Health") or {}).get("Log") or []) >= HEALTH_PROBES:
            break
        time.sleep(0.1)
    return {"web": web, "failed": failed, "oom": oom}


async def test_inspect_and_tail_through_the_probe(containers, container_factory):
    config = parse_config(f"""
[environment]
name = "test"
[containers]
names = ["^{container_factory.prefix}"]
include_stopped = true
timeout = 5
stats = true
stats_interval = 0.5
""", env={})
    snaps: list[Any] = []
    probe = ContainersProbe(config.containers, snaps.append)
    probe.start()
    try:
        watcher = probe.watchers["local"]
        web = containers["web"]
        await eventually(lambda: watcher.status.reachable and watcher.find(web.name),
                         what="the web row")
        detail = await probe.inspect("local", web.name)
        now = dt.datetime.now(dt.UTC)
        shown = render_sections(detail.sections(now)).plain
        # env: names only; no secret value anywhere in the detail or on screen
        assert {"DB_PASSWORD", "SECRET_TOKEN", "PLAIN"} <= set(detail.env_names)
        for secret in SECRETS:
            assert secret not in repr(detail) and secret not in shown
        assert "SECRET_TOKEN" in shown and "Environment (names only" in shown
        # health: the last 5 probes, sanitized (no escape, no BEL, no OSC title)
        assert detail.health == "healthy" and len(detail.health_log) == HEALTH_PROBES
        for probe_run in detail.health_log:
            assert probe_run.output.startswith("probe-ok red")
            assert "\x1b" not in probe_run.output and "\x07" not in probe_run.output
            assert "evil-title" not in probe_run.output and probe_run.exit_code == 0
        assert "127.0.0.1:18931 → 8080/tcp" in detail.ports
        assert any(m.endswith("→ /data (ro, bind)") for m in detail.mounts)
        assert any(m.endswith("→ /scratch (rw, bind)") for m in detail.mounts)
        assert detail.image == "warroom-fixture:busybox" and re.fullmatch(
            r"[0-9a-f]{12}", detail.image_id) and detail.image_created is not None
        assert "sleep 600" in detail.command and detail.state == "running"
        assert ("team", "payments") in detail.labels and "none" in detail.networks
        for section in ("State", "Health", "Image", "Ports", "Mounts", "Networks", "Labels"):
            assert section in shown

        failed = await probe.inspect("local", containers["failed"].name)
        assert (failed.state, failed.exit_code, failed.oom_killed) == ("exited", 3, False)
        assert failed.finished_at is not None and "last exit" in render_sections(
            failed.sections(now)).plain
        oom = await probe.inspect("local", containers["oom"].name)
        engine = containers["oom"]
        engine.reload()  # what the engine says (its OOMKilled flag can miss a kill under load)
        assert oom.oom_killed == engine.attrs["State"]["OOMKilled"] and oom.exit_code == 137
        said = "YES" if oom.oom_killed else "no"
        assert f"OOM killed       {said}" in render_sections(oom.sections(now)).plain

        # a bounded tail of the logs (stdout and stderr), classified like the hub's
        pairs = await probe.tail("local", containers["failed"].name, lines=50)
        lines = tail_lines(pairs, "job", re.compile(r"(?i)\berror\b"), re.compile("warn"))
        by_text = {line.plain: line for line in lines}  # stdout/stderr: either order
        assert sorted(by_text) == ["boom", "error: bad thing"]
        assert by_text["error: bad thing"].level == ERROR and all(x.ts > 0 for x in lines)
        assert len(await probe.tail("local", web.name, lines=1)) == 1

        # memory with units, from the panel's own stats
        await eventually(lambda: (r := watcher.rows.get(watcher.find(web.name) or ""))
                         and r.mem_bytes is not None, what="stats of the web container")
        row = watcher.rows[watcher.find(web.name) or ""]
        memory = next(f.value for f in live_section(row, now).fields if f.label == "memory")
        assert re.fullmatch(r"\d+(\.\d)?(B|KiB|MiB|GiB)( of .*)?", memory), memory
    finally:
        await probe.close()


def test_detail_is_bounded():
    """Hostile sizes: hundreds of env entries, labels and ports are cut, and said so."""
    info = {
        "Id": "f" * 64, "Name": "/big\x1b[2Jname", "Image": "sha256:" + "a" * 64,
        "Config": {"Image": "img", "Env": [f"K{i}=secret{i}" for i in range(500)],
                   "Labels": {f"l{i}": "v" * 5000 for i in range(300)}, "Cmd": ["x" * 9000]},
        "State": {"Status": "running", "StartedAt": "2026-01-01T00:00:00.123456789Z",
                  "Health": {"Status": "unhealthy", "FailingStreak": 7,
                             "Log": [{"ExitCode": 1, "Output": "o" * 9000}] * 40}},
        "HostConfig": {"PortBindings": {f"{p}/tcp": [{"HostPort": str(p)}]
                                        for p in range(100)}},
    }
    detail = from_inspect("local", info)
    assert detail.name == "bigname" and len(detail.env_names) == 64 and \
        detail.env_total == 500
    assert "secret" not in repr(detail)
    assert len(detail.labels) == 24 and max(len(v) for _k, v in detail.labels) <= 160
    assert len(detail.health_log) == 5 and all(len(p.output) <= 200 for p in detail.health_log)
    assert len(detail.command) <= 300 and len(detail.ports) == 32
    shown = render_sections(detail.sections(dt.datetime.now(dt.UTC))).plain
    assert "… and 436 more" in shown and "… and 276 more" in shown


def test_progress_until_the_engine_confirms():
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    row = ContainerRow("local", "abc", "web", None, "running", None, 0, t0, "img")
    progress = ActionProgress("restart", 100.0, row)
    assert progress.describe(row, 103.4) == ("restarting… 3 s", "warn", False)
    exited = dataclasses.replace(row, state="exited")
    assert not progress.describe(exited, 104)[2]
    newer = dataclasses.replace(row, started_at=t0 + dt.timedelta(seconds=4))
    text, tone, done = progress.describe(newer, 105)
    assert done and tone == "ok" and text.startswith("restarted: running")
    stop = ActionProgress("stop", 0, row)
    assert stop.describe(row, 1)[0] == "stopping… 1 s" and stop.describe(exited, 2)[2]
    failed = dataclasses.replace(progress, failed="not armed")
    assert failed.describe(row, 101) == ("restart failed: not armed", "bad", True)
    assert progress.describe(row, 300)[1:] == ("bad", True)  # never confirmed
    assert live_section(None, t0).fields[0].tone == "bad"
