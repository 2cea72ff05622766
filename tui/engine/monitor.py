"""The monitor: every source one war room watches, driven, and the one SSH pool they share.

Health checks, the active color and the maintenance status command run on the scheduler
(polled); the containers probe and the logs hub are streams, started with `start()`.
Results land in the store; log lines go to `on_log_lines`. Shared by the TUI (long-running)
and `warroom status` (one round, `tui/engine/status_round.py`), so both see the same checks,
timeouts and staleness bounds. Actions reach remote hosts through the same `ssh` pool: one
connection per host for probes, streams and actions.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from probes.alertmanager import (
    AlertmanagerProbe,
    expire_silence,
    list_silences,
    post_silence,
)
from probes.color import ColorProbe
from probes.http import HttpClients, check_http
from probes.maintenance import MaintenanceProbe
from probes.prometheus import PrometheusProbe
from probes.resources import ResourcesProbe
from probes.ssh import SshPool
from tui.core.alerts import store_kind as alerts_kind
from tui.core.config.alerts import AlertSource
from tui.core.config.metrics import MetricRow
from tui.core.config.schema import Config
from tui.core.config.services import Service
from tui.core.docker_model import STORE_KIND as CONTAINERS
from tui.core.logline import LogLine
from tui.core.maintenance import KIND as MAINTENANCE
from tui.core.metrics import store_kind as metrics_kind
from tui.core.model import CheckResult, ColorReading, ColorResult, State, utcnow
from tui.core.resources import HostResources
from tui.core.resources import store_kind as resources_kind
from tui.core.sanitize import one_line
from tui.core.scheduler import Job, Scheduler
from tui.core.silences import Silence, SilenceRequest, merge_silences
from tui.core.store import Store

if TYPE_CHECKING:
    from probes.docker_probe import ContainersProbe
    from probes.logs import LogHub
    from probes.swarm import SwarmProbe

OnLogLines = Callable[[list[LogLine], int], None]
"""`on_log_lines(batch, dropped)`: a batch of new lines and how many were dropped so far."""


class Monitor:
    """Health checks, the active color, the maintenance status command (scheduled), the
    containers and the logs (streams); results land in `store`."""

    def __init__(self, config: Config, store: Store, *, on_log_lines: OnLogLines | None = None
                 ) -> None:
        self.config = config
        self.store = store
        self.ssh = SshPool(config.hosts, resolve=config.path)  # connects on first use
        remote = self.ssh.command if config.hosts else None
        self.on_log_lines = on_log_lines
        self.containers: ContainersProbe | None = None
        self.logs: LogHub | None = None
        self.swarm: SwarmProbe | None = None
        self.clients = HttpClients()
        self.scheduler = Scheduler()
        for service in config.services:
            self.scheduler.add(self._service_job(service))
        if config.color and config.color.sources:
            self.color_probe: ColorProbe | None = ColorProbe(config, self.clients, remote)
            self.scheduler.add(self._color_job(self.color_probe))
        else:
            self.color_probe = None
        self.maintenance_probe: MaintenanceProbe | None = None
        if config.maintenance and config.maintenance.has_command:
            self.maintenance_probe = MaintenanceProbe(config, remote)
            self.scheduler.add(self._maintenance_job(self.maintenance_probe))
        self.resources_probe: ResourcesProbe | None = None
        if config.resources is not None:
            self.resources_probe = ResourcesProbe(config.resources, remote)
            for host in config.resources.hosts:
                self.scheduler.add(self._resources_job(self.resources_probe, host))
        for source in config.alerts:
            self.scheduler.add(self._alerts_job(source))
        for row in config.metrics:
            self.scheduler.add(self._metrics_job(row))

    @property
    def slowest_timeout(self) -> float:
        return max((job.timeout for job in self.scheduler.jobs), default=0.0)

    def _service_job(self, service: Service) -> Job:
        interval = self.config.interval(service.interval)
        timeout = self.config.timeout(service.timeout)
        stale = self.config.stale_after(service.stale_after, interval, timeout)
        ca_file = str(self.config.path(service.ca_file)) if service.ca_file else None

        def failed(reason: str) -> CheckResult:
            return CheckResult(service.name, State.DOWN, reason, utcnow())

        return Job(
            name=service.name,
            interval=interval,
            timeout=timeout,
            probe=lambda: check_http(service, self.clients, timeout, ca_file),
            deliver=lambda result: self.store.put_check(result, stale),
            on_timeout=lambda t: failed(f"timeout after {t:.1f} s"),
            on_error=lambda exc: CheckResult(
                service.name, State.UNKNOWN, f"probe error: {one_line(str(exc))[:80]}", utcnow()
            ),
        )

    def _color_job(self, probe: ColorProbe) -> Job:
        color = self.config.color
        assert color is not None
        interval = self.config.interval(color.interval)
        timeout = self.config.timeout(color.timeout)
        stale = self.config.stale_after(color.stale_after, interval, timeout)

        def failed(reason: str) -> ColorResult:
            return ColorResult(None, None, (ColorReading("color", None, reason),), utcnow())

        return Job(
            name="color",
            interval=interval,
            timeout=timeout,
            probe=probe.probe,
            deliver=lambda result: self.store.put_color(result, stale),
            on_timeout=lambda t: failed(f"timeout after {t:.1f} s"),
            on_error=lambda exc: failed(f"probe error: {one_line(str(exc))[:80]}"),
        )

    def _maintenance_job(self, probe: MaintenanceProbe) -> Job:
        m = self.config.maintenance
        assert m is not None
        interval = m.command_interval(self.config.defaults.interval)
        timeout = self.config.timeout(m.timeout)
        stale = self.config.stale_after(None, interval, timeout)
        return self._reading_job(MAINTENANCE, interval, timeout, stale, probe.probe,
                                 probe.failed, stamped=False)

    def _reading_job(self, kind: str, interval: float, timeout: float, stale: float,
                     probe: Callable[[], Awaitable[Any]], failed: Callable[[str], Any], *,
                     stamped: bool = True, timed_out: str = "timeout after {:.1f} s") -> Job:
        """A probe whose readings land in the store under `kind` (maintenance, alerts,
        metrics, host resources), dated by their own `at` when `stamped`; a timeout or an
        error is a reading too, in words (`failed(reason)`)."""
        def deliver(reading: Any) -> None:
            self.store.put(kind, reading, stale, at=reading.at if stamped else None)

        return Job(
            name=kind,
            interval=interval,
            timeout=timeout,
            probe=probe,
            deliver=deliver,
            on_timeout=lambda t: failed(timed_out.format(t)),
            on_error=lambda exc: failed(f"probe error: {one_line(str(exc))[:80]}"),
        )

    def _alerts_job(self, source: AlertSource) -> Job:
        interval = self.config.interval(source.interval)
        timeout = self.config.timeout(source.timeout)
        stale = self.config.stale_after(source.stale_after, interval, timeout)
        probe = AlertmanagerProbe(source, self.clients, timeout)
        return self._reading_job(alerts_kind(source.name), interval, timeout, stale,
                                 probe.probe, probe.failed)

    def _metrics_job(self, row: MetricRow) -> Job:
        """One `[[metrics]]` row: instant value and range each round (probes/prometheus.py)."""
        defaults = self.config.prometheus
        interval = self.config.interval(row.interval or (defaults and defaults.interval))
        timeout = self.config.timeout(row.timeout or (defaults and defaults.timeout))
        stale = self.config.stale_after(row.stale_after, interval, timeout)
        probe = PrometheusProbe(row, defaults, self.clients, timeout)
        return self._reading_job(metrics_kind(row.name), interval, timeout, stale,
                                 probe.probe, probe.failed)

    def _resources_job(self, probe: ResourcesProbe, host: str) -> Job:
        """One host's resources, one round per interval (`tui/core/resources.py`)."""
        watch = probe.config

        def failed(reason: str) -> HostResources:
            return HostResources(host, utcnow(), error=reason)

        return self._reading_job(resources_kind(host), watch.interval, watch.timeout,
                                 watch.stale_seconds(), lambda: probe.probe(host), failed,
                                 timed_out="no answer within {:.1f} s")

    def start(self, streams: bool = True) -> None:
        """Start the scheduled probes and (with `streams`) the containers probe and logs hub."""
        self.scheduler.start()
        if streams:
            self.start_streams()

    def start_streams(self) -> None:
        config = self.config
        if config.containers is not None and self.containers is None:
            from probes.docker_probe import ContainersProbe

            stale = config.containers.stale_seconds()
            self.containers = ContainersProbe(
                config.containers, lambda snap: self.store.put(CONTAINERS, snap, stale),
                ssh_pool=self.ssh)
            self.containers.start()
        if config.swarm is not None and self.swarm is None:
            from probes.swarm import SwarmProbe
            from tui.core.swarm import STORE_KIND as SWARM

            stale = config.swarm.stale_seconds()
            self.swarm = SwarmProbe(config.swarm, lambda snap: self.store.put(SWARM, snap, stale,
                                                                              at=snap.at),
                                    ssh_pool=self.ssh)
            self.swarm.start()
        if config.logs is not None and config.logs.sources and self.logs is None:
            from probes.logs import LogHub

            self.logs = LogHub(config.logs, self._log_lines, ssh_pool=self.ssh)
            self.logs.start()

    async def container_action(self, host: str, name: str, action: str) -> str:
        """Restart, stop or start a watched container (the executor guards and audits)."""
        if self.containers is None:
            raise RuntimeError("no containers are watched")
        return await self.containers.act(host, name, action)  # type: ignore[arg-type]

    async def swarm_action(self, host: str, name: str, action: str, replicas: int | None
                           ) -> str:
        """Rollback, restart or scale a swarm service (the executor guards and audits)."""
        if self.swarm is None:
            raise RuntimeError("no swarm is watched")
        return await self.swarm.act(host, name, action, replicas)  # type: ignore[arg-type]

    async def _first_accepting(self, sources: tuple[str, ...],
                               call: Callable[[AlertSource, float], Awaitable[str]]) -> str:
        """`call` on the first of `sources` (Alertmanagers of one HA cluster, which share
        their silences) that accepts it, then those sources refreshed; RuntimeError naming
        every one that did not."""
        by_name = {s.name: s for s in self.config.alerts}
        failures: list[str] = []
        for name in sources:
            source = by_name.get(name)
            if source is None:
                continue
            try:
                said = await call(source, self.config.timeout(source.timeout))
            except RuntimeError as exc:
                failures.append(str(exc))
                continue
            self.refresh({alerts_kind(n) for n in sources})
            return f"{said} on {name}"
        raise RuntimeError("; ".join(failures) or "no Alertmanager to ask")

    async def silence(self, request: SilenceRequest) -> str:
        """Create the silence (`_first_accepting`)."""
        async def post(source: AlertSource, timeout: float) -> str:
            silence_id = await post_silence(source, self.clients, timeout,
                                            request.body(utcnow()))
            return f"silence {silence_id} created"

        return await self._first_accepting(request.sources, post)

    async def silences(self) -> tuple[list[Silence], list[str]]:
        """Every silence the Alertmanagers know, one row per id (an HA cluster shares them),
        and a sentence per source that did not answer."""
        async def one(source: AlertSource) -> list[Silence] | str:
            try:
                return await list_silences(source, self.clients,
                                           self.config.timeout(source.timeout))
            except RuntimeError as exc:
                return str(exc)

        found = await asyncio.gather(*(one(s) for s in self.config.alerts))
        return (merge_silences([f for f in found if isinstance(f, list)]),
                [f for f in found if isinstance(f, str)])

    async def expire_silence(self, silence: Silence) -> str:
        """Expire the silence now (`_first_accepting`)."""
        async def delete(source: AlertSource, timeout: float) -> str:
            await expire_silence(source, self.clients, timeout, silence.id)
            return f"silence {silence.id} expired"

        return await self._first_accepting(silence.sources, delete)

    def _log_lines(self, batch: list[LogLine]) -> None:
        if self.on_log_lines is not None:
            self.on_log_lines(batch, self.logs.dropped if self.logs else 0)

    def refresh(self, names: set[str] | None = None) -> None:
        self.scheduler.refresh_now(names)
        if self.containers is not None and (names is None or CONTAINERS in names):
            self.containers.refresh()  # every host re-reads its containers, independently

    async def run_once(self) -> None:
        await self.scheduler.run_all_once()

    async def close(self) -> None:
        """Stop everything and close the SSH connections (after the actions have stopped)."""
        await self.scheduler.stop()
        for stream in (self.containers, self.logs, self.swarm):
            if stream is not None:
                with contextlib.suppress(Exception):
                    await stream.close()
        await self.clients.aclose()
        with contextlib.suppress(Exception):
            await self.ssh.close_all()
