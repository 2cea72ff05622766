"""Post-mortem action items: journal entries of kind ``item``, folded from the incident's
entries (UI-free; the CLI and the TUI both write through `add` and `update`).

``data["op"]``:
- ``add``: text, owner, due (``YYYY-MM-DD`` or absent) — the item's id is the entry's id;
- ``update``: item (the id), and any of status (one of `STATUSES`), owner, due, text.
An update naming an unknown item is ignored by the fold (it stays in the journal).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..journal import Entry, Journal
from .model import IncidentState
from .ops import IncidentError

KIND = "item"
STATUSES = ("open", "done", "cancelled")
MAX_TEXT = 2_000
MAX_OWNER = 100
MAX_AHEAD = dt.timedelta(days=2 * 366)
"""A due date further ahead than this is a typo (2206-01-01), refused."""
_RELATIVE = re.compile(r"^\+?(\d{1,3})\s*([dw])$", re.I)


@dataclass(frozen=True)
class ActionItem:
    """One action item as it stands after every update."""

    id: str
    text: str
    owner: str
    due: dt.date | None
    status: str
    author: str
    created: dt.datetime
    updated_by: str
    updated: dt.datetime

    def overdue(self, today: dt.date) -> bool:
        return self.status == "open" and self.due is not None and self.due < today


def parse_due(text: str, today: dt.date) -> dt.date:
    """``YYYY-MM-DD``, ``today``, ``tomorrow``, ``7d``/``+7d`` or ``2w``; ValueError naming the
    accepted forms for anything else, for a date before ``today`` or more than two years
    ahead."""
    value = text.strip().lower()
    if value == "today":
        due = today
    elif value == "tomorrow":
        due = today + dt.timedelta(days=1)
    elif m := _RELATIVE.match(value):
        n = int(m.group(1))
        due = today + dt.timedelta(days=n * (7 if m.group(2) == "w" else 1))
    else:
        try:
            due = dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d\d-\d\d", value) \
                else None
        except ValueError:
            due = None
        if due is None:
            raise ValueError(f"bad due date {text.strip()[:40]!r}: use YYYY-MM-DD (a real "
                             "date), today, tomorrow, 7d or 2w")
    if due < today:
        raise ValueError(f"due date {due.isoformat()} is in the past (today is "
                         f"{today.isoformat()} UTC)")
    if due - today > MAX_AHEAD:
        raise ValueError(f"due date {due.isoformat()} is more than two years ahead")
    return due


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise IncidentError("an action item needs a text")
    if len(text) > MAX_TEXT:
        raise IncidentError(f"action item too long ({len(text)} characters, max {MAX_TEXT})")
    return text


def _owner(owner: str) -> str:
    owner = owner.strip()
    if len(owner) > MAX_OWNER:
        raise IncidentError(f"owner too long ({len(owner)} characters, max {MAX_OWNER})")
    return owner


def add(state: IncidentState, text: str, *, owner: str = "", due: dt.date | None = None,
        author: str | None = None) -> Entry:
    """Write a new open item (durable on return); its id is the entry's."""
    data: dict[str, Any] = {"op": "add", "text": _text(text), "owner": _owner(owner)}
    if due is not None:
        data["due"] = due.isoformat()
    return Journal(state.path).append(KIND, data, author=author)


def update(state: IncidentState, ident: str, *, status: str | None = None,
           owner: str | None = None, due: dt.date | None = None, text: str | None = None,
           author: str | None = None) -> Entry:
    """Change an item (by id or unique prefix): its status, owner, due date or text."""
    item = find(items(state), ident)
    data: dict[str, Any] = {"op": "update", "item": item.id}
    if status is not None:
        if status not in STATUSES:
            raise IncidentError(f"status must be one of {', '.join(STATUSES)}")
        if status == item.status:
            raise IncidentError(f"action item {item.id} is already {status}")
        data["status"] = status
    if owner is not None:
        data["owner"] = _owner(owner)
    if due is not None:
        data["due"] = due.isoformat()
    if text is not None:
        data["text"] = _text(text)
    if len(data) == 2:
        raise IncidentError("nothing to change")
    return Journal(state.path).append(KIND, data, author=author)


def find(found: list[ActionItem], ident: str) -> ActionItem:
    """An item by id or unique id prefix (or its number in the list, 1-based)."""
    ident = ident.strip()
    matches = [i for i in found if i.id == ident] or [
        i for i in found if ident and i.id.startswith(ident)]
    if not matches and ident.isdigit() and 1 <= int(ident) <= len(found):
        matches = [found[int(ident) - 1]]
    if len(matches) != 1:
        what = "no action item" if not matches else f"{len(matches)} action items"
        raise LookupError(f"{what} matching {ident[:40]!r} (`warroom incident action-item "
                          "list` shows their ids)")
    return matches[0]


def items(state: IncidentState) -> list[ActionItem]:
    """Every item of the incident, in the order added."""
    return fold_items(state.entries)


def fold_items(entries: list[Entry]) -> list[ActionItem]:
    out: dict[str, ActionItem] = {}
    for e in entries:
        if e.kind != KIND:
            continue
        d = e.data
        if d.get("op") == "add" and isinstance(d.get("text"), str) and e.id not in out:
            out[e.id] = ActionItem(e.id, d["text"], _str(d.get("owner")), _date(d.get("due")),
                                   "open", e.author, e.event_time, e.author, e.event_time)
        elif d.get("op") == "update" and d.get("item") in out:
            old = out[d["item"]]
            status = d.get("status") if d.get("status") in STATUSES else old.status
            out[old.id] = ActionItem(
                old.id, d["text"] if isinstance(d.get("text"), str) else old.text,
                d["owner"] if isinstance(d.get("owner"), str) else old.owner,
                _date(d.get("due")) or old.due, status, old.author, old.created, e.author,
                e.event_time)
    return list(out.values())


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def item_text(d: dict[str, Any]) -> str:
    """An ``item`` entry in one line (plain text, unsanitized): "Action item added: … (owner
    ann, due 2026-03-01)", "Action item 3f2a… → done"."""
    if d.get("op") == "add":
        extra = ", ".join(f"{k} {d[k]}" for k in ("owner", "due") if d.get(k))
        return f"Action item added: {d.get('text')}" + (f" ({extra})" if extra else "")
    changes = ", ".join(f"{k} {d[k]}" for k in ("status", "owner", "due", "text") if k in d)
    return f"Action item {d.get('item')} updated: {changes}"
