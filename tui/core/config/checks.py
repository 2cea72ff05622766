"""Reusable field validators for the config schema (each returns an error message or None)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return "must be an http:// or https:// URL"
    if not parts.hostname:
        return "URL has no host"
    try:
        _ = parts.port
    except ValueError:
        return "URL has an invalid port"
    return None


def regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def regexes(values: tuple[str, ...]) -> str | None:
    """Every value compiles as a regular expression (the first that does not is named)."""
    for value in values:
        problem = regex(value)
        if problem:
            return f"{value!r} {problem}"
    return None


def regex_with_group(value: str) -> str | None:
    problem = regex(value)
    if problem:
        return problem
    if re.compile(value).groups < 1:
        return "regular expression needs one capture group (the value to read)"
    return None


def positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def non_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def name(value: str) -> str | None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", value):
        return "must be 1-64 characters: letters, digits, '_', '.', ':' or '-'"
    return None


def non_empty(value: object) -> str | None:
    return None if value else "must not be empty"


def port(value: int) -> str | None:
    return None if 0 < value < 65536 else "must be a TCP port (1-65535)"


def duplicates(names: list[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for n in names:
        if n in seen and n not in dup:
            dup.append(n)
        seen.add(n)
    return dup
