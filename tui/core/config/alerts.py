"""Schema of `[[alerts]]`: Prometheus Alertmanager sources (API v2) for the alerts panel.

```toml
[[alerts]]
name = "am-1"                                  # shown as the source of every alert it reports
url = "http://alertmanager-1:9093"             # the Alertmanager's base URL
headers = { Authorization = "Bearer ${AM_TOKEN}" }   # secrets: never printed nor journaled
timeout = 5.0
interval = 15.0
filter = ['env="prod"', 'team=~"web|api"']     # Alertmanager matchers, sent as filter=...
group_by = ["alertname", "severity"]
critical_label = "severity"                    # a firing alert whose label ...
critical_values = ["critical", "page"]         # ... has one of these values is CRITICAL
```
Several sources of one HA cluster report the same alerts: they are shown once (same
fingerprint), naming every source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import checks
from .convert import check

_MATCHER = re.compile(
    r'\s*[A-Za-z_][A-Za-z0-9_]*\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^"\s,{}]+)\s*')


def _matchers(values: tuple[str, ...]) -> str | None:
    for value in values:
        if not _MATCHER.fullmatch(value):
            return (f"{value!r} is not an Alertmanager matcher "
                    "(label=\"value\", !=, =~ or !~)")
    return None


def _header_names(values: dict[str, str]) -> str | None:
    for name in values:
        if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
            return f"{name!r} is not a valid HTTP header name"
    return None


@dataclass(frozen=True)
class AlertSource:
    """One Alertmanager. Unset timings fall back to `[defaults]`."""

    name: str = field(metadata=check(checks.name))
    url: str = field(metadata=check(checks.url))
    headers: dict[str, str] = field(default_factory=dict, metadata=check(_header_names))
    timeout: float | None = field(default=None, metadata=check(checks.positive))
    interval: float | None = field(default=None, metadata=check(checks.positive))
    stale_after: float | None = field(default=None, metadata=check(checks.positive))
    filter: tuple[str, ...] = field(default=(), metadata=check(_matchers))
    group_by: tuple[str, ...] = field(default=("alertname", "severity"),
                                      metadata=check(checks.non_empty))
    critical_label: str = "severity"
    critical_values: tuple[str, ...] = ("critical",)
    verify_tls: bool = True
    max_bytes: int = field(default=8_000_000, metadata=check(checks.positive))
    """The largest answer read; a bigger one is an error, never read into memory."""


def alert_source_issues(sources: tuple[AlertSource, ...]) -> list[tuple[str, str]]:
    """Source names are unique (they name rows and store kinds)."""
    names = [s.name for s in sources]
    return [(f"alerts[{len(names) - 1 - names[::-1].index(dup)}].name",
             f"duplicate alerts source name {dup!r}") for dup in checks.duplicates(names)]
