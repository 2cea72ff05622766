"""The actions audit: journal records for every attempt, with secrets redacted.

Secrets are the values of every env file the config loads and of every `${VAR}` the config
interpolates. They are replaced by `***` in argv, env, output tails, errors and the target
description before anything is written or shown. Each attempt is written ahead: a `started`
record before the process is spawned, so a SIGKILLed app leaves a started attempt without an
outcome, which `unfinished()` reports as interrupted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from tui.core.attempts import JournalUnwritable, Plan, Run
from tui.core.config.interpolate import read_env_file
from tui.core.config.schema import Config

MIN_SECRET = 3
TAIL_LINES = 40
TAIL_CHARS = 4000
FINAL = ("finished", "failed", "timed_out", "cancelled", "interrupted", "error")
"""Outcomes that close a started attempt."""
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}")


class JournalLike(Protocol):
    def append(self, kind: str, data: dict[str, Any], **kwargs: Any) -> Any: ...


class Redactor:
    """Replaces known secret values with `***` (longest first)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s for s in secrets if len(s) >= MIN_SECRET}
        self._values = sorted(values, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(v) for v in self._values)) if self._values else None
        )

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub("***", text)

    def seq(self, items: Iterable[str]) -> list[str]:
        return [self(i) for i in items]

    @classmethod
    def for_config(cls, config: Config) -> Redactor:
        return cls(secret_values(config))


def secret_values(config: Config) -> set[str]:
    """Values from the config's env files and of every variable it interpolates."""
    found: dict[str, str] = {}
    for name in config.env_files:
        try:
            found.update(read_env_file(config.path(name)))
        except OSError:
            continue
    secrets = set(found.values())
    try:
        text = Path(config.source).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for var in _VAR.findall(text):
        value = os.environ.get(var, found.get(var))
        if value:
            secrets.add(value)
    return secrets


def display_env(plan: Plan, redact: Redactor) -> list[str]:
    """``NAME=value`` of the plan's environment, values redacted."""
    env = plan.expanded.env if plan.expanded else {}
    return [f"{k}={redact(v)}" for k, v in env.items()]


def attempt_record(run: Run, outcome: str, redact: Redactor,
                   extra: Mapping[str, Any]) -> dict[str, Any]:
    """The `action` record of one event of an attempt: what ran, where, as whom, the
    preflight, then ``extra`` (None values left out); secrets redacted."""
    plan = run.plan
    data: dict[str, Any] = {
        "attempt": run.attempt,
        "action": plan.action.name,
        "outcome": outcome,
        "argv": redact.seq(plan.argv),
        "env": display_env(plan, redact),
        "where": plan.where,
        "target": plan.target,
        "user": plan.user,
        "cwd": redact(plan.expanded.cwd or "") if plan.expanded else None,
        "shell": plan.action.shell,
        "timeout_s": plan.action.timeout,
        "production": plan.production,
        "preflight": [{**p.as_dict(), "reason": redact(p.reason)} for p in plan.preflight],
    }
    if run.reason and "reason" not in extra and outcome not in ("started", "effect"):
        data["reason"] = run.reason
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def write_action(journal: Any, data: dict[str, Any], author: str | None, what: str) -> None:
    """Append one `action` record (as ``author`` when given). Raises `JournalUnwritable`
    ("journal unwritable (…): <what> not recorded") when the disk refuses (full, read-only):
    the caller says so, the app never crashes."""
    try:
        if author is None:
            journal.append("action", data)
        else:
            journal.append("action", data, author=author)
    except OSError as exc:
        raise JournalUnwritable(f"journal unwritable ({exc.strerror or exc}): "
                                f"{what} not recorded") from None


def tail(lines: Iterable[str], redact: Redactor) -> str:
    """The last lines of output (bounded), redacted; lines are already sanitized."""
    kept = list(lines)[-TAIL_LINES:]
    text = "".join(kept)[-TAIL_CHARS:]
    return redact(text)


def unfinished(entries: Iterable[Any]) -> list[Any]:
    """Journal `action` entries with outcome `started` and no closing outcome: interrupted."""
    started: dict[str, Any] = {}
    for entry in entries:
        if getattr(entry, "kind", None) != "action":
            continue
        data = entry.data
        attempt = data.get("attempt")
        if not isinstance(attempt, str):
            continue
        if data.get("outcome") == "started":
            started[attempt] = entry
        elif data.get("outcome") in FINAL:
            started.pop(attempt, None)
    return list(started.values())


def close_unfinished(journal: Any) -> list[dict[str, Any]]:
    """At startup: write an `interrupted` record for each attempt a killed app left open.

    Says whether the recorded local pid still runs (an orphan to look at). Returns the records.
    """
    written = []
    entries = journal.load().entries
    pids = {e.data.get("attempt"): e.data.get("pid") for e in entries
            if e.kind == "action" and e.data.get("outcome") == "running"}
    for entry in unfinished(entries):
        started = entry.data
        pid = pids.get(started.get("attempt"))
        alive = isinstance(pid, int) and started.get("where") == "local" and _alive(pid)
        data = {
            key: started[key] for key in ("attempt", "action", "argv", "where", "target", "user")
            if key in started
        }
        data |= {
            "outcome": "interrupted",
            "reason": "the app ended while the action ran (found at the next start)"
            + (f"; local pid {pid} is still running" if alive else ""),
            "started_entry": entry.id,
        }
        if isinstance(pid, int):
            data["pid"] = pid
        journal.append("action", data)
        written.append(data)
    return written


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

