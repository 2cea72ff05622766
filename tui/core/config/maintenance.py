"""Schema of `[maintenance]`: how warroom recognises planned maintenance.

```toml
[maintenance]
services = ["api-live"]                # whose answers may say "maintenance" (default: all)
reason = 'status = maintenance'        # a check reason matching this regex = in maintenance
action = "maintenance-status"          # a read-only status action, run as a check ...
# argv = ["/srv/bin/maintenance.sh", "status"]   # ... or the command itself (host, cwd, shell)
pattern = 'Maintenance mode:\\s*ON'     # its output matching this = ON; (?P<since>...) = since
```
Maintenance is its own state: those services are not DOWN for the verdict, the banner says
MAINTENANCE, and their failures are never suggested as "detected".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from . import checks
from .convert import check

if TYPE_CHECKING:
    from .actions import Action

COMMAND_INTERVAL = 10.0
"""Default seconds between runs of the maintenance status command. It forks a script (the
runbook's reads the database flag under sudo) to learn what changes only when someone runs
the switch: warroom runs it again at once after every action that refreshes (its own, or
another war room's on the same journal), and the services' answers, read at their own
interval, say "maintenance" sooner still."""


@dataclass(frozen=True)
class MaintenanceConfig:
    """At least one of `reason` (read from service answers) or a status command."""

    services: tuple[str, ...] = ()
    """Services whose reason is matched against `reason` (empty: every service)."""
    reason: str | None = field(default=None, metadata=check(checks.regex))
    action: str | None = None
    """The name of an [[actions]] entry whose argv/host/cwd/env/shell is run as the check."""
    argv: tuple[str, ...] = ()
    host: str = "local"
    cwd: str | None = None
    shell: bool = False
    pattern: str | None = field(default=None, metadata=check(checks.regex))
    """Output matching this means ON; a named group `since` is read as an ISO time."""
    interval: float | None = field(default=None, metadata=check(checks.positive))
    """Seconds between runs of the status command; default `COMMAND_INTERVAL` (or the
    services' interval when longer)."""
    timeout: float | None = field(default=None, metadata=check(checks.positive))

    def command_interval(self, services_interval: float) -> float:
        return self.interval or max(services_interval, COMMAND_INTERVAL)

    @property
    def has_command(self) -> bool:
        return bool(self.action or self.argv)

    def reads(self, service: str) -> bool:
        """Whether this service's answers are looked at for maintenance."""
        return self.reason is not None and (not self.services or service in self.services)

    def says_maintenance(self, service: str, reason: str) -> bool:
        """True when `service`'s check reason says it is in maintenance."""
        return self.reads(service) and re.search(self.reason or "", reason) is not None

    def _check(self) -> list[tuple[str, str]]:
        issues: list[tuple[str, str]] = []
        if self.action and self.argv:
            issues.append(("argv", "give either 'action' or 'argv', not both"))
        if self.has_command and not self.pattern:
            issues.append(("pattern", "is required with a status command (output meaning ON)"))
        if self.pattern and not self.has_command:
            issues.append(("pattern", "needs 'action' or 'argv' (the command whose output "
                           "it reads)"))
        if not self.reason and not self.has_command:
            issues.append(("reason", "give 'reason' (read from service answers) and/or a status "
                           "command ('action' or 'argv' with 'pattern')"))
        if self.shell and len(self.argv) != 1:
            issues.append(("argv", "with shell = true give exactly one item: the shell script"))
        return issues


@dataclass(frozen=True)
class StatusCommand:
    """The resolved maintenance status command (from `argv` or the named action)."""

    argv: tuple[str, ...]
    host: str
    cwd: str | None
    shell: bool
    env: dict[str, str]


class _WithMaintenance(Protocol):
    """What `status_command` reads of a Config (its sections, not the whole schema)."""

    @property
    def maintenance(self) -> MaintenanceConfig | None: ...

    @property
    def actions(self) -> tuple[Action, ...]: ...


def status_command(config: _WithMaintenance) -> StatusCommand | None:
    m = config.maintenance
    if m is None or not m.has_command:
        return None
    if m.argv:
        return StatusCommand(m.argv, m.host, m.cwd, m.shell, {})
    action = next((a for a in config.actions if a.name == m.action), None)
    if action is None:
        return None
    return StatusCommand(action.argv, action.host, action.cwd, action.shell, dict(action.env))
