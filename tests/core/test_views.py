"""What the health panel shows: latency on a 1-2-5 scale, steadied over the last answers."""

from __future__ import annotations

import datetime as dt

from tui.core.config import parse_config
from tui.core.latency import latency_text
from tui.core.model import CheckResult, State
from tui.core.store import Store
from tui.core.views import health_rows

CONFIG = parse_config('[environment]\nname = "t"\n[[services]]\nname = "api"\n'
                      'url = "http://127.0.0.1:9/health"\n')
T0 = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def put(store: Store, latency: float | None, n: int) -> str:
    at = T0 + dt.timedelta(seconds=2 * n)
    state = State.OK if latency is not None else State.DOWN
    store.put_check(CheckResult("api", state, "HTTP 200", at, latency), stale_after=30)
    return health_rows(CONFIG, store, at)[0].latency


def test_latency_scale() -> None:
    assert [latency_text(v) for v in (None, 0.4, 9, 10.5, 180, 999, 1500, 12000)] == [
        "-", "≤10ms", "≤10ms", "≤20ms", "≤200ms", "≤1s", "≤2s", "12s"]


def test_one_slow_answer_is_jitter_two_are_a_change() -> None:
    store = Store()
    shown = [put(store, ms, n) for n, ms in enumerate([8, 9, 40, 8, 9, 300, 350, 320])]
    assert shown == ["≤10ms", "≤10ms", "≤10ms", "≤10ms", "≤10ms", "≤10ms", "≤500ms", "≤500ms"]
    assert store.checks["api"].latency_ms == 320  # the result itself is untouched


def test_no_answer_shows_dash_and_starts_a_new_series() -> None:
    store = Store()
    for n, ms in enumerate([8, 9, 8]):
        put(store, ms, n)
    assert put(store, None, 3) == "-"
    assert put(store, 700, 4) == "≤1s"  # first answer after the outage: nothing to smooth


def test_a_latency_on_a_step_boundary_does_not_flicker() -> None:
    store = Store()
    jitter = [9.5, 10.4, 9.6, 10.5, 9.7, 10.3, 9.8, 10.6, 9.5]
    shown = [put(store, ms, n) for n, ms in enumerate(jitter)]
    assert set(shown) == {"≤10ms"}
    shown = [put(store, ms, n) for n, ms in enumerate([25, 26, 24], start=9)]
    assert shown == ["≤10ms", "≤50ms", "≤50ms"]  # well past the edge: on its second answer


def test_a_steady_offset_past_the_edge_is_shown_on_the_third_answer() -> None:
    """Review finding: a band around the shown value kept "≤1s" for a steady 1150 ms (the
    check DEGRADED as "slow: 1150 ms > 1000 ms"), and "≤10ms" for a steady 12.9 ms."""
    store = Store()
    for n in range(3):
        put(store, 900, n)
    shown = [put(store, 1150, n) for n in range(3, 7)]
    assert shown == ["≤1s", "≤1s", "≤2s", "≤2s"]  # near the edge: on its third answer
    store = Store()
    for n in range(3):
        put(store, 9.5, n)
    assert [put(store, 12.9, n) for n in range(3, 6)] == ["≤10ms", "≤10ms", "≤20ms"]
