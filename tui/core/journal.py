"""The append-only JSON-lines journal: everything that happened, durable before it is shown.

One entry per line: ``{"v": 1, "id", "kind", "entry_time", "event_time", "author", "data",
"supersedes", "pinned"}``. ``entry_time`` is when the line was written (non-decreasing in file
order, enforced under the lock); ``event_time`` is when the thing happened (a note can be
backdated without lying about when it was written).

Kinds used across the app (``data`` keys in brackets):
- ``note``: a person's note [text, evidence?] — ``pinned`` marks a key event; a correction is a
  new note whose ``supersedes`` names the old id (nothing is ever deleted).
- ``check``: a check transition [key, old, new, reason] (see ``transition_data``).
- ``color``: the live color changed [live, idle, previous, disagreement].
- ``container``: a container event [key, name, event, detail, seen {state, health, restarts,
  started}; a crash loop also count, since, amends = the id of the row it updates].
- ``action``: the actions audit [action, argv, where, user, preflight, outcome, reason, exit,
  duration, output_tail ...] — redacted by the caller: never put secrets in a journal.
- ``incident``: incident changes [op = open | severity | status | milestone | set | update |
  resolve, plus the op's fields] (see ``tui.core.incident.model``).
- ``pin``: a mark pinning or unpinning another entry [target (its id), pinned], credited to
  whoever pinned; the pinned entry keeps its author and time (``tui.core.incident.marks``).

Durability rules: a whole line is written with one ``os.write`` under ``flock(LOCK_EX)`` and
fsynced before ``append`` returns, so an acknowledged entry survives ``kill -9``. Automatic
entries go through ``append_unless_known``, which decides under that same lock against the
newest entry about the same subject (see ``tui.core.auto_events``), so each is written once.
Files are mode 0600 in a 0700 directory. Loading never rewrites the file: a torn last line,
bad JSON, unknown fields, out-of-order times and huge lines are skipped and reported.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .journal_entry import (  # noqa: F401  (re-exported: the journal's public names)
    ID_RE,
    KIND_RE,
    KINDS,
    MAX_LINE,
    VERSION,
    Entry,
    EntryTooLarge,
    LoadResult,
    default_author,
    format_time,
    new_id,
    parse_line,
    serialize,
    transition_data,
)
from .model import utcnow


class Journal:
    """An append-only journal file shared by several processes (flock)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._offset = 0
        self._inode: int | None = None
        self._ids: set[str] = set()
        self._last_time: dt.datetime | None = None
        self.warnings: list[str] = []
        """Lines skipped by `read_new` (load() reports its own in the result)."""
        self._latest = _Latest()

    # -- writing ---------------------------------------------------------------------------
    def append(
        self, kind: str, data: dict[str, Any], *, author: str | None = None,
        event_time: dt.datetime | None = None, supersedes: str | None = None,
        pinned: bool = False,
    ) -> Entry:
        """Write one entry durably (flock, one write, fsync) and return it."""
        entry = self._append(kind, lambda _fd, _size: data, author=author,
                             event_time=event_time, supersedes=supersedes, pinned=pinned)
        assert entry is not None
        return entry

    def append_unless_known(
        self, kind: str, key: str | None,
        decide: Callable[[Entry | None], dict[str, Any] | None], *,
        author: str | None = None, event_time: dt.datetime | None = None,
        fallback: Path | None = None,
    ) -> Entry | None:
        """Write an automatic entry only if the journal does not already say it.

        Under the exclusive lock (so two war rooms on one journal cannot both write),
        `decide` gets the newest entry of `kind` about `key` (``data["key"]``; any entry of
        `kind` when `key` is None), looked up in this file, else in `fallback` (the audit
        journal an incident's prelude comes from), and returns the data to write, or None
        to write nothing. Each file is scanned backwards once per subject; later lookups
        read only what was appended since (`_Latest`), so the lock is held briefly."""

        def data(fd: int, _size: int) -> dict[str, Any] | None:
            last = self._latest.find(fd, kind, key)
            if last is None and fallback is not None and Path(fallback) != self.path:
                last = _last_in(Path(fallback), kind, key, self._latest)
            return decide(last)

        return self._append(kind, data, author=author, event_time=event_time)

    def _append(
        self, kind: str, make: Callable[[int, int], dict[str, Any] | None], *,
        author: str | None, event_time: dt.datetime | None, supersedes: str | None = None,
        pinned: bool = False,
    ) -> Entry | None:
        if not KIND_RE.fullmatch(kind):
            raise ValueError(f"malformed kind {kind!r}")
        if supersedes is not None and not ID_RE.fullmatch(supersedes):
            raise ValueError(f"malformed supersedes {supersedes!r}")
        if event_time is not None and event_time.tzinfo is None:
            raise ValueError("event_time must be timezone-aware (UTC)")
        created = self._ensure_dir()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            st = os.fstat(fd)
            if st.st_mode & 0o077 and st.st_uid == os.getuid():
                os.fchmod(fd, 0o600)
            data = make(fd, st.st_size)
            if data is None:
                return None  # already said (the lock is released by the close below)
            prefix, last = _tail_state(fd, st.st_size)
            now = utcnow()
            if last is not None and now < last:
                now = last  # keep entry_time non-decreasing even if the clock stepped back
            entry = Entry(
                new_id(), kind, now, (event_time or now).astimezone(dt.UTC),
                author or default_author(), dict(data), supersedes, pinned,
            )
            line = serialize(entry)
            if len(line) - 1 > MAX_LINE:
                raise EntryTooLarge(f"entry is {len(line)} bytes (max {MAX_LINE})")
            _write_all(fd, prefix + line)
            os.fsync(fd)
        finally:
            os.close(fd)  # releases the lock
        if created or st.st_size == 0:
            _fsync_dir(self.path.parent)
        return entry

    def _ensure_dir(self) -> bool:
        parent = self.path.parent
        if parent.is_dir():
            return False
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _fsync_dir(parent.parent)
        return True

    # -- reading ---------------------------------------------------------------------------
    def load(self) -> LoadResult:
        """Every valid entry from the start of the file, and what was skipped (never rewrites)."""
        self._offset, self._inode, self._ids, self._last_time = 0, None, set(), None
        result = LoadResult()
        result.entries = self._read(result.skipped, final=True)
        return result

    def read_new(self) -> list[Entry]:
        """Entries appended since the last load/read_new (cheap when nothing changed)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return []
        if self._inode is not None and (st.st_ino != self._inode or st.st_size < self._offset):
            self.warnings.append("journal file was replaced or truncated; re-reading it")
            self._offset, self._inode, self._last_time = 0, None, None
        if st.st_size == self._offset:
            return []
        return self._read(self.warnings, final=False, wait=False)

    def _read(self, skipped: list[str], final: bool, wait: bool = True) -> list[Entry]:
        """Entries from the offset on, under a shared lock (a writer's line is never seen
        half-written). `wait=False`: while a writer holds the lock (its fsync can take
        seconds on a busy disk) read nothing now — the poller asks again; the war room's
        screen polls from its event loop and must never block on a file lock."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return []
        entries: list[Entry] = []
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                return []
            self._inode = os.fstat(fd).st_ino
            with os.fdopen(os.dup(fd), "rb") as f:
                f.seek(self._offset)
                for number, start, size, line, complete in _lines(f, self._offset):
                    if not complete:
                        if final:
                            skipped.append(f"line {number}: torn last line (incomplete write), "
                                           f"{size} bytes skipped")
                        break  # stay before it: a later writer terminates it
                    self._offset = start + size + 1
                    where = f"line {number}" if number is not None else f"byte {start}"
                    entry = self._accept(line, size, where, skipped)
                    if entry is not None:
                        entries.append(entry)
        finally:
            os.close(fd)
        return entries

    def _accept(
        self, line: bytes | None, size: int, where: str, skipped: list[str],
    ) -> Entry | None:
        if line is None or size > MAX_LINE:
            skipped.append(f"{where}: line of {size} bytes exceeds {MAX_LINE}, skipped")
            return None
        if not line.strip():
            return None
        try:
            entry = parse_line(line)
        except ValueError as exc:
            skipped.append(f"{where}: {exc}")
            return None
        if entry.id in self._ids:
            skipped.append(f"{where}: duplicate id {entry.id}")
            return None
        if self._last_time is not None and entry.entry_time < self._last_time:
            skipped.append(f"{where}: entry_time {format_time(entry.entry_time)} is before the "
                           f"previous entry's (out of order)")
            return None
        self._ids.add(entry.id)
        self._last_time = entry.entry_time
        return entry


