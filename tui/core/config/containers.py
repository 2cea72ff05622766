"""Schema of `[containers]`: which containers the panel watches, on which hosts, how often.

```toml
[containers]
hosts = ["local", "prod"]             # "local" = the engine of DOCKER_HOST; others: [hosts.*]
labels = ["service=critical"]         # label selectors: "key" or "key=value"
names = ["^nexus-", "app-(blue|green)-web"]   # regular expressions searched in the name
match = "any"                         # shown if any selector matches ("all": every one must)
color_label = "color"                 # the container's color is this label's value ...
color_pattern = "-(blue|green)-"      # ... else the first group of this regex on the name
```
With no selector every container of the host is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from . import checks
from .convert import check


def _label_selectors(values: tuple[str, ...]) -> str | None:
    for value in values:
        if not value.split("=", 1)[0].strip():
            return f"label selector {value!r} needs a key ('key' or 'key=value')"
    return None


@dataclass(frozen=True)
class ContainerRule:
    """Whether the containers whose name matches one of `names` page (CRITICAL) when exited,
    restarting, dead, paused or unhealthy, or only warn. The first matching rule decides."""

    names: tuple[str, ...] = field(metadata=check(checks.regexes))
    critical: bool = True

    def _check(self) -> list[tuple[str, str]]:
        return [] if self.names else [("names", "must list at least one regular expression")]


@dataclass(frozen=True)
class ContainersConfig:
    """The container panel. Unset timings fall back to sensible defaults shown here."""

    hosts: tuple[str, ...] = ("local",)
    labels: tuple[str, ...] = field(default=(), metadata=check(_label_selectors))
    names: tuple[str, ...] = field(default=(), metadata=check(checks.regexes))
    match: Literal["any", "all"] = "any"
    include_stopped: bool = True
    """Stopped and exited containers matter during an incident: shown unless false."""
    color_label: str | None = "color"
    color_pattern: str | None = field(
        default=r"(?:^|[-_.])(blue|green)(?:$|[-_.])", metadata=check(checks.regex_with_group)
    )
    reconcile_interval: float = field(default=15.0, metadata=check(checks.positive))
    """A full list is re-read this often, in case an event was missed."""
    stats: bool = True
    stats_interval: float = field(default=10.0, metadata=check(checks.positive))
    stats_per_round: int = field(default=20, metadata=check(checks.positive))
    """At most this many one-shot stats calls per round (round-robin over the containers)."""
    timeout: float = field(default=5.0, metadata=check(checks.positive))
    """Timeout of every Docker API call."""
    stale_after: float | None = field(default=None, metadata=check(checks.positive))
    actions: bool = True
    """Offer restart/stop/start (always behind a confirmation, never in read-only mode)."""
    rules: tuple[ContainerRule, ...] = ()
    """Which failed containers are CRITICAL; default: those of the live color or no color."""

    def selects(self, name: str, labels: dict[str, str]) -> bool:
        """True when a container with this name and these labels is watched."""
        tests = [_label_matches(sel, labels) for sel in self.labels]
        tests += [re.search(pattern, name) is not None for pattern in self.names]
        if not tests:
            return True
        return any(tests) if self.match == "any" else all(tests)

    def engine_filters(self) -> dict[str, list[str]]:
        """What the engine itself can filter its listing by without changing what `selects`
        keeps: the label selectors when every one must match (the engine ANDs them); {} else."""
        if not self.labels or (self.match == "any" and (len(self.labels) > 1 or self.names)):
            return {}
        return {"label": [_label_filter(sel) for sel in self.labels]}

    def color_of(self, name: str, labels: dict[str, str]) -> str | None:
        """The container's blue/green color from its label, else from its name, else None."""
        if self.color_label and labels.get(self.color_label):
            return labels[self.color_label]
        if self.color_pattern:
            found = re.search(self.color_pattern, name)
            if found and found.group(1):
                return found.group(1)
        return None

    def critical_rule(self, name: str) -> bool | None:
        """The `critical` of the first rule matching `name`; None when no rule matches."""
        for rule in self.rules:
            if any(re.search(pattern, name) for pattern in rule.names):
                return rule.critical
        return None

    def stale_seconds(self) -> float:
        return self.stale_after or 3 * self.reconcile_interval + self.timeout


def _label_matches(selector: str, labels: dict[str, str]) -> bool:
    key, sep, value = selector.partition("=")
    key = key.strip()
    if not sep:
        return key in labels
    return labels.get(key) == value.strip()


def _label_filter(selector: str) -> str:
    key, sep, value = selector.partition("=")
    return f"{key.strip()}={value.strip()}" if sep else key.strip()
