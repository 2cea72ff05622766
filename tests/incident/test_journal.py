"""Journal durability with real processes: SIGKILL mid-burst, concurrent writers, bad files."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.journal import MAX_LINE, EntryTooLarge, Journal, format_time

from .conftest import REPO, repo_env


def _writer(path: Path, count: int, tag: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.incident.writer", str(path), str(count), tag],
        stdout=subprocess.PIPE, text=True, env=repo_env(), cwd=REPO,
    )


def test_append_then_load_roundtrip_with_private_modes(tmp_path: Path) -> None:
    path = tmp_path / "new-dir" / "j.jsonl"
    journal = Journal(path)
    first = journal.append("note", {"text": "line one\nline two"}, author="ann@h", pinned=True)
    second = journal.append("check", {"key": "api", "old": "OK", "new": "DOWN", "reason": "503"},
                            event_time=first.entry_time, supersedes=None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    result = Journal(path).load()
    assert result.skipped == []
    assert result.entries == [first, second]
    assert result.entries[0].text() == "line one\nline two"
    assert second.entry_time >= first.entry_time


def test_sigkill_mid_burst_keeps_every_acknowledged_note(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    proc = _writer(path, 0, "w")  # writes until killed
    assert proc.stdout is not None
    acknowledged = [proc.stdout.readline().strip() for _ in range(150)]
    os.kill(proc.pid, signal.SIGKILL)
    rest, _ = proc.communicate(timeout=30)
    acknowledged += [line for line in rest.splitlines() if line.strip()]
    assert proc.returncode == -signal.SIGKILL
    result = Journal(path).load()
    ids = [e.id for e in result.entries]
    missing = set(acknowledged) - set(ids)
    assert not missing, f"{len(missing)} acknowledged notes lost"
    assert len(ids) >= len(acknowledged)
    # a torn tail (if the kill landed mid-write) is the only thing allowed to be skipped
    assert all("torn last line" in s for s in result.skipped)
    # the file stays appendable after the crash, and the new entry is read back
    after = Journal(path).append("note", {"text": "after the crash"})
    assert Journal(path).load().entries[-1] == after


def test_two_processes_1000_notes_each_exactly_2000_none_interleaved(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    procs = [_writer(path, 1000, tag) for tag in ("a", "b")]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    lines = raw.split(b"\n")[:-1]
    assert len(lines) == 2000
    assert all(json.loads(line)["v"] == 1 for line in lines)  # every line whole JSON
    result = Journal(path).load()
    assert result.skipped == []
    assert len(result.entries) == 2000
    for tag, out in zip(("a", "b"), outputs, strict=True):
        mine = [e for e in result.entries if e.data["writer"] == tag]
        assert [e.data["n"] for e in mine] == list(range(1000))  # each writer's order kept
        assert [e.id for e in mine] == out.split()
    times = [e.entry_time for e in result.entries]
    assert times == sorted(times)


def _line(ident: str, when: str, **extra: object) -> bytes:
    obj = {"v": 1, "id": ident, "kind": "note", "entry_time": when, "event_time": when,
           "author": "x@y", "data": {"text": ident}, "supersedes": None, "pinned": False}
    obj.update(extra)
    return json.dumps(obj).encode() + b"\n"


def test_corrupt_and_hand_edited_file_loads_valid_reports_skipped_never_rewrites(
        tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    t = "2026-01-01T10:00:0{}+00:00"
    content = b"".join([
        _line("good1", t.format(1)),
        b"{not json at all\n",
        _line("unknown", t.format(2), color="red"),
        _line("good2", t.format(3)),
        _line("backwards", t.format(2)),  # hand-edited: out of order
        b"\x00\xff\xfe garbage\n",
        b'{"v": 1, "id": "' + b"x" * (MAX_LINE + 10) + b'"}\n',  # huge line
        _line("good2", t.format(4)),  # duplicate id
        b"[1, 2, 3]\n",
        _line("notz", "2026-01-01T10:00:05"),  # naive time
        _line("good3", t.format(6)),
        b'{"v": 1, "id": "torn", "kind": "no',  # crash mid-write
    ])
    path.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    result = Journal(path).load()
    assert [e.id for e in result.entries] == ["good1", "good2", "good3"]
    reasons = "\n".join(result.skipped)
    assert len(result.skipped) == 9, reasons
    for expected in ("bad JSON", "unknown fields", "out of order", "exceeds", "duplicate id",
                     "not a JSON object", "no timezone", "torn last line"):
        assert expected in reasons
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # never rewritten
    # appending terminates the torn line first, so the new entry is intact
    new = Journal(path).append("note", {"text": "still works"})
    again = Journal(path).load()
    assert again.entries[-1] == new
    assert path.read_bytes().startswith(content)


def test_read_new_sees_other_writers_and_is_cheap_when_idle(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    mine, theirs = Journal(path), Journal(path)
    assert mine.load().entries == []
    assert mine.read_new() == []
    first = theirs.append("note", {"text": "from another process"})
    assert mine.read_new() == [first]
    assert mine.read_new() == []
    proc = _writer(path, 3, "cli")
    proc.communicate(timeout=60)
    assert [e.data["n"] for e in mine.read_new()] == [0, 1, 2]
    with path.open("ab") as f:
        f.write(b'{"half a line')
    assert mine.read_new() == []  # incomplete: wait for the rest (or the next writer)
    last = theirs.append("note", {"text": "after a torn line"})
    assert mine.read_new() == [last]
    assert any("bad JSON" in w for w in mine.warnings)


def test_oversized_entry_is_refused_not_truncated(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    with pytest.raises(EntryTooLarge):
        journal.append("note", {"text": "x" * (MAX_LINE + 1)})
    assert journal.load().entries == []


def test_clock_step_back_keeps_entry_times_ordered(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    future = "2999-01-01T00:00:00.000000+00:00"
    path.write_bytes(_line("fromfuture", future))
    entry = Journal(path).append("note", {"text": "now"})
    assert format_time(entry.entry_time) == future
    assert [e.id for e in Journal(path).load().entries] == ["fromfuture", entry.id]


def test_read_new_never_waits_for_a_writer_holding_the_lock(tmp_path: Path) -> None:
    """The war room polls its journal from the event loop: while a writer holds the lock (its
    fsync took 20 s on a busy CI disk and froze the screen) the poll reads nothing now and
    everything on the next one."""
    import fcntl
    import time

    writer = Journal(tmp_path / "j.jsonl")
    reader = Journal(tmp_path / "j.jsonl")
    writer.append("note", {"text": "one"}, author="ann")
    assert [e.text() for e in reader.read_new()] == ["one"]
    writer.append("note", {"text": "two"}, author="ann")
    fd = os.open(tmp_path / "j.jsonl", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process mid-write
        started = time.monotonic()
        assert reader.read_new() == []
        assert time.monotonic() - started < 0.5
    finally:
        os.close(fd)  # the writer is done
    assert [e.text() for e in reader.read_new()] == ["two"]