def _lines(f: Any, offset: int) -> Iterator[tuple[int | None, int, int, bytes | None, bool]]:
    """(line number or None when reading from an offset, start, size, bytes, complete) per line.

    Lines longer than MAX_LINE are consumed in chunks and yielded with bytes None, so a
    hostile file never costs more than MAX_LINE of memory per line.
    """
    number = 1 if offset == 0 else None
    pos = offset
    while True:
        chunk = f.readline(MAX_LINE + 1)
        if not chunk:
            return
        start = pos
        complete = chunk.endswith(b"\n")
        if complete or len(chunk) <= MAX_LINE:
            pos += len(chunk)
            line = chunk[:-1] if complete else chunk
            yield number, start, len(line), line, complete
        else:
            size = len(chunk)
            while not chunk.endswith(b"\n"):
                chunk = f.readline(MAX_LINE + 1)
                if not chunk:
                    yield number, start, size, None, False
                    return
                size += len(chunk)
            pos += size
            yield number, start, size - 1, None, True
        if number is not None:
            number += 1


def _tail_state(fd: int, size: int) -> tuple[bytes, dt.datetime | None]:
    """(b"\\n" if the file ends with a torn line else b"", the last entry's entry_time)."""
    if size == 0:
        return b"", None
    tail = os.pread(fd, min(size, MAX_LINE + 2), size - min(size, MAX_LINE + 2))
    prefix = b"" if tail.endswith(b"\n") else b"\n"
    for raw in reversed(tail.split(b"\n")):
        if raw.strip():
            try:
                return prefix, parse_line(raw).entry_time
            except ValueError:
                continue
    return prefix, None


