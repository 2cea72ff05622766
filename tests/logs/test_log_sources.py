"""Log sources against real components: docker (tail, follow, reattach), file (rotation,
truncation), command, remote file over the real sshd; bounded ring buffers; merge order."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from probes.logs import ERROR, MARKER, WARN, LogHub, LogLine
from probes.ssh import SshPool
from tests.containers.conftest import eventually
from tui.core.config.logs import LogsConfig, LogSource
from tui.core.config.schema import Host


def _hub(*sources: LogSource, **kw: Any) -> tuple[LogHub, list[LogLine]]:
    got: list[LogLine] = []
    kw.setdefault("reattach_delay", 0.2)
    return LogHub(LogsConfig(sources=sources, **kw), got.extend), got


def _texts(lines: list[LogLine], tag: str | None = None) -> list[str]:
    return [x.plain for x in lines if tag is None or x.source == tag]


@pytest.mark.docker
async def test_docker_tail_follow_reattach_and_merge(container_factory: Any) -> None:
    blue = container_factory(
        "for i in 1 2 3 4 5; do echo blue-old-$i; done; sleep 4; echo 'ERROR blue boom' >&2;"
        " while true; do echo blue-tick; sleep 0.2; done", name="blue")
    green = container_factory("echo green-1; echo 'WARN green slow'; sleep 600", name="green")
    # attach while the last two lines are old-4 and old-5 (a 4 s window, even under load)
    await eventually(lambda: b"blue-old-5" in blue.logs(), what="the old lines printed")
    hub, got = _hub(LogSource(kind="docker", container=blue.name, name="blue", tail=2),
                    LogSource(kind="docker", container=green.name, name="green"))
    hub.start()
    try:
        await eventually(lambda: "ERROR blue boom" in _texts(got), what="blue stderr")
        await eventually(lambda: "green-1" in _texts(got), what="green line")
        blue_lines = _texts(got, "blue")
        assert "blue-old-3" not in blue_lines and "blue-old-4" in blue_lines  # tail = 2
        levels = {x.plain: x.level for x in got}
        assert levels["ERROR blue boom"] == ERROR and levels["WARN green slow"] == WARN
        merged = hub.merged()
        assert [x.ts for x in merged] == sorted(x.ts for x in merged)
        assert {x.source for x in merged} == {"blue", "green"}
        # restart: the stream says so and reattaches without repeating old lines
        blue.restart(timeout=0)
        await eventually(lambda: any("reattached to" in t for t in _texts(got, "blue")),
                         timeout=20, what="reattach marker")
        count = len(_texts(got, "blue"))
        await eventually(lambda: len(_texts(got, "blue")) > count + 2, what="new ticks")
        after = _texts(got, "blue")[count:]
        assert "blue-old-4" not in after[:1] or after.count("blue-old-4") <= 1
        assert any(x.level == MARKER for x in got)
    finally:
        await hub.close()


@pytest.mark.docker
async def test_missing_container_is_said_and_found_later(container_factory: Any) -> None:
    name = container_factory.prefix + "late"
    hub, got = _hub(LogSource(kind="docker", container=name, name="late"))
    hub.start()
    try:
        await eventually(lambda: any("no container named" in t for t in _texts(got)),
                         what="missing marker")
        container_factory("echo hello-late; sleep 600", name="late")
        await eventually(lambda: "hello-late" in _texts(got), timeout=20, what="late line")
    finally:
        await hub.close()


async def test_file_follow_rotation_truncation_and_ring_buffer(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("".join(f"old-{i}\n" for i in range(10)))
    hub, got = _hub(LogSource(kind="file", path=str(log), name="f", tail=3, buffer=50))
    hub.start()
    try:
        await eventually(lambda: "old-9" in _texts(got), what="tail")
        assert "old-6" not in _texts(got) and "old-7" in _texts(got)
        with log.open("a") as fh:
            fh.write("new-1\npartial")
        await eventually(lambda: "new-1" in _texts(got), what="follow")
        assert "partial" not in _texts(got)
        with log.open("a") as fh:
            fh.write("-done\n")
        await eventually(lambda: "partial-done" in _texts(got), what="joined partial")
        os.rename(log, tmp_path / "app.log.1")
        with (tmp_path / "app.log.1").open("a") as fh:
            fh.write("last-in-old\n")
        log.write_text("first-in-new\n")
        await eventually(lambda: "first-in-new" in _texts(got), what="rotated")
        assert "last-in-old" in _texts(got)
        assert any("rotated" in t for t in _texts(got))
        log.write_text("")
        await asyncio.sleep(0.5)
        log.write_text("after-truncate\n")
        await eventually(lambda: "after-truncate" in _texts(got), what="truncated")
        with log.open("a") as fh:
            fh.write("".join(f"bulk-{i}\n" for i in range(500)))
        await eventually(lambda: "bulk-499" in _texts(got), what="bulk")
        assert len(hub.buffers["f"].lines) == 50  # ring buffer bounded
        saved = tmp_path / "saved.log"
        assert hub.save(saved) == 50
        assert saved.read_text().splitlines()[-1].endswith("[f] bulk-499")
    finally:
        await hub.close()


async def test_command_source_and_hostile_output(tmp_path: Path) -> None:
    script = "printf 'a\\033]0;pwned\\007b\\n\\033[31mred\\033[0m [bold]x[/]\\n'; exit 4"
    hub, got = _hub(LogSource(kind="command", argv=("sh", "-c", script), name="cmd"))
    hub.start()
    try:
        await eventually(lambda: any("status 4" in t for t in _texts(got)), what="exit")
        assert "ab" in _texts(got) and "red [bold]x[/]" in _texts(got)
        red = next(x for x in got if x.plain.startswith("red"))
        assert red.text.startswith("\x1b[31m") and "\x07" not in "".join(x.text for x in got)
    finally:
        await hub.close()


async def test_command_source_restarts_when_asked(tmp_path: Path) -> None:
    """restart = true: a follower that exits (its target restarted) is run again, each run
    marked; without it the source ends with the exit status."""
    runs = tmp_path / "runs"
    script = f"echo run >> {runs}; echo line-$(wc -l < {runs}); exit 1"
    hub, got = _hub(LogSource(kind="command", argv=("sh", "-c", script), name="cmd",
                              restart=True),
                    LogSource(kind="command", argv=("sh", "-c", "echo once"), name="one"))
    hub.start()
    try:
        await eventually(lambda: "line-3" in _texts(got, "cmd"), what="third run")
        markers = [x.plain for x in got if x.level == MARKER and x.source == "cmd"]
        assert sum("restarting in" in m for m in markers) >= 2
        assert sum("status 1" in m for m in markers) >= 2
        assert _texts(got, "one").count("once") == 1
    finally:
        await hub.close()
    assert runs.read_text().count("run") <= 4  # backed off (0.2, 0.4, 0.8 s ...), then closed


async def test_restart_gives_up_on_a_command_that_cannot_start(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-follower")
    hub, got = _hub(LogSource(kind="command", argv=(missing, "-f"), name="gone", restart=True))
    hub.start()
    try:
        await eventually(lambda: any("not restarting" in t for t in _texts(got)), what="give up")
        await asyncio.sleep(0.6)  # no further attempts after giving up
        markers = [x.plain for x in got if x.source == "gone"]
        assert sum("cannot run" in m for m in markers) == 1, markers
    finally:
        await hub.close()


@pytest.mark.sshd
async def test_remote_file_over_ssh_follows_rotation(sshd: Any, tmp_path: Path) -> None:
    log = tmp_path / "remote.log"
    log.write_text("r-1\nr-2\n")
    host = Host(address=sshd.host, port=sshd.port, user=sshd.user,
                known_hosts=str(sshd.known_hosts_path),
                identity_files=(str(sshd.client_key_path),), agent=False)
    pool = SshPool({"prod": host})
    got: list[LogLine] = []
    cfg = LogsConfig(sources=(LogSource(kind="file", path=str(log), host="prod", name="r",
                                        tail=1),), reattach_delay=0.2)
    hub = LogHub(cfg, got.extend, ssh_pool=pool)
    hub.start()
    try:
        await eventually(lambda: "r-2" in _texts(got), what="remote tail")
        assert "r-1" not in _texts(got)
        os.rename(log, tmp_path / "remote.log.1")
        log.write_text("r-new\n")
        await eventually(lambda: "r-new" in _texts(got), timeout=20, what="rotation over ssh")
    finally:
        await hub.close()
        await pool.close_all()
