"""Make untrusted text inert: the one place hostile bytes are neutralised.

Everything from outside (log lines, container names, labels, image names, health bodies,
command output) passes through here at the probe boundary:

- `decode(b)`       bytes -> str, invalid UTF-8 replaced by U+FFFD.
- `sanitize(s)`     removes every escape sequence (CSI incl. 8-bit `\\x9b`, OSC, DCS, SOS, PM,
                    APC, other ESC sequences, lone ESC) and every other C0/C1 control, DEL and
                    bidi overrides. Keeps `\\t`; keeps `\\n` unless `keep_newlines=False`
                    (callers split lines themselves); `\\r\\n` becomes `\\n`, a lone `\\r` goes.
- `one_line(s)`     sanitize, newlines shown as a space: for table cells, names, labels.
- `to_text(s)`      a `rich.text.Text` keeping SGR colours (decoded by `Text.from_ansi` after
                    every non-SGR sequence is removed; conceal/blink dropped). Never parses
                    markup: `[bold red]`, `[$var]`, `[link=...]` stay literal characters.
- `clean_keep_sgr(s)` one stored log line: like sanitize but SGR kept (`strip_sgr` drops it).
- `clip(x, n)`      cut an over-long line for display (whole lines are kept elsewhere).

Never build markup strings from untrusted text: pass the `Text` (or `markup=False`).
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

__all__ = ["clean_keep_sgr", "clip", "decode", "one_line", "sanitize", "strip_sgr", "to_text"]

# One alternation, leftmost match wins; group "sgr" marks a plain colour sequence.
_SEQUENCE = re.compile(
    r"""
    (?P<sgr>\x1b\[[0-9;:]*m)                              # SGR: colours and attributes
    | (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?   # any other CSI (7- or 8-bit)
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])               # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?                 # ... up to BEL/ST (or an ESC/end)
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                          # other ESC sequences, lone ESC
    """,
    re.VERBOSE,
)
# Anything that could possibly need work: C0 (but tab), DEL, C1, bidi overrides/isolates.
_SUSPECT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_KEEP_NL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INERT = Style(conceal=False, blink=False, blink2=False)


def decode(data: bytes) -> str:
    """UTF-8 text from untrusted bytes; invalid sequences become U+FFFD."""
    return data.decode("utf-8", errors="replace")


def _strip(text: str, keep_sgr: bool, keep_newlines: bool) -> str:
    if not _SUSPECT.search(text):
        return text
    if keep_sgr:
        text = _SEQUENCE.sub(lambda m: m.group("sgr") or "", text)
    else:
        text = _SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n")
    if keep_sgr:
        # keep the ESC of the SGR sequences that survived, remove every other control
        parts = text.split("\x1b")
        controls = _CONTROLS_KEEP_NL if keep_newlines else _CONTROLS
        return "\x1b".join(controls.sub("", p) for p in parts)
    return (_CONTROLS_KEEP_NL if keep_newlines else _CONTROLS).sub("", text)


def sanitize(text: str, keep_newlines: bool = True) -> str:
    """`text` with every escape sequence and control character (but tab, newline) removed."""
    return _strip(text, keep_sgr=False, keep_newlines=keep_newlines)


def clean_keep_sgr(text: str) -> str:
    """One line for storage: every sequence/control removed except SGR (and tab)."""
    return _strip(text, keep_sgr=True, keep_newlines=False)


_SGR = re.compile(r"\x1b\[[0-9;:]*m")


def strip_sgr(text: str) -> str:
    """The plain characters of a `clean_keep_sgr` string."""
    return _SGR.sub("", text) if "\x1b" in text else text


def one_line(text: str) -> str:
    """Sanitized, with line breaks turned into spaces (names, labels, table cells)."""
    return sanitize(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "),
                    keep_newlines=False)


def to_text(raw: str, keep_sgr: bool = True, style: str | Style = "") -> Text:
    """Untrusted text as a `Text`: SGR colours kept (if `keep_sgr`), nothing else interpreted."""
    if not keep_sgr or "\x1b" not in raw:
        return Text(sanitize(raw), style=style, end="")
    clean = _strip(raw, keep_sgr=True, keep_newlines=True)
    if "\x1b" not in clean:
        return Text(clean, style=style, end="")
    text = Text.from_ansi(clean, style=style, end="")
    for span in text.spans:  # hidden or blinking text is not acceptable in a war room
        if isinstance(span.style, Style) and (
            span.style.conceal or span.style.blink or span.style.blink2
        ):
            break
    else:
        return text
    text.spans[:] = [
        s._replace(style=(s.style + _INERT) if isinstance(s.style, Style) else s.style)
        for s in text.spans
    ]
    return text


def clip(text: str | Text, limit: int, marker: str = "…") -> str | Text:
    """`text` cut to at most `limit` characters, ending with `marker` when it was cut."""
    if limit <= 0:
        return text[:0]
    if len(text) <= limit:
        return text
    keep = max(0, limit - len(marker))
    if isinstance(text, Text):
        cut = text[:keep]
        cut.append(marker, style="dim")
        return cut
    return text[:keep] + marker
