"""The last lines of a container or a swarm service, fetched once into its drill-down's logs
(when no `[[logs.sources]]` follows it)."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable

from tui.core.config.logs import LogsConfig
from tui.core.container_detail import tail_lines
from tui.screens.container_detail import DetailScreen

Pairs = list[tuple[float, str]]


async def show_tail(screen: DetailScreen, logs: LogsConfig | None, fetch: Awaitable[Pairs],
                    source: Callable[[str], tuple[str, str]], note: str) -> None:
    """Await `fetch` ((timestamp, sanitized text) pairs) and show the lines in `screen`,
    classified by the logs' error/warn patterns; `source(text)` gives each line's (tag, text);
    `note` is said after "last N lines at HH:MM:SS UTC". A failed fetch is said instead."""
    logs = logs or LogsConfig()
    try:
        pairs = await fetch
    except Exception as exc:
        screen.add_log_lines([], note=f"no logs: {exc}")
        return
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    error, warn = re.compile(logs.error_pattern), re.compile(logs.warn_pattern)
    lines = []
    for when, text in pairs:
        tag, body = source(text)
        lines += tail_lines([(when, body)], tag, error, warn)
    screen.add_log_lines(lines, note=note.format(f"last {len(pairs)} lines at {stamp} UTC"))
