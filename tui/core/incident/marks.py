"""Pins as marks on an entry, not copies of it.

Pinning writes a ``pin`` entry (data: target = the pinned entry's id, pinned = true/false)
credited to whoever pinned; the pinned entry keeps its author, time and id. `apply_pins` folds
those marks into the entries for display and exports. Versions before this wrote a pin as a
copy of the note that superseded the original (credited to whoever pinned): such a copy —
same text, same event time, only ``pinned`` flipped — is read back as a mark on the original.
"""

from __future__ import annotations

from dataclasses import replace

from ..journal import Entry

PIN = "pin"


def pin_data(target: str, pinned: bool) -> dict[str, object]:
    """The ``data`` of a pin mark."""
    return {"target": target, "pinned": pinned}


def _legacy_pin(entry: Entry, by_id: dict[str, Entry], pinned: dict[str, bool]
                ) -> Entry | None:
    """The original when ``entry`` is an old-style pin copy of it, else None."""
    if entry.kind != "note" or not entry.supersedes:
        return None
    original = by_id.get(entry.supersedes)
    if (original is None or original.kind != "note" or original.text() != entry.text()
            or original.event_time != entry.event_time
            or pinned.get(original.id, original.pinned) == entry.pinned
            or entry.data.get("evidence") != original.data.get("evidence")):
        return None
    return original


def apply_pins(entries: list[Entry]) -> list[Entry]:
    """The entries (file order) with pin marks applied and removed; old-style pin copies
    become marks on their originals (corrections of a copy then correct the original)."""
    by_id: dict[str, Entry] = {}
    alias: dict[str, str] = {}
    pinned: dict[str, bool] = {}
    kept: list[Entry] = []
    for e in entries:
        if e.kind == PIN:
            target = e.data.get("target")
            if isinstance(target, str) and isinstance(e.data.get("pinned"), bool):
                pinned[alias.get(target, target)] = e.data["pinned"]
            continue
        if e.supersedes in alias:
            e = replace(e, supersedes=alias[e.supersedes])
        original = _legacy_pin(e, by_id, pinned)
        if original is not None:
            alias[e.id] = original.id
            pinned[original.id] = e.pinned
            by_id[e.id] = original
            continue
        by_id[e.id] = e
        kept.append(e)
    if not pinned:
        return kept
    return [replace(e, pinned=pinned[e.id]) if e.id in pinned and e.pinned != pinned[e.id]
            else e for e in kept]


def find(entries: list[Entry], ident: str) -> Entry | None:
    """The entry with this id (or unique id prefix), pins applied."""
    matches = [e for e in apply_pins(entries) if e.id == ident] or [
        e for e in apply_pins(entries) if e.id.startswith(ident)]
    return matches[0] if len(matches) == 1 else None
