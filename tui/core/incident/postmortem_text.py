"""Markdown that pastes well from untrusted text: table cells, people's prose and lists,
the notes appendix (for `export_postmortem`). Controls and escape sequences are removed;
prose keeps no heading, HTML or unclosed code fence it could use to break the document."""

from __future__ import annotations

import re

from .export_common import block, utc
from .export_common import cell as _cell
from .model import IncidentState

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|✅|❌)\s+")


def not_written(key: str) -> str:
    """What an empty section says: not written yet, and how to write it."""
    return f"(not written yet — `warroom incident set {key}=…` or the TUI's edit form)"


def cell(text: object, limit: int = 300) -> str:
    """Untrusted text for one table cell or list item: one line, ``|`` escaped, no HTML,
    no heading or code fence of its own."""
    return re.sub(r"^(\s*)(#|`{3,}|~{3,})", r"\1\\\2", _cell(text, limit).replace("<", "\\<"))


def _inline(line: str) -> str:
    """One line of prose, inert: no heading, setext underline, fence or HTML of its own."""
    line = line.replace("<", "\\<")
    line = re.sub(r"^(\s{0,3})(#|`{3,}|~{3,})", r"\1\\\2", line)
    return "\\" + line if re.fullmatch(r"\s{0,3}(=+|-+)\s*", line) else line


def prose(text: object) -> str:
    """People's multi-line text as Markdown paragraphs (fenced code kept, closed if open)."""
    out, fence = [], ""
    for line in block(text).splitlines():
        m = _FENCE.match(line)
        if m and (not fence or (m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence))):
            fence = "" if fence else m.group(1)
            out.append(line.strip())
        else:
            out.append(line if fence else _inline(line))
    return "\n".join([*out, fence] if fence else out).strip()


def bullets(text: object, numbered: bool = False) -> list[str]:
    """One list item per non-empty line (a leading "-", "*", "1." or ✅/❌ is dropped)."""
    lines = [_MARKER.sub("", line).strip() for line in block(text).splitlines()]
    lines = [_inline(line) for line in lines if line]
    return [f"{i}. {line}" if numbered else f"- {line}" for i, line in enumerate(lines, 1)]


def _evidence(ev: dict) -> list[str]:
    """A note's evidence snapshot: check states, live color, log lines (all untrusted)."""
    out = []
    checks = ev.get("checks")
    if isinstance(checks, dict) and checks:
        out.append("  Evidence — checks: " + cell(", ".join(
            f"{k} {v.get('state')}" if isinstance(v, dict) else f"{k} {v}"
            for k, v in sorted(checks.items()))))
    color = ev.get("color")
    if isinstance(color, dict):
        out.append(f"  Evidence — live color: {cell(color.get('live'))}")
    logs = ev.get("logs")
    if isinstance(logs, dict) and isinstance(logs.get("lines"), list):
        out += ["", f"  Last log lines of {cell(logs.get('source'))}:", "", "  ```"]
        out += ["  " + _cell(line, 300).replace("`", "'") for line in logs["lines"]]
        out.append("  ```")
    return [*out, ""] if out else []


def notes_appendix(state: IncidentState) -> list[str]:
    notes = [e for e in state.entries if e.kind == "note"]
    if not notes:
        return []
    out = ["## Appendix: war room notes", ""]
    for e in sorted(notes, key=lambda e: (e.event_time, e.entry_time)):
        head = f"**{utc(e.event_time)}** {cell(e.author)}"
        if e.pinned:
            head += " 📌"
        if e.id in state.superseded:
            head += f" — superseded by `{state.superseded[e.id]}`"
        if e.supersedes:
            head += f" — corrects `{e.supersedes}`"
        text = prose(e.text())
        if e.id in state.superseded:
            text = "~~" + text.replace("\n", "~~\n~~") + "~~"
        body = "\n".join("> " + line for line in text.splitlines())
        out += [f"- {head} (`{e.id}`)", "", body, ""]
        if isinstance(e.data.get("evidence"), dict):
            out += _evidence(e.data["evidence"])
    return out
