"""Re-export of `tui.core.sanitize` (the implementation lives in the UI-free core so widgets
may use it too; probes keep importing it from here)."""

from tui.core.sanitize import (
    clean_keep_sgr,
    clip,
    decode,
    one_line,
    sanitize,
    strip_sgr,
    to_text,
)

__all__ = ["clean_keep_sgr", "clip", "decode", "one_line", "sanitize", "strip_sgr", "to_text"]
