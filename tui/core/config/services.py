"""Schema of `[[services]]`: one HTTP health check each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from . import checks
from .convert import check

Scalar = str | int | float | bool


@dataclass(frozen=True)
class JsonCondition:
    """A condition on a JSON body field, by dotted path (`data.status`, `checks.0.name`)."""

    path: str = field(metadata=check(checks.non_empty))
    equals: Scalar | None = None
    one_of: tuple[Scalar, ...] | None = None
    exists: bool | None = None
    failing: Literal["DOWN", "DEGRADED"] = "DOWN"

    def _check(self) -> list[tuple[str, str]]:
        given = [k for k in ("equals", "one_of", "exists") if getattr(self, k) is not None]
        if len(given) != 1:
            return [("", "needs exactly one of 'equals', 'one_of' or 'exists'")]
        return []


@dataclass(frozen=True)
class Dependencies:
    """Per-dependency sub-checks read from a health JSON object, each shown as a child row.

    The object at `path` maps a dependency name to a status string/boolean, or to a table
    whose `status_key` holds it: {"database": "ok", "redis": {"status": "fail"}}.
    """

    path: str = "checks"
    status_key: str = "status"
    ok: tuple[Scalar, ...] = ("ok", "up", "pass", "healthy", True)
    degraded: tuple[Scalar, ...] = ("degraded", "warn", "warning", "slow")
    failing: Literal["DOWN", "DEGRADED"] = "DEGRADED"
    """What a failing dependency makes the whole service."""


@dataclass(frozen=True)
class Service:
    """An HTTP health check. Unset timing falls back to `[defaults]`."""

    name: str = field(metadata=check(checks.name))
    url: str = field(metadata=check(checks.url))
    color: str | None = None
    """The blue/green color this endpoint belongs to (shown side by side in the color panel)."""
    group: str | None = None
    """The logical service (e.g. "api") when several colors serve it."""
    critical: bool = True
    """A critical service DOWN is CRITICAL for `warroom status`; otherwise only WARNING."""
    interval: float | None = field(default=None, metadata=check(checks.positive))
    timeout: float | None = field(default=None, metadata=check(checks.positive))
    stale_after: float | None = field(default=None, metadata=check(checks.positive))
    method: Literal["GET", "HEAD"] = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    expect_status: tuple[int, ...] = (200,)
    degraded_status: tuple[int, ...] = ()
    max_latency_ms: float | None = field(default=None, metadata=check(checks.positive))
    json: tuple[JsonCondition, ...] = ()
    dependencies: Dependencies | None = None
    capture_headers: tuple[str, ...] = ()
    max_bytes: int = field(default=1_048_576, metadata=check(checks.positive))
    max_redirects: int = field(default=3, metadata=check(checks.non_negative))
    tls_warn_days: int = field(default=14, metadata=check(checks.non_negative))
    verify_tls: bool = True
    ca_file: str | None = None

    def _check(self) -> list[tuple[str, str]]:
        bad = [s for s in (*self.expect_status, *self.degraded_status) if not 100 <= s <= 599]
        if bad:
            return [("expect_status", f"not an HTTP status: {bad[0]}")]
        if not self.expect_status:
            return [("expect_status", "must list at least one status")]
        return []
