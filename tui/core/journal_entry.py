"""One journal line: the entry format, its validation and (de)serialization.

The file's rules (append under a lock, fsync, dedupe of automatic entries) are in
``tui.core.journal``; this module is what a line is, so readers and the tail lookup can use it
without the writer.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import secrets
import socket
from dataclasses import dataclass, field
from typing import Any

from .model import Transition

VERSION = 1
MAX_LINE = 64 * 1024
"""Longest line accepted (bytes, newline excluded); longer lines are skipped on load."""
KINDS = ("note", "check", "color", "container", "action", "incident", "pin", "alert", "step",
         "item", "notify", "checklist", "escalation")
_FIELDS = {
    "v", "id", "kind", "entry_time", "event_time", "author", "data", "supersedes", "pinned",
}
KIND_RE = re.compile(r"[a-z][a-z0-9_.-]{0,31}")
ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class EntryTooLarge(ValueError):
    """The serialized entry is longer than MAX_LINE; shorten the data (e.g. cap output tails)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One journal line. Text inside is untrusted (sanitize before display)."""

    id: str
    kind: str
    entry_time: dt.datetime
    event_time: dt.datetime
    author: str
    data: dict[str, Any]
    supersedes: str | None = None
    pinned: bool = False

    def text(self) -> str:
        """The note text (empty for other kinds)."""
        value = self.data.get("text", "")
        return value if isinstance(value, str) else ""


@dataclass
class LoadResult:
    """What `Journal.load` found: the valid entries and a message per skipped line."""

    entries: list[Entry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def default_author() -> str:
    """``user@host`` of this process."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"


def new_id() -> str:
    """A short random id (12 hex digits), easy to type in `--supersedes`."""
    return secrets.token_hex(6)


def format_time(value: dt.datetime) -> str:
    """ISO 8601 UTC with microseconds, e.g. ``2026-11-23T06:02:50.123456+00:00``."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def transition_data(transition: Transition) -> dict[str, Any]:
    """The ``check`` entry data for a store `Transition` (its ``at`` is the event time)."""
    data: dict[str, Any] = {
        "key": transition.key,
        "old": transition.old.value if transition.old else None,
        "new": transition.new.value,
        "reason": transition.reason,
    }
    if transition.maintenance:
        data["maintenance"] = True  # planned: never suggested as "detected"
    return data


def serialize(entry: Entry) -> bytes:
    """The entry as one JSON line (with the newline)."""
    obj = {
        "v": VERSION, "id": entry.id, "kind": entry.kind,
        "entry_time": format_time(entry.entry_time), "event_time": format_time(entry.event_time),
        "author": entry.author, "data": entry.data, "supersedes": entry.supersedes,
        "pinned": entry.pinned,
    }
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def parse_line(line: bytes) -> Entry:
    """Parse one line (without newline); raises ValueError saying what is wrong."""
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"bad JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    unknown = set(obj) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if obj.get("v") != VERSION:
        raise ValueError(f"unsupported version {obj.get('v')!r}")
    ident, kind, author = obj.get("id"), obj.get("kind"), obj.get("author")
    if not isinstance(ident, str) or not ID_RE.fullmatch(ident):
        raise ValueError("missing or malformed id")
    if not isinstance(kind, str) or not KIND_RE.fullmatch(kind):
        raise ValueError("missing or malformed kind")
    if not isinstance(author, str):
        raise ValueError("missing author")
    data = obj.get("data")
    if not isinstance(data, dict):
        raise ValueError("data is not an object")
    supersedes = obj.get("supersedes")
    if supersedes is not None and not (
        isinstance(supersedes, str) and ID_RE.fullmatch(supersedes)
    ):
        raise ValueError("malformed supersedes")
    pinned = obj.get("pinned", False)
    if not isinstance(pinned, bool):
        raise ValueError("pinned is not a boolean")
    return Entry(
        ident, kind, _parse_time(obj.get("entry_time"), "entry_time"),
        _parse_time(obj.get("event_time"), "event_time"), author, data, supersedes, pinned,
    )


def _parse_time(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(f"missing {name}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"malformed {name}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{name} has no timezone")
    return parsed.astimezone(dt.UTC)
