"""The scheduler: own intervals, never overlapping itself, hung jobs isolated; store staleness."""

from __future__ import annotations

import asyncio
import datetime as dt

from tui.core.model import CheckResult, State, utcnow
from tui.core.scheduler import Job, Scheduler
from tui.core.store import Store


def job(name, probe, delivered, interval=0.05, timeout=0.3):
    return Job(
        name=name, interval=interval, timeout=timeout, probe=probe,
        deliver=delivered.append,
        on_timeout=lambda t: f"timeout {t}", on_error=lambda e: f"error {e}",
    )


async def test_hung_job_does_not_delay_others_and_rounds_never_overlap():
    running = {"now": 0, "max": 0}
    fast_results: list = []
    hung_results: list = []

    async def fast():
        running["now"] += 1
        running["max"] = max(running["max"], running["now"])
        await asyncio.sleep(0.01)
        running["now"] -= 1
        return "ok"

    async def hung():
        await asyncio.sleep(60)

    scheduler = Scheduler([job("fast", fast, fast_results), job("hung", hung, hung_results)])
    scheduler.start()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30  # bounded: a stuck job fails here with what it knows
    while (len(hung_results) < 1 or len(fast_results) < 10) and loop.time() < deadline:
        await asyncio.sleep(0.02)
    states = [(t.get_name(), t.done()) for t in scheduler._tasks]
    assert hung_results and len(fast_results) >= 10, (fast_results[-3:], hung_results, states)
    scheduler.refresh_now()
    await scheduler.stop()
    assert hung_results[0] == "timeout 0.3"
    assert running["max"] == 1
    assert len(fast_results) >= 10


async def test_probe_exception_is_delivered_not_raised():
    out: list = []

    async def broken():
        raise RuntimeError("boom")

    await Scheduler([job("b", broken, out)]).run_all_once()
    assert out == ["error boom"]


async def test_refresh_now_cuts_the_wait():
    out: list = []

    async def probe():
        return len(out)

    scheduler = Scheduler([job("slow-interval", probe, out, interval=3600)])
    scheduler.start()
    while not out:
        await asyncio.sleep(0.01)
    scheduler.refresh_now()
    while len(out) < 2:
        await asyncio.sleep(0.01)
    await scheduler.stop()
    assert out[:2] == [0, 1]


def test_store_turns_old_results_stale_and_emits_transitions():
    store = Store()
    seen = []
    store.on_transition(seen.append)
    t0 = utcnow()
    store.put_check(CheckResult("api", State.OK, "HTTP 200", t0), stale_after=10)
    store.put_check(CheckResult("api", State.DOWN, "HTTP 503", t0), stale_after=10)
    assert store.effective("api", t0 + dt.timedelta(seconds=5)) is State.DOWN
    assert store.effective("api", t0 + dt.timedelta(seconds=11)) is State.STALE
    store.sweep(t0 + dt.timedelta(seconds=11))
    assert [(t.old, t.new) for t in seen] == [
        (None, State.OK), (State.OK, State.DOWN), (State.DOWN, State.STALE)
    ]
    assert seen[1].reason == "HTTP 503"
    assert "no fresh result" in seen[2].reason
