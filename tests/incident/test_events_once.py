"""Each automatic event once: two real war-room processes on one journal, restarts within
60 s, 20 real containers at start, a real crash-looping container (issue 10, point 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.infra.common import wait_until
from tests.infra.http import Fixed, HttpServer
from tui.core.auto_events import without_amended
from tui.core.config import load_config
from tui.core.incident import Incidents
from tui.core.incident.export_common import describe
from tui.core.incident.tracker import IncidentTracker
from tui.core.journal import Entry, Journal

ROOT = Path(__file__).resolve().parents[2]


class Child:
    """One headless war room (tests/incident/warroom_child.py) in its own process."""

    def __init__(self, config: Path, work: Path, name: str) -> None:
        self.stop_file = work / f"{name}.stop"
        self.out = work / f"{name}.out"
        self.stop_file.unlink(missing_ok=True)
        with open(self.out, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.incident.warroom_child", str(config),
                 str(self.stop_file)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})

    def lines(self) -> list[str]:
        return self.out.read_text(errors="replace").splitlines()

    def wait_line(self, prefix: str, timeout: float = 45.0) -> str:
        def found() -> str | None:
            if self.proc.poll() is not None:
                raise AssertionError(f"war room exited: {self.lines()[-20:]}")
            return next((line for line in self.lines() if line.startswith(prefix)), None)

        return wait_until(found, timeout=timeout, what=f"{prefix!r} from the war room")

    def end(self) -> None:
        """Ask the war room to stop (stop file); kill it after 20 s."""
        self.stop_file.touch()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def stop(self) -> None:
        self.end()
        assert self.proc.returncode == 0, self.lines()[-20:]


@pytest.fixture
def war_rooms(tmp_path: Path) -> Iterator[Callable[[Path, str], Child]]:
    started: list[Child] = []

    def start(config: Path, name: str) -> Child:
        child = Child(config, tmp_path, name)
        started.append(child)
        return child

    yield start
    for child in started:
        if child.proc.poll() is None:
            child.end()


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[environment]\nname = "t"\n[incident]\ndir = "{tmp_path / "inc"}"\n'
                    + body)
    return path


def service(url: str) -> str:
    return f'[[services]]\nname = "api"\nurl = "{url}"\ninterval = 0.2\ntimeout = 1\n'


def journal(config: Path) -> list[Entry]:
    return Journal(Incidents.from_config(load_config(config)).audit_path).load().entries


def checks(config: Path) -> list[tuple[Any, Any]]:
    return [(e.data["old"], e.data["new"]) for e in journal(config) if e.kind == "check"]


def test_two_war_rooms_on_one_journal_record_an_outage_once(tmp_path, http_server: HttpServer,
                                                            war_rooms):
    url = http_server.route("/health", Fixed(200, "ok"))
    config = write_config(tmp_path, service(url))
    mine, theirs = war_rooms(config, "mine"), war_rooms(config, "theirs")
    for room in (mine, theirs):
        room.wait_line("check api OK")  # the first result: nothing to journal
    http_server.route("/health", Fixed(503, "down"))
    verdicts = [room.wait_line("check api DOWN") for room in (mine, theirs)]
    http_server.route("/health", Fixed(200, "ok"))
    wait_until(lambda: all(sum(line.startswith("check api OK") for line in room.lines()) >= 2
                           for room in (mine, theirs)), what="both see the recovery")
    mine.stop()
    theirs.stop()
    assert sorted(v.rsplit(" ", 1)[1] for v in verdicts) == ["known", "written"]
    assert checks(config) == [("OK", "DOWN"), ("DOWN", "OK")]


def test_restarts_within_60_s_record_a_new_outage_but_not_the_same_one(
        tmp_path, http_server: HttpServer, war_rooms):
    url = http_server.route("/health", Fixed(503, "down"))
    config = write_config(tmp_path, service(url))
    first = war_rooms(config, "first")
    assert first.wait_line("check api DOWN") == "check api DOWN written"  # (first result)
    http_server.route("/health", Fixed(200, "ok"))
    assert first.wait_line("check api OK") == "check api OK written"
    first.stop()
    http_server.route("/health", Fixed(503, "down"))  # a new outage, seconds later
    second = war_rooms(config, "second")
    assert second.wait_line("check api DOWN") == "check api DOWN written"
    second.stop()
    third = war_rooms(config, "third")  # the same outage, seen again after a restart
    assert third.wait_line("check api DOWN") == "check api DOWN known"
    third.stop()
    assert checks(config) == [(None, "DOWN"), ("DOWN", "OK"), ("OK", "DOWN")]


def containers_config(tmp_path: Path, run_id: str) -> Path:
    return write_config(tmp_path, f'[containers]\nlabels = ["warroom.test.run={run_id}"]\n'
                                  "reconcile_interval = 1\n")


def test_twenty_containers_at_start_are_one_summary(tmp_path, container_factory, war_rooms):
    for n in range(20):
        container = container_factory("sleep 600", name=f"s{n}", start=n < 18)
        if n >= 18:
            container.start()
            container.stop(timeout=0)
    config = containers_config(tmp_path, container_factory.run_id)
    rooms = [war_rooms(config, "a"), war_rooms(config, "b")]
    verdicts = [room.wait_line("container local/containers watching") for room in rooms]
    rooms[0].stop()
    again = war_rooms(config, "c")  # a restart: the journal already says all of it
    assert again.wait_line("container local/containers watching").endswith("known")
    again.stop()
    rooms[1].stop()
    assert sorted(v.rsplit(" ", 1)[1] for v in verdicts) == ["known", "written"]
    entries = [e for e in journal(config) if e.kind == "container"]
    assert [describe(e) for e in entries] == [
        "Containers on local: watching 20 containers (18 running, 2 exited)"]


def test_a_crash_loop_is_one_row_with_a_count(tmp_path, container_factory, war_rooms):
    config = containers_config(tmp_path, container_factory.run_id)
    room = war_rooms(config, "room")
    room.wait_line("container local/containers watching")
    container_factory("exit 3", name="loop", restart_policy={"Name": "always"})
    name = f"{container_factory.prefix}loop"

    def rows() -> list[Entry]:
        return [e for e in without_amended(journal(config))
                if e.kind == "container" and e.data.get("name") == name]

    def looping() -> list[Entry] | None:
        found = rows()
        return found if any((e.data.get("count") or 0) >= 3 for e in found) else None

    wait_until(looping, timeout=40, interval=0.2, what="three restarts journaled")
    room.stop()
    visible = rows()
    assert len([e for e in visible if e.data.get("event") in ("restarted", "restarting")]) == 1
    assert len(visible) <= 2, [describe(e) for e in visible]  # (+ "appeared" when first seen)
    loop = visible[-1]
    assert describe(loop).startswith(f"Container {name}: restarting ×{loop.data['count']} since")
    # the timeline shows that one row too
    live = IncidentTracker(Incidents.from_config(load_config(config)))
    live.load()
    shown = [e for e, _ in live.timeline(500) if e.data.get("name") == name]
    assert [e.id for e in shown] == [e.id for e in visible]
    everything = [e for e in journal(config) if e.data.get("name") == name]
    assert len(everything) > len(visible)  # the loop's earlier counts are amended, not lost
