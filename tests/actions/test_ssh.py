"""Remote actions through the real OpenSSH server on 127.0.0.1 (tests/infra/sshd.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import tomli_w

from probes.ssh import HostKeyError, SshPool
from tests.actions.conftest import armed_executor, feed, pid_alive, records, ssh_host
from tests.infra.sshd import SshServer
from tui.core.config import Config, Host, load_config
from tui.core.journal import Journal
from tui.core.store import Store
from tui.demo.config import config_dict
from tui.demo.env import DemoEnv, start_demo
from tui.engine.monitor import Monitor

pytestmark = pytest.mark.sshd


def host(server: SshServer, known: Path | None = None) -> Host:
    return Host(**{k: tuple(v) if isinstance(v, list) else v
                   for k, v in ssh_host(server, known).items()})


@pytest.fixture
async def pool(sshd: SshServer) -> AsyncIterator[SshPool]:
    p = SshPool({"web": host(sshd)})
    yield p
    await p.close_all()


async def test_argv_and_env_reach_the_remote_untouched(pool: SshPool) -> None:
    out: list[tuple[str, str]] = []
    hostile = "a b; touch /tmp/pwned-$$ `id` 'q' \"dq\" $(id)"
    result = await pool.run(
        "web", ["sh", "-c", 'printf "%s|%s\\n" "$VAL" "$1"; echo err >&2', "sh", hostile],
        env={"VAL": hostile}, timeout=10, on_output=lambda s, t: out.append((s, t)), cwd="/",
    )
    assert result.exit_status == 0 and result.pid
    assert ("stdout", f"{hostile}|{hostile}\n") in out and ("stderr", "err\n") in out


async def test_unknown_and_changed_host_keys_are_refused(sshd: SshServer) -> None:
    pool = SshPool({"new": host(sshd, sshd.empty_known_hosts_path),
                    "evil": host(sshd, sshd.wrong_known_hosts_path)})
    target = f"[127.0.0.1]:{sshd.port}"
    with pytest.raises(HostKeyError) as unknown:
        await pool.run("new", ["touch", "/tmp/never"])
    text = str(unknown.value)
    assert "unknown host key" in text and "SHA256:" in text
    assert f"ssh-keygen -F '{target}' -f {sshd.empty_known_hosts_path}" in text
    with pytest.raises(HostKeyError) as changed:
        await pool.run("evil", ["true"])
    text = str(changed.value)
    assert "HOST KEY CHANGED" in text and text.count("SHA256:") == 2
    assert f"ssh-keygen -F '{target}' -f {sshd.wrong_known_hosts_path}" in text
    assert pool.connects("new") == pool.connects("evil") == 0


async def test_refused_host_key_is_audited(
    sshd: SshServer, make_config: Callable[..., Config], journal: Journal
) -> None:
    config = make_config(
        hosts={"web": ssh_host(sshd, sshd.wrong_known_hosts_path)},
        actions=[{"name": "status", "key": "j", "argv": ["true"], "host": "web"}])
    store = Store()
    feed(store)
    pool = SshPool(config.hosts, config.path)
    ex = armed_executor(config, store, journal, pool=pool)
    run = await ex.run(ex.plan(config.actions[0]))
    await pool.close_all()
    assert run.status == "error" and "HOST KEY CHANGED" in run.reason
    assert records(journal)[-1]["outcome"] == "error"


async def test_remote_hang_is_killed_at_timeout_and_cancel_stops_it(
    sshd: SshServer, make_config: Callable[..., Config], journal: Journal
) -> None:
    config = make_config(hosts={"web": ssh_host(sshd)}, actions=[
        {"name": "hang", "key": "j", "host": "web", "timeout": 1.0,
         "argv": ["sh", "-c", "sleep 300 & echo child $!; sleep 301"]},
        {"name": "slow", "key": "z", "host": "web", "argv": ["sh", "-c", "echo up; sleep 302"]},
    ])
    store = Store()
    feed(store)
    pool = SshPool(config.hosts, config.path)
    ex = armed_executor(config, store, journal, pool=pool)
    try:
        run = await ex.run(ex.plan(config.actions[0]))
        assert run.status == "timed_out" and run.pid
        child = int(run.lines[0][1].split()[1])
        assert not pid_alive(run.pid) and not pid_alive(child)  # the remote is this machine

        slow = ex.start(ex.plan(config.actions[1]))
        while not slow.lines:
            await asyncio.sleep(0.02)
        ex.cancel("slow")
        await slow.done.wait()
        assert slow.status == "cancelled" and slow.pid and not pid_alive(slow.pid)
        assert pool.connects("web") == 1
    finally:
        await pool.close_all()
    assert [r["outcome"] for r in records(journal)] == [
        "started", "running", "timed_out", "started", "running", "cancelled"]


async def test_reconnects_after_a_drop(pool: SshPool) -> None:
    assert (await pool.run("web", ["true"])).exit_status == 0
    (await pool.connection("web")).abort()
    await asyncio.sleep(0.05)
    assert (await pool.run("web", ["true"])).exit_status == 0
    assert pool.connects("web") == 2


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnv]:
    env = start_demo(tmp_path / "demo", ports={"router": 0, "blue": 0, "green": 0},
                     chatter=0.5, say=lambda _m: None)
    yield env
    env.stop()


async def test_remote_rollback_flips_the_demo_live_color(
    sshd: SshServer, demo: DemoEnv, journal: Journal, tmp_path: Path
) -> None:
    data = config_dict(demo)
    data["hosts"] = {"prod": ssh_host(sshd)}
    data.pop("maintenance", None)  # it names the demo's maintenance-status action, not kept
    data["actions"] = [{
        "name": "rollback", "key": "b", "host": "prod", "confirm": "typed",
        "argv": [str(demo.script("bluegreen.sh")), "rollback"], "timeout": 30.0,
        "preflight": [{"check": "services", "color": "{idle}"}, {"check": "fresh"}],
        "refresh": ["color", "services"], "expect_color": "{idle}",
    }]
    (tmp_path / "warroom.toml").write_text(tomli_w.dumps(data))
    config = load_config(tmp_path / "warroom.toml")
    store = Store()
    monitor = Monitor(config, store)  # its SSH pool serves the probes and the action
    pool = monitor.ssh
    await monitor.run_once()
    before = demo.active()
    assert store.color is not None and store.color.live == before
    ex = armed_executor(config, store, journal, pool=pool, refresh=monitor.refresh)
    monitor.start()
    try:
        plan = ex.plan(config.actions[0])
        assert plan.passed, plan.failures
        assert plan.expanded and plan.expanded.typed_target == "demo-production"
        run = await ex.run(plan, "typed")
    finally:
        await monitor.close()
    idle = {"blue": "green", "green": "blue"}[before or ""]
    assert run.status == "finished", list(run.lines)
    assert demo.active() == idle
    assert run.effect_ok is True and run.effect == f"live color is now {idle}"
    assert any("Rollback complete" in text for _, text in run.lines)
    outcomes = [r["outcome"] for r in records(journal)]
    assert outcomes == ["started", "running", "finished", "effect"]
    assert records(journal)[-1] == {**records(journal)[-1], "expected": idle, "ok": True}
