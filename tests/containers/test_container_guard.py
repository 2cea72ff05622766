"""Container restart/stop/start go through the executor like every action: one guard (never
in read-only mode, never in view mode) and one audit path (refused, or started written ahead
then finished / failed, in the same journal as the other actions, with the author)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.config import parse_config
from tui.core.journal import Journal
from tui.core.store import Store
from tui.engine.actions import Executor, OperatorMode

CONFIG = '[environment]\nname = "t"\nproduction = true\n[containers]\nhosts = ["local"]\n'


def executor(tmp_path: Path, read_only: bool = False, armed: bool = False
             ) -> tuple[Executor, Journal]:
    operator = OperatorMode(read_only=read_only)
    if armed:
        operator.arm()
    journal = Journal(tmp_path / "audit.jsonl")
    ex = Executor(parse_config(CONFIG, env={}), Store(), journal, operator=operator,
                  read_only=read_only, author="alice@test")
    return ex, journal


def outcomes(journal: Journal) -> list[str]:
    return [e.data["outcome"] for e in journal.load().entries if e.kind == "action"]


@pytest.mark.parametrize(("read_only", "armed", "why"), [
    (True, False, "read-only"), (False, False, "not armed"),
])
async def test_container_actions_refused_unless_armed(tmp_path, read_only, armed, why):
    ex, journal = executor(tmp_path, read_only, armed)
    asked: list[tuple[str, str, str]] = []

    async def act(host: str, name: str, action: str) -> str:
        asked.append((host, name, action))
        return "done"

    with pytest.raises(PermissionError, match=why):
        await ex.container_action("local", "app-blue-web", "stop", act)
    assert asked == []  # Docker is never asked
    assert outcomes(journal) == ["refused"]


async def test_container_action_audited_like_every_action(tmp_path):
    ex, journal = executor(tmp_path, armed=True)
    order: list[str] = []

    async def act(host: str, name: str, action: str) -> str:
        order.append(f"asked with {outcomes(journal)} on disk")
        return f"{action} {name}: done"

    assert await ex.container_action("local", "app-blue-web", "restart", act) \
        == "restart app-blue-web: done"
    assert order == ["asked with ['started'] on disk"]  # written ahead
    entries = [e for e in journal.load().entries if e.kind == "action"]
    assert [e.data["outcome"] for e in entries] == ["started", "finished"]
    assert {e.data["attempt"] for e in entries} == {entries[0].data["attempt"]}
    assert entries[-1].data["argv"] == ["docker", "restart", "app-blue-web"]
    assert entries[-1].data["action"] == "container-restart"
    assert all(e.author == "alice@test" for e in entries)


async def test_container_action_failure_recorded(tmp_path):
    ex, journal = executor(tmp_path, armed=True)

    async def act(host: str, name: str, action: str) -> str:
        raise OSError("\x1b[31mno such container\x1b[0m")

    with pytest.raises(RuntimeError, match="no such container") as caught:
        await ex.container_action("local", "gone", "start", act)
    assert "\x1b" not in str(caught.value)  # Docker's text is made inert
    last = journal.load().entries[-1].data
    assert last["outcome"] == "failed" and "no such container" in last["reason"]
