"""Schema of `[prometheus]` and `[[metrics]]`: PromQL rows drawn as sparklines with a state.

```toml
[prometheus]                                   # optional: defaults for every [[metrics]] row
url = "http://prometheus:9090"                 # the Prometheus base URL
headers = { Authorization = "Bearer ${PROM_TOKEN}" }   # secrets: never printed nor journaled
timeout = 5.0
interval = 15.0
verify_tls = true

[[metrics]]
name = "5xx-rate"                              # unique; names the row
query = 'sum(rate(http_requests_total{code=~"5.."}[1m]))'
unit = "req/s"
format = ".2f"                                 # a Python format spec (".1f", ".0%", ".3g")
warn = 0.5                                     # the row is WARNING at/above 0.5 ...
critical = 2.0                                 # ... and CRITICAL at/above 2.0
below = false                                  # true: thresholds trip at/below (throughput)
window = 1800                                  # seconds of history drawn as a sparkline
step = 30                                      # seconds between its points
critical_in_verdict = true                     # false: a CRITICAL row counts as WARNING
color = "blue"                                 # the color it measures: idle, it only warns
```
A row without `url` uses `[prometheus].url`; `headers` are sent only to that URL's origin
(scheme, host and port), never to a row pointing elsewhere.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import checks
from .convert import check

MAX_POINTS = 11_000
"""Prometheus refuses a range query of more than 11,000 points per series."""


def header_names(values: dict[str, str]) -> str | None:
    for name in values:
        if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
            return f"{name!r} is not a valid HTTP header name"
    return None


def format_spec(value: str) -> str | None:
    """A Python format spec for a float, checked by formatting 1.0; widths stay small."""
    if any(len(run) > 2 for run in re.findall(r"\d+", value)):
        return f"{value!r}: width and precision must be below 100"
    try:
        shown = format(1.0, value)
    except (ValueError, TypeError) as exc:
        return f"{value!r} is not a format spec for a number ({exc})"
    return None if len(shown) <= 40 else f"{value!r} formats 1.0 wider than 40 characters"


def _finite(value: float) -> str | None:
    return None if math.isfinite(value) else "must be a finite number"


@dataclass(frozen=True)
class PrometheusDefaults:
    """`[prometheus]`: the server every row without its own `url` asks, and shared timings."""

    url: str | None = field(default=None, metadata=check(checks.url))
    headers: dict[str, str] = field(default_factory=dict, metadata=check(header_names))
    timeout: float | None = field(default=None, metadata=check(checks.positive))
    interval: float | None = field(default=None, metadata=check(checks.positive))
    verify_tls: bool = True


@dataclass(frozen=True)
class MetricRow:
    """One `[[metrics]]` row: a PromQL expression, its instant value and a range history."""

    name: str = field(metadata=check(checks.name))
    query: str = field(metadata=check(checks.non_empty))
    url: str | None = field(default=None, metadata=check(checks.url))
    unit: str = ""
    format: str = field(default=".3g", metadata=check(format_spec))
    warn: float | None = field(default=None, metadata=check(_finite))
    critical: float | None = field(default=None, metadata=check(_finite))
    below: bool = False
    window: float = field(default=1800.0, metadata=check(checks.positive))
    step: float = field(default=30.0, metadata=check(checks.positive))
    interval: float | None = field(default=None, metadata=check(checks.positive))
    timeout: float | None = field(default=None, metadata=check(checks.positive))
    stale_after: float | None = field(default=None, metadata=check(checks.positive))
    critical_in_verdict: bool = True
    color: str | None = None
    """The blue/green color this row measures: while that color is idle (serves no traffic)
    a CRITICAL row counts as WARNING, like the idle color's own checks."""

    def _check(self) -> list[tuple[str, str]]:
        issues: list[tuple[str, str]] = []
        if len(self.query) > 10_000:
            issues.append(("query", "must be at most 10,000 characters"))
        if self.step > self.window:
            issues.append(("step", f"must not exceed window ({self.window:g} s)"))
        elif self.window / self.step > MAX_POINTS:
            issues.append(("window", f"window/step is {self.window / self.step:.0f} points; "
                           f"Prometheus allows at most {MAX_POINTS}"))
        if self.warn is not None and self.critical is not None and (
                self.critical > self.warn if self.below else self.critical < self.warn):
            side = "above" if self.below else "below"
            issues.append(("critical", f"is {side} warn ({self.warn:g}): with below = "
                           f"{str(self.below).lower()} critical must be "
                           f"{'at or below' if self.below else 'at or above'} warn"))
        return issues


def row_url(row: MetricRow, defaults: PrometheusDefaults | None) -> str | None:
    """The base URL a row asks: its own, else `[prometheus].url`."""
    return row.url or (defaults.url if defaults else None)


def row_headers(row: MetricRow, defaults: PrometheusDefaults | None) -> dict[str, str]:
    """`[prometheus].headers`, only when the row asks that server's origin."""
    if defaults is None or not defaults.url or not defaults.headers:
        return {}
    url = row_url(row, defaults)
    return dict(defaults.headers) if url and _origin(url) == _origin(defaults.url) else {}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def metric_issues(rows: tuple[MetricRow, ...],
                  defaults: PrometheusDefaults | None) -> list[tuple[str, str]]:
    """Names are unique; every row has a URL (its own or `[prometheus].url`)."""
    names = [r.name for r in rows]
    issues = [(f"metrics[{len(names) - 1 - names[::-1].index(dup)}].name",
               f"duplicate metrics name {dup!r}") for dup in checks.duplicates(names)]
    for i, row in enumerate(rows):
        if row_url(row, defaults) is None:
            issues.append((f"metrics[{i}].url", f"metric {row.name!r} has no url and there is "
                           "no [prometheus] url to fall back on"))
    return issues
