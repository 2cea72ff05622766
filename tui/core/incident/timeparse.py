"""Parse the times people type: ISO 8601, ``HH:MM[:SS]`` (UTC today), ``-10m``, ``10m ago``."""

from __future__ import annotations

import datetime as dt
import re

_REL = re.compile(r"^-?\s*(\d+(?:\.\d+)?)\s*([smhd])(?:\s*ago)?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_when(text: str, now: dt.datetime) -> dt.datetime:
    """A UTC time from user input; raises ValueError with a hint.

    ``-10m`` / ``10m ago`` / ``90s``: that long before ``now``. ``06:40`` or ``06:40:12``: that
    UTC time today (yesterday if it would be in the future). Anything else: ISO 8601, UTC when
    no offset is given. Times in the future are refused.
    """
    value = text.strip().lower()
    if value in ("now", ""):
        return now
    if m := _REL.match(value):
        return now - dt.timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])
    if m := _CLOCK.match(value):
        hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        try:
            at = now.astimezone(dt.UTC).replace(hour=hour, minute=minute, second=second,
                                                microsecond=0)
        except ValueError:
            raise ValueError(f"not a time of day: {text!r}") from None
        return at - dt.timedelta(days=1) if at > now else at
    try:
        at = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"cannot read time {text!r}: use ISO 8601 (2026-01-31T06:40Z), HH:MM (UTC) or -10m"
        ) from None
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    if at > now + dt.timedelta(seconds=5):
        raise ValueError(f"{text!r} is in the future")
    return at