TAIL_SCAN = 8 * 1024 * 1024
"""How far back (bytes) `last_entry` looks for an earlier entry about the same subject."""
_CHUNK = 64 * 1024


def last_entry(fd: int, size: int, kind: str, key: str | None, since: int = 0) -> Entry | None:
    """The newest valid entry of `kind` about `key` in the last TAIL_SCAN bytes of the open
    file `fd`, after offset `since` (a line boundary); newest first, and only lines
    mentioning the key are parsed."""
    needle = json.dumps(key if key is not None else kind, ensure_ascii=False).encode()
    end, carry, floor = size, b"", max(since, size - TAIL_SCAN)
    while end > floor:
        start = max(floor, end - _CHUNK)
        block = os.pread(fd, end - start, start) + carry
        lines = block.split(b"\n")
        carry = lines.pop(0) if start > floor else b""  # may be cut: joined to the next block
        end = start
        for raw in reversed(lines):
            if needle not in raw or len(raw) > MAX_LINE:
                continue
            try:
                entry = parse_line(raw)
            except ValueError:
                continue
            if entry.kind == kind and (key is None or entry.data.get("key") == key):
                return entry
    return None


class _Latest:
    """`last_entry` per file and subject, remembered with the size it was read up to. Journals
    are append-only, so a later lookup reads only what was appended since (by anyone)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int, int, str, str | None], tuple[int, Entry | None]] = {}

    def find(self, fd: int, kind: str, key: str | None) -> Entry | None:
        st = os.fstat(fd)
        ident = (st.st_dev, st.st_ino, kind, key)
        read_to, known = self._seen.get(ident, (0, None))
        if not 0 <= st.st_size - read_to <= TAIL_SCAN:
            read_to, known = 0, None  # shrunk, or much appended: a plain scan
        last = last_entry(fd, st.st_size, kind, key, since=read_to) or known
        self._seen[ident] = (st.st_size, last)
        return last


def _last_in(path: Path, kind: str, key: str | None, latest: _Latest) -> Entry | None:
    """The newest entry about `key` in another journal file (shared lock, read only; None
    when absent)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        return latest.find(fd, kind, key)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written != len(data):  # never expected on a regular file; finish rather than tear
        view = memoryview(data)[written:]
        while view:
            n = os.write(fd, view)
            view = view[n:]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
