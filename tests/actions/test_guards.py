"""Read-only and operator mode: no code path spawns anything; SIGKILL leaves a full audit."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import probes.command as local_mod
import probes.ssh
from tests.actions.conftest import armed_executor, feed, pid_alive, records
from tests.infra.common import wait_until
from tui.core.config import Config
from tui.core.journal import Journal
from tui.core.store import Store
from tui.engine.actions import Executor, OperatorMode, ReadOnlyError, unfinished

ROOT = Path(__file__).resolve().parents[2]


def every_kind_of_action(marker: Path) -> list[dict[str, Any]]:
    touch = ["touch", str(marker)]
    return [
        {"name": "local", "key": "l", "argv": touch},
        {"name": "remote", "key": "m", "argv": touch, "host": "web"},
        {"name": "shell", "key": "z", "argv": [f"touch {marker}"], "shell": True},
        {"name": "typed", "key": "j", "argv": touch, "confirm": "typed",
         "preflight": [{"check": "all_services"}]},
        {"name": "colored", "key": "k", "argv": [*touch, "{idle}"], "expect_color": "{idle}"},
    ]


@pytest.fixture
def spawn_spy(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records every attempt to start a local process or a remote command."""
    calls: list[Any] = []
    real_exec = asyncio.create_subprocess_exec

    async def spy_exec(*args: Any, **kw: Any) -> Any:
        calls.append(("local", args))
        return await real_exec(*args, **kw)

    async def spy_run(self: Any, *args: Any, **kw: Any) -> Any:
        calls.append(("ssh", args))
        raise AssertionError("no remote run may happen")

    monkeypatch.setattr(local_mod.asyncio, "create_subprocess_exec", spy_exec)
    monkeypatch.setattr(probes.ssh.SshPool, "run", spy_run)
    return calls


async def test_every_action_is_refused_in_read_only_mode(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path, spawn_spy: list[Any]
) -> None:
    marker = tmp_path / "spawned"
    config = make_config(hosts={"web": {"address": "127.0.0.1", "port": 9}},
                         actions=every_kind_of_action(marker))
    store = Store()
    feed(store)
    operator = OperatorMode(read_only=True)
    with pytest.raises(ReadOnlyError):
        operator.arm()
    assert operator.mode == "read-only" and not operator.armed
    ex = Executor(config, store, journal, probes.ssh.SshPool(config.hosts),
                  operator=operator, read_only=True)
    for action in config.actions:
        plan = ex.plan(action)
        run = ex.start(plan, "typed", override_reason="forced")
        await run.done.wait()
        assert run.status == "refused" and "read-only" in run.reason, action.name
    assert spawn_spy == [] and not marker.exists()
    assert [r["outcome"] for r in records(journal)] == ["refused"] * len(config.actions)


async def test_executor_guard_holds_even_if_the_first_guard_is_bypassed(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path, spawn_spy: list[Any]
) -> None:
    marker = tmp_path / "spawned"
    config = make_config(hosts={"web": {"address": "127.0.0.1", "port": 9}},
                         actions=every_kind_of_action(marker))
    store = Store()
    feed(store)
    operator = OperatorMode()  # a (buggy) UI that armed anyway
    operator.arm()
    ex = Executor(config, store, journal, operator=operator, read_only=True)
    assert ex.refusal() == "read-only mode: actions are disabled"
    ex.refusal = lambda: None  # type: ignore[method-assign]  # simulate a broken first guard
    for action in config.actions:
        run = await ex.run(ex.plan(action), "typed", override_reason="forced")
        assert run.status == "error" and "read-only" in run.reason
    assert spawn_spy == [] and not marker.exists()


async def test_view_mode_refuses_and_arming_expires(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path
) -> None:
    now = [100.0]
    operator = OperatorMode(arm_seconds=600, clock=lambda: now[0])
    assert operator.mode == "view"
    operator.arm()
    now[0] += 599
    assert operator.armed and operator.countdown() == "0:01"
    now[0] += 1
    assert not operator.armed and operator.mode == "view"
    marker = tmp_path / "spawned"
    config = make_config(actions=every_kind_of_action(marker)[:1])
    store = Store()
    feed(store)
    ex = Executor(config, store, journal, operator=operator)
    run = ex.start(ex.plan(config.actions[0]))
    assert run.status == "refused" and run.reason == "operator mode is not armed"
    assert not marker.exists()


SCRIPT = """
import asyncio, sys
from tui.engine.actions import Executor, OperatorMode
from tui.core.config import load_config
from tui.core.journal import Journal
from tui.core.store import Store
from tests.actions.conftest import feed

async def main():
    config = load_config(sys.argv[1])
    store = Store()
    feed(store)
    operator = OperatorMode()
    operator.arm()
    ex = Executor(config, store, Journal(sys.argv[2]), operator=operator)
    ex.plan(config.actions[0])
    ex.record_cancelled(ex.plan(config.actions[0]))
    ex.start(ex.plan(config.actions[1]))  # blocked by preflight
    run = ex.start(ex.plan(config.actions[0]))
    while not run.lines:
        await asyncio.sleep(0.01)
    print("RUNNING", run.pid, flush=True)
    await asyncio.sleep(300)

asyncio.run(main())
"""


async def test_every_audit_entry_survives_sigkill_mid_action(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(actions=[
        {"name": "long", "key": "l", "argv": ["sh", "-c", "echo up; exec sleep 300"]},
        {"name": "gated", "key": "g", "argv": ["true"],
         "preflight": [{"check": "service", "name": "api-blue", "state": "OK"},
                       {"check": "fresh", "max_age": 0.000001}]},
    ])
    path = tmp_path / "journal.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), config.source, str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    line = await asyncio.to_thread(proc.stdout.readline)
    child = int(line.split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    try:
        journal = Journal(path)
        outcomes = [r["outcome"] for r in records(journal)]
        assert outcomes == ["cancelled", "blocked", "started", "running"]
        (open_attempt,) = unfinished(journal.load().entries)
        assert open_attempt.data["action"] == "long"
        ex = Executor(config, Store(), journal)
        (closed,) = ex.recover()
        assert closed["outcome"] == "interrupted" and closed["pid"] == child
        assert f"local pid {child} is still running" in closed["reason"]
        assert unfinished(journal.load().entries) == []
        assert json.loads(path.read_text().splitlines()[-1])["data"]["outcome"] == "interrupted"
    finally:
        os.killpg(child, signal.SIGKILL)
        wait_until(lambda: not pid_alive(child), what="orphan gone")


async def test_shell_true_runs_its_single_script(make_config: Callable[..., Config],
                                          journal: Journal, tmp_path: Path) -> None:
    config = make_config(actions=every_kind_of_action(tmp_path / "m")[2:3])
    store = Store()
    feed(store)
    ex = armed_executor(config, store, journal)
    run = await ex.run(ex.plan(config.actions[0]))
    assert run.status == "finished" and (tmp_path / "m").exists()
