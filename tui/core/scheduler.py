"""Runs every probe on its own interval, concurrently, never overlapping itself.

Each job is one asyncio task: run the probe under a hard deadline, deliver the result, then
sleep for the interval (or until `refresh_now()`). The next round is scheduled only after the
previous one finished, so a hung target can only ever delay itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tui.core.tasks import cancel_and_wait

Probe = Callable[[], Awaitable[Any]]
Deliver = Callable[[Any], None]
OnTimeout = Callable[[float], Any]
OnError = Callable[[BaseException], Any]

GRACE = 0.5
"""Seconds past a job's own timeout before the scheduler abandons the round."""


@dataclass
class Job:
    """One periodic probe. `on_timeout`/`on_error` turn failures into a deliverable result."""

    name: str
    interval: float
    timeout: float
    probe: Probe
    deliver: Deliver
    on_timeout: OnTimeout
    on_error: OnError
    rounds: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def run_once(self) -> Any:
        """One bounded round; always delivers something and never raises."""
        try:
            result = await asyncio.wait_for(self.probe(), self.timeout + GRACE)
        except TimeoutError:
            result = self.on_timeout(self.timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a probe bug must not kill the loop
            result = self.on_error(exc)
        self.rounds += 1
        self.deliver(result)
        return result


class Scheduler:
    """Owns the job tasks. Start with `start()`, stop with `stop()`."""

    def __init__(self, jobs: list[Job] | None = None) -> None:
        self.jobs: list[Job] = list(jobs or [])
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    def add(self, job: Job) -> None:
        self.jobs.append(job)
        if self._tasks:
            self._tasks.append(asyncio.create_task(self._loop(job), name=f"probe:{job.name}"))

    def start(self) -> None:
        for job in self.jobs:
            self._tasks.append(asyncio.create_task(self._loop(job), name=f"probe:{job.name}"))

    async def _loop(self, job: Job) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            started = loop.time()
            job.wake.clear()
            await job.run_once()
            remaining = job.interval - (loop.time() - started)
            if remaining > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(job.wake.wait(), remaining)

    def refresh_now(self, names: set[str] | None = None) -> None:
        """Cut the wait of every job (or of `names`); a running round is not duplicated."""
        for job in self.jobs:
            if names is None or job.name in names:
                job.wake.set()

    async def run_all_once(self) -> list[Any]:
        """Run every job once, concurrently (used by `warroom status`)."""
        return list(await asyncio.gather(*(job.run_once() for job in self.jobs)))

    async def stop(self) -> None:
        """Stop every job: the flag ends the loops, cancelling repeats until all are done
        (see `tui.core.tasks`: a swallowed cancel must not hang the app's exit)."""
        self._stopping = True
        await cancel_and_wait(self._tasks, kick=lambda: [j.wake.set() for j in self.jobs])
        self._tasks.clear()
