"""Local actions through the executor: real processes, real journal, real store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from tests.actions.conftest import armed_executor, feed, pid_alive, records
from tui.core.config import Config
from tui.core.config.actions import RESERVED_KEYS
from tui.core.journal import Journal
from tui.core.model import State
from tui.core.store import Store


def action(name: str, argv: list[str], **kw: object) -> dict[str, object]:
    free = next(k for k in (name[0], *"abdghjklmuyz") if k not in RESERVED_KEYS)
    return {"name": name, "key": kw.pop("key", free), "argv": argv, **kw}


async def test_runs_with_live_values_as_whole_items_and_audits(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path
) -> None:
    config = make_config(actions=[action(
        "show", ["printf", "%s|%s|%s\n", "{idle}", "$(touch pwned) {active}", "{env}"],
        env={"COLOR": "{idle}"}, refresh=["color"])])
    store = Store()
    feed(store, live="blue")
    refreshed: list[set[str] | None] = []
    ex = armed_executor(config, store, journal, refresh=refreshed.append)
    plan = ex.plan(config.actions[0])
    assert plan.passed and plan.argv[2:] == ("green", "$(touch pwned) blue", "prod-eu")
    run = await ex.run(plan)
    assert run.status == "finished" and run.exit_status == 0
    assert [text for _, text in run.lines] == ["green|$(touch pwned) blue|prod-eu"]
    assert not (tmp_path / "pwned").exists()
    assert refreshed == [{"color"}]
    started, running, finished = records(journal)
    assert running["outcome"] == "running" and running["pid"] == run.pid
    assert started["outcome"] == "started" and started["confirmed"] == "simple"
    assert started["argv"] == list(plan.argv) and started["env"] == ["COLOR=green"]
    assert started["where"] == "local" and started["attempt"] == finished["attempt"]
    assert finished["outcome"] == "finished" and finished["exit_code"] == 0
    assert finished["output_tail"] == "green|$(touch pwned) blue|prod-eu\n"
    assert finished["duration_s"] >= 0
    entry = journal.load().entries[0]
    assert entry.entry_time.utcoffset().total_seconds() == 0 and "@" in entry.author


async def test_timeout_kills_the_whole_process_group(
    make_config: Callable[..., Config], journal: Journal
) -> None:
    config = make_config(actions=[action(
        "hang", ["sh", "-c", "sleep 300 & echo child $!; sleep 301"], timeout=1.0)])
    store = Store()
    feed(store)
    ex = armed_executor(config, store, journal)
    run = await ex.run(ex.plan(config.actions[0]))
    assert run.status == "timed_out"
    child = int(run.lines[0][1].split()[1])
    assert not pid_alive(child) and not pid_alive(run.pid or 0)
    assert records(journal)[-1]["outcome"] == "timed_out"


async def test_cancel_mid_run_and_single_flight(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path
) -> None:
    marker = tmp_path / "count"
    config = make_config(actions=[action(
        "slow", ["sh", "-c", f"echo started >> {marker}; echo go; sleep 300"])])
    store = Store()
    feed(store)
    ex = armed_executor(config, store, journal)
    plan = ex.plan(config.actions[0])
    first = ex.start(plan)
    second = ex.start(plan)  # a double key press: the running one comes back
    assert second is first
    while not first.lines:
        await asyncio.sleep(0.02)
    assert ex.cancel("slow")
    await first.done.wait()
    assert first.status == "cancelled" and not pid_alive(first.pid or 0)
    assert marker.read_text() == "started\n"
    outcomes = [r["outcome"] for r in records(journal)]
    assert outcomes == ["started", "running", "cancelled"]


async def test_hostile_output_is_inert(
    make_config: Callable[..., Config], journal: Journal
) -> None:
    evil = r"\033]0;owned\007\033[2J\033[31mred\033[0m [bold]x[/] \233 \a"
    config = make_config(actions=[action("evil", ["printf", evil + r"\n"])])
    store = Store()
    feed(store)
    ex = armed_executor(config, store, journal)
    run = await ex.run(ex.plan(config.actions[0]))
    (line,) = [t for _, t in run.lines]
    assert "\x1b" not in line and "\x07" not in line and "\x9b" not in line
    assert "red" in line and "[bold]x[/]" in line
    assert "\x1b" not in records(journal)[-1]["output_tail"]


async def test_secrets_never_reach_the_journal(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path
) -> None:
    (tmp_path / "deploy.env").write_text("DEPLOY_TOKEN=hunter2-s3cret\n")
    (tmp_path / "deploy.env").chmod(0o600)
    config = make_config(env_files=["deploy.env"], actions=[action(
        "tok", ["sh", "-c", 'echo "token is $TOKEN"; exit 3'],
        env={"TOKEN": "${DEPLOY_TOKEN}"})])
    store = Store()
    feed(store)
    ex = armed_executor(config, store, journal)
    plan = ex.plan(config.actions[0])
    assert ex.display_env(plan) == ["TOKEN=***"]
    run = await ex.run(plan)
    assert run.status == "failed" and run.exit_status == 3
    assert records(journal)[-1]["output_tail"] == "token is ***\n"
    assert b"hunter2" not in journal.path.read_bytes()


async def test_preflight_blocks_unhealthy_idle_and_stale_data(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    config = make_config(actions=[action(
        "rollback", ["touch", str(marker)], key="b", confirm="typed", confirm_target="{idle}",
        preflight=[{"check": "services", "color": "{idle}"}, {"check": "fresh"}])])
    store = Store()
    feed(store, live="blue", states={"api-blue": State.OK, "api-green": State.DOWN})
    ex = armed_executor(config, store, journal)
    plan = ex.plan(config.actions[0])
    assert plan.expanded and plan.expanded.typed_target == "green"
    assert not plan.passed
    (bad,) = plan.failures
    assert bad.label == "services green are OK" and "api-green DOWN" in bad.reason
    run = ex.start(plan)
    assert run.status == "blocked" and not marker.exists()

    feed(store, live="blue", age=120)  # everything healthy, but too old
    plan = ex.plan(config.actions[0])
    reasons = {p.label: (p.ok, p.reason) for p in plan.preflight}
    assert reasons["all data fresh"][0] is False and "stale" in reasons["all data fresh"][1]
    assert "STALE" in reasons["services green are OK"][1]
    assert not reasons["live color is fresh"][0]
    assert plan.data_age is not None and plan.data_age >= 120
    assert ex.start(plan).status == "blocked" and not marker.exists()
    blocked = [r for r in records(journal) if r["outcome"] == "blocked"]
    assert len(blocked) == 2 and all(not p["ok"] for p in blocked[1]["preflight"])


async def test_override_with_reason_is_recorded(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    config = make_config(actions=[action(
        "rollback", ["touch", str(marker)], key="b",
        preflight=[{"check": "services", "color": "{idle}"}])])
    store = Store()
    feed(store, live="blue", states={"api-blue": State.OK, "api-green": State.DEGRADED})
    ex = armed_executor(config, store, journal)
    run = await ex.run(ex.plan(config.actions[0]), "typed", "green checked by hand: DB only slow")
    assert run.status == "finished" and marker.exists()
    started = records(journal)[0]
    assert started["overridden"] is True
    assert started["override_reason"] == "green checked by hand: DB only slow"
    assert started["preflight"][0]["ok"] is False


async def test_live_state_change_after_confirmation_refuses(
    make_config: Callable[..., Config], journal: Journal, tmp_path: Path
) -> None:
    config = make_config(actions=[action("switch", ["touch", str(tmp_path / "{idle}")])])
    store = Store()
    feed(store, live="blue")
    ex = armed_executor(config, store, journal)
    plan = ex.plan(config.actions[0])
    feed(store, live="green")  # someone else rolled back meanwhile
    run = ex.start(plan)
    assert run.status == "refused" and "changed since confirmation" in run.reason
    assert not list(tmp_path.glob("blue")) and not list(tmp_path.glob("green"))


async def test_shutdown_records_interrupted_and_kills(
    make_config: Callable[..., Config], journal: Journal
) -> None:
    config = make_config(actions=[action("long", ["sh", "-c", "echo up; sleep 300"])])
    store = Store()
    feed(store)
    ex = armed_executor(config, store, journal)
    run = ex.start(ex.plan(config.actions[0]))
    while not run.lines:
        await asyncio.sleep(0.02)
    await ex.shutdown()
    assert run.status == "interrupted" and not pid_alive(run.pid or 0)
    assert [r["outcome"] for r in records(journal)] == ["started", "running", "interrupted"]


async def test_unwritable_journal_refuses_the_action_instead_of_crashing(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    """Write-ahead: when the attempt cannot be recorded (here the journal path is a directory:
    a real OSError, as on a full or read-only disk), nothing spawns and the reason is shown."""
    marker = tmp_path / "ran"
    config = make_config(actions=[action("touch", ["touch", str(marker)])])
    store = Store()
    feed(store)
    broken = tmp_path / "journal-is-a-directory"
    broken.mkdir()
    ex = armed_executor(config, store, Journal(broken))
    run = await ex.run(ex.plan(config.actions[0]))
    assert run.status == "refused" and "journal unwritable" in run.reason
    assert not marker.exists()
    assert ex.record_cancelled(ex.plan(config.actions[0])).startswith("journal unwritable")
