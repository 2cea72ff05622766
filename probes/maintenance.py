"""Run the configured maintenance status command and read ON/OFF (and since when) from it.

A read-only check the config names (`[maintenance] action = "maintenance-status"` or `argv`),
run like a color command source: locally or over SSH, ANSI stripped, bounded by its timeout.
"""

from __future__ import annotations

import datetime as dt
import re

from probes.color import RemoteRunner
from probes.command import capture_local
from tui.core.config.maintenance import StatusCommand, status_command
from tui.core.config.schema import Config
from tui.core.maintenance import MaintenanceReading
from tui.core.model import utcnow
from tui.core.sanitize import one_line, sanitize


def parse_since(text: str | None) -> dt.datetime | None:
    """An ISO-8601 time (a trailing Z allowed) as aware UTC; None when unreadable."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


class MaintenanceProbe:
    """`await probe()` returns a MaintenanceReading; remembers when it first read ON."""

    def __init__(self, config: Config, remote: RemoteRunner | None = None) -> None:
        assert config.maintenance is not None
        command = status_command(config)
        assert command is not None
        self.config = config
        self.command: StatusCommand = command
        self.pattern = re.compile(config.maintenance.pattern or "", re.MULTILINE)
        self.remote = remote
        self.timeout = config.timeout(config.maintenance.timeout)
        self.label = config.maintenance.action or "maintenance status"
        self._first_on: dt.datetime | None = None

    async def probe(self) -> MaintenanceReading:
        c = self.command
        if c.host == "local":
            cwd = str(self.config.path(c.cwd)) if c.cwd else self.config.base_dir
            out = await capture_local(c.argv, self.timeout, shell=c.shell, cwd=cwd, env=c.env)
        elif self.remote is None:
            return self._reading(None, error=f"no SSH runner for host {c.host!r}")
        else:
            out = await self.remote(c.host, c.argv, self.timeout)
        if out.error:
            return self._reading(None, error=one_line(out.error)[:120])
        match = self.pattern.search(sanitize(out.output))
        if match:
            since = parse_since(match.groupdict().get("since"))
            return self._reading(True, since)
        if out.exit_code != 0:
            lines = [line for line in sanitize(out.output).splitlines() if line.strip()]
            said = f": {one_line(lines[-1])[:100]}" if lines else ""
            return self._reading(None, error=f"command exited {out.exit_code}{said}")
        return self._reading(False)

    def _reading(self, on: bool | None, since: dt.datetime | None = None,
                 error: str | None = None) -> MaintenanceReading:
        now = utcnow()
        if on:
            self._first_on = self._first_on or now
        elif on is False:
            self._first_on = None
        return MaintenanceReading(on, now, since or (self._first_on if on else None), error,
                                  self.label)

    def failed(self, reason: str) -> MaintenanceReading:
        return self._reading(None, error=reason)
