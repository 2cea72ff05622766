"""Map TOML key paths to line numbers (tomllib does not report them).

A small line scanner, not a TOML parser: it follows `[table]` and `[[array]]` headers and
`key = value` lines (dotted keys included). Keys inside multi-line arrays or inline tables are
not indexed; lookups fall back to the nearest indexed ancestor, which is the line a person
would look at anyway.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _split_dotted(text: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if part.startswith("[") or not out:
            out += part
        else:
            out += "." + part
    return out


class LineIndex:
    """Key path (e.g. `services[1].url`) → 1-based line number."""

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        counters: dict[str, int] = {}
        table: list[str] = []
        depth = 0  # bracket depth of a multi-line value being skipped
        quote = ""  # the delimiter of an open multi-line string (""" or ''')
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if quote:
                if raw.count(quote) % 2 == 1:
                    quote = ""
                continue
            if depth > 0:
                depth += _bracket_balance(line)
                continue
            if not line or line.startswith("#"):
                continue
            header = _HEADER.match(raw)
            if header and not _KEY.match(raw):
                names = _split_dotted(header.group(2))
                prefix = _resolve(names[:-1], counters)
                if header.group(1) == "[[":
                    base = _join([*prefix, names[-1]])
                    index = counters.get(base, -1) + 1
                    counters[base] = index
                    table = [*prefix, names[-1], f"[{index}]"]
                else:
                    table = [*prefix, names[-1]]
                self.lines.setdefault(_join(table), number)
                continue
            key = _KEY.match(raw)
            if key:
                path = _join([*table, *_split_dotted(key.group(1))])
                self.lines.setdefault(path, number)
                value = raw[key.end():]
                for delimiter in ('"""', "'''"):
                    if value.count(delimiter) % 2 == 1:
                        quote = delimiter
                        break
                else:
                    depth = max(0, _bracket_balance(value))

    def line_of(self, path: str) -> int | None:
        """The line of `path` or of its nearest indexed ancestor."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                return None
            path = path[:cut]
        return None


def _resolve(names: list[str], counters: dict[str, int]) -> list[str]:
    """Expand `a.b` inside headers to the latest array element, as TOML does."""
    out: list[str] = []
    for name in names:
        out.append(name)
        base = _join(out)
        if base in counters:
            out.append(f"[{counters[base]}]")
    return out


def _bracket_balance(text: str) -> int:
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'[^\']*\'', "", text).split("#", 1)[0]
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")
