"""Incidents on disk: one journal per incident, plus a standing ``audit.jsonl``.

``<dir>/<YYYYMMDD-HHMMSS>-<slug>.jsonl`` holds one incident (its first entry is the ``open``);
``<dir>/audit.jsonl`` receives check transitions, color changes and the actions audit while no
incident is open, so they always have somewhere durable to go (and an incident backdated to
the first signal picks them up as its prelude).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..journal import Entry, Journal, LoadResult
from ..model import utcnow
from .model import IncidentState, Suggestion, fold, suggest_milestones

if TYPE_CHECKING:
    from ..config.incident import IncidentPolicy
    from ..config.schema import Config

AUDIT = "audit.jsonl"
PRELUDE_KINDS = ("check", "color", "container", "action", "alert")


def slug(title: str) -> str:
    """A short file-name-safe form of a title."""
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text[:32].rstrip("-") or "incident"


class Incidents:
    """The incident directory: list, find, create and choose the active journal."""

    def __init__(self, policy: IncidentPolicy, base_dir: str | Path = ".",
                 service_colors: Mapping[str, str] | None = None) -> None:
        self.policy = policy
        self.dir = policy.directory(base_dir)
        self.service_colors = dict(service_colors or {})
        """Check key (service name) → color, to tell the checks that page (`paging`)."""
        self._cache: dict[Path, tuple[tuple[int, int, int], IncidentState | None]] = {}

    @classmethod
    def from_config(cls, config: Config) -> Incidents:
        return cls(config.incident, config.base_dir, service_colors(config))

    @property
    def audit_path(self) -> Path:
        return self.dir / AUDIT

    def paths(self) -> list[Path]:
        """Incident journals, oldest first (names start with the declaration time)."""
        try:
            names = sorted(p for p in self.dir.glob("*.jsonl") if p.name != AUDIT)
        except OSError:
            return []
        return [p for p in names if p.is_file()]

    def load(self, path: Path) -> IncidentState | None:
        """Fold one incident file (cached until the file changes)."""
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        cached = self._cache.get(path)
        if cached and cached[0] == key:
            return cached[1]
        result = Journal(path).load()
        state = fold(result.entries, path, result.skipped)
        self._cache[path] = (key, state)
        return state

    def all(self) -> list[IncidentState]:
        return [s for s in (self.load(p) for p in self.paths()) if s is not None]

    def open_incidents(self) -> list[IncidentState]:
        return [s for s in self.all() if not s.resolved]

    def current(self) -> IncidentState | None:
        """The most recently declared open incident, if any."""
        opened = self.open_incidents()
        return max(opened, key=lambda s: s.declared_at) if opened else None

    def get(self, ident: str) -> IncidentState:
        """An incident by id or unique id prefix; raises LookupError."""
        matches = [p for p in self.paths() if p.stem == ident] or [
            p for p in self.paths() if p.stem.startswith(ident)]
        if len(matches) != 1:
            what = "no incident" if not matches else f"{len(matches)} incidents"
            raise LookupError(f"{what} matching {ident!r} in {self.dir}")
        state = self.load(matches[0])
        if state is None:
            raise LookupError(f"{matches[0]} has no valid 'open' entry")
        return state

    def new_path(self, title: str, now: dt.datetime | None = None) -> Path:
        """A fresh, unused incident file name (created empty, 0600, so it is reserved)."""
        stamp = (now or utcnow()).strftime("%Y%m%d-%H%M%S")
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for n in range(100):
            suffix = f"-{n + 1}" if n else ""
            path = self.dir / f"{stamp}-{slug(title)}{suffix}.jsonl"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            os.close(fd)
            return path
        raise FileExistsError(f"cannot find a free incident file name in {self.dir}")

    def journal_for(self, state: IncidentState | None) -> Journal:
        return Journal(state.path) if state is not None else Journal(self.audit_path)

    def prelude(self, state: IncidentState) -> list[Entry]:
        """Audit entries (checks, color, containers, actions) from the incident's start until
        its declaration: the machine's record of the first signal."""
        return self.audit_before(state)[0]

    def audit_before(self, state: IncidentState) -> tuple[list[Entry], list[Entry]]:
        """(`prelude`, the color history) from one read of the audit journal. The color
        history is the audit journal's ``color`` entries up to the declaration: the live color
        when the incident started may have been recorded long before it."""
        if not self.audit_path.exists():
            return [], []
        entries = Journal(self.audit_path).load().entries
        prelude = [e for e in entries if e.kind in PRELUDE_KINDS
                   and state.start <= e.event_time <= state.declared_at]
        colors = [e for e in entries if e.kind == "color" and e.event_time <= state.declared_at]
        return prelude, colors

    def suggestions(self, state: IncidentState, prelude: list[Entry] | None = None,
                    history: list[Entry] | None = None) -> list[Suggestion]:
        """`suggest_milestones` with this directory's prelude, color history and colors."""
        if prelude is None or history is None:
            read_prelude, read_history = self.audit_before(state)
            prelude = read_prelude if prelude is None else prelude
            history = read_history if history is None else history
        return suggest_milestones(state, prelude, self.service_colors, history)

    def changed_marker(self) -> tuple[int, int]:
        """Cheap stamp of the directory (new incident files change it)."""
        try:
            st = self.dir.stat()
        except FileNotFoundError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_ino)


def service_colors(config: Config) -> dict[str, str]:
    """Service name → color, for the services that have one."""
    return {s.name: s.color for s in config.services if s.color}


class ActiveJournal:
    """The journal automatic entries go to now (the actions audit, transitions, color): the
    open incident's, else the standing audit one. Journal-like (`append`, `load`) for the
    executor, which pins each attempt to `current()` so all its records land together.

    One long-lived `Incidents` (its per-file cache keyed by stat) keeps choosing cheap: a
    stat per incident file, not a re-read of every journal ever written."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.incidents = Incidents.from_config(config)

    def current(self) -> Journal:
        """The journal to pin an attempt to (every record of one attempt goes there)."""
        return self.incidents.journal_for(self.incidents.current())

    def append(self, kind: str, data: dict[str, Any], **kwargs: Any) -> Entry:
        return self.current().append(kind, data, **kwargs)

    def load(self) -> LoadResult:
        return self.current().load()

    def open_journals(self) -> list[Journal]:
        """The standing audit journal and every open incident's: where attempts may be open."""
        journals = [Journal(self.incidents.audit_path)]
        journals += [self.incidents.journal_for(s) for s in self.incidents.open_incidents()]
        return journals
