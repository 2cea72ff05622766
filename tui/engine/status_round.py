"""One bounded round of every probe for `warroom status`: services, the active color, the
maintenance status command and the containers — the same probe code the TUI runs.

Containers are listed once by starting the TUI's `ContainersProbe` and waiting until every
engine has answered (or failed) its first connection, bounded by the Docker timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import Any

from probes.ssh import SshPool
from tui.core.config import Config
from tui.core.docker_model import ContainersSnapshot
from tui.core.scheduler import GRACE
from tui.core.store import Store
from tui.core.verdict import CONTAINERS, Verdict, verdict
from tui.engine.monitor import Monitor


async def probe_once(config: Config) -> tuple[Store, Verdict]:
    """One concurrent round of every probe, bounded by the slowest timeout."""
    store = Store()
    monitor = Monitor(config, store)
    try:
        await asyncio.gather(_checks(monitor), _containers(config, store, monitor.ssh),
                             _swarm(config, store, monitor.ssh))
    finally:
        await monitor.close()
    return store, verdict(config, store)


async def _checks(monitor: Monitor) -> None:
    with contextlib.suppress(TimeoutError):  # whatever did not answer shows as UNKNOWN
        await asyncio.wait_for(monitor.run_once(), monitor.slowest_timeout + GRACE + 0.5)


def containers_deadline(config: Config) -> float:
    """How long the one-shot listing may take: connect (version + ping), list, inspect."""
    watch = config.containers
    return 0.0 if watch is None else watch.timeout * 4 + 4


async def _containers(config: Config, store: Store, pool: SshPool) -> None:
    watch = config.containers
    if watch is None:
        return
    from probes.docker_probe import ContainersProbe

    probe = ContainersProbe(watch, lambda snap: None, ssh_pool=pool)
    probe.start()
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(containers_deadline(config)):
                while not all(_answered(w.status) and (w.complete or not w.status.reachable)
                              for w in probe.watchers.values()):
                    await asyncio.sleep(0.05)
        snapshot = _timed_out(probe.snapshot(), containers_deadline(config))
    finally:
        await probe.close()
    store.put(CONTAINERS, snapshot, watch.stale_seconds(), at=snapshot.at)


async def _swarm(config: Config, store: Store, pool: SshPool) -> None:
    """One listing per swarm manager (the TUI's `SwarmProbe`), bounded like containers."""
    watch = config.swarm
    if watch is None:
        return
    from probes.swarm import SwarmProbe
    from tui.core.swarm import STORE_KIND as SWARM

    probe = SwarmProbe(watch, lambda snap: None, ssh_pool=pool)
    probe.start()
    try:
        snapshot = await probe.answered(watch.timeout * 4 + 4)
    finally:
        await probe.close()
    store.put(SWARM, snapshot, watch.stale_seconds(), at=snapshot.at)


def _timed_out(snapshot: ContainersSnapshot, deadline: float) -> ContainersSnapshot:
    """Engines still connecting at the deadline did not answer in time: say so."""
    engines = tuple(
        e if _answered(e) else dataclasses.replace(e, error=f"no answer within {deadline:.0f} s")
        for e in snapshot.engines
    )
    return dataclasses.replace(snapshot, engines=engines)


def _answered(status: Any) -> bool:
    """The engine's first attempt is over: connected and listed, or failed with a reason."""
    return bool(status.reachable or (status.error and status.error != "connecting"))
