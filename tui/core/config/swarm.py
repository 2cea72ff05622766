"""Schema of `[swarm]`: the Docker Swarm services the swarm panel watches, through which managers.

```toml
[swarm]
hosts = ["local"]                  # managers: "local" (DOCKER_HOST) or [hosts.*] names (SSH)
services = ["^shop-", "^api$"]     # regular expressions searched in the service name (all if unset)
labels = ["team=web"]              # service label selectors: "key" or "key=value" (all must match)
critical = ["^shop-web$"]          # services whose DOWN pages (CRITICAL); unset: every one
interval = 10.0                    # reconcile: everything re-listed this often (events between)
timeout = 5.0                      # every Docker API call
stale_after = 40.0                 # default 3 × interval + timeout
actions = true                     # rollback / restart / scale (confirmed, never read-only)
```
A manager answers for its whole swarm: list one manager per swarm (a second one of the same
swarm is a fallback; a service seen twice is shown once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import checks
from .containers import _label_matches, _label_selectors
from .convert import check


def _critical(values: tuple[str, ...] | None) -> str | None:
    return None if values is None else checks.regexes(values)


@dataclass(frozen=True)
class SwarmConfig:
    """The swarm panel. Unset timings fall back to the defaults shown here."""

    hosts: tuple[str, ...] = ("local",)
    services: tuple[str, ...] = field(default=(), metadata=check(checks.regexes))
    labels: tuple[str, ...] = field(default=(), metadata=check(_label_selectors))
    critical: tuple[str, ...] | None = field(default=None, metadata=check(_critical))
    """Regexes of service names whose DOWN is CRITICAL (None: every watched service; []:
    none — DOWN is then a WARNING). DEGRADED is always a WARNING."""
    interval: float = field(default=10.0, metadata=check(checks.positive))
    timeout: float = field(default=5.0, metadata=check(checks.positive))
    stale_after: float | None = field(default=None, metadata=check(checks.positive))
    actions: bool = True

    def _check(self) -> list[tuple[str, str]]:
        if not self.hosts:
            return [("hosts", "must list at least one manager ('local' or a [hosts] name)")]
        dups = checks.duplicates(list(self.hosts))
        return [("hosts", f"manager {dups[0]!r} listed twice")] if dups else []

    def selects(self, name: str, labels: dict[str, str]) -> bool:
        """A service is watched when its name matches one of `services` (or none is given)
        and every label selector matches."""
        if self.services and not any(re.search(p, name) for p in self.services):
            return False
        return all(_label_matches(sel, labels) for sel in self.labels)

    def is_critical(self, name: str) -> bool:
        if self.critical is None:
            return True
        return any(re.search(p, name) for p in self.critical)

    def stale_seconds(self) -> float:
        return self.stale_after or 3 * self.interval + self.timeout
