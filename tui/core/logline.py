"""One line of the logs tail (plain data shared by probes/logs* and widgets/logs.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .sanitize import strip_sgr

NORMAL, WARN, ERROR, MARKER = 0, 1, 2, 3
SEQ = itertools.count()
"""Global arrival order: ties between equal timestamps keep it."""


@dataclass(slots=True)
class LogLine:
    """One sanitized line. `text` may hold SGR sequences only; `plain` never does."""

    seq: int
    ts: float
    source: str
    text: str
    level: int = NORMAL

    @property
    def plain(self) -> str:
        return strip_sgr(self.text)


