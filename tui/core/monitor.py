"""Builds the probe jobs from a config and feeds their results into the store.

Shared by the TUI (long-running) and `warroom status` (one round), so both see the same
checks, timeouts and staleness bounds.
"""

from __future__ import annotations

from probes.color import ColorProbe, RemoteRunner
from probes.http import HttpClients, check_http
from probes.maintenance import MaintenanceProbe
from tui.core.config.schema import Config
from tui.core.config.services import Service
from tui.core.maintenance import KIND as MAINTENANCE
from tui.core.model import CheckResult, ColorReading, ColorResult, State, utcnow
from tui.core.sanitize import one_line
from tui.core.scheduler import Job, Scheduler
from tui.core.store import Store


class Monitor:
    """Health checks, the active color and the maintenance status command, scheduled;
    results land in `store`."""

    def __init__(self, config: Config, store: Store, remote: RemoteRunner | None = None) -> None:
        self.config = config
        self.store = store
        self._own_pool = None
        if remote is None and config.hosts:  # `warroom status`: a pool of its own, closed below
            from probes.ssh import SshPool

            self._own_pool = SshPool(config.hosts, resolve=config.path)
            remote = self._own_pool.command
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
        interval = self.config.interval(m.interval)
        timeout = self.config.timeout(m.timeout)
        stale = self.config.stale_after(None, interval, timeout)
        return Job(
            name=MAINTENANCE,
            interval=interval,
            timeout=timeout,
            probe=probe.probe,
            deliver=lambda reading: self.store.put(MAINTENANCE, reading, stale),
            on_timeout=lambda t: probe.failed(f"timeout after {t:.1f} s"),
            on_error=lambda exc: probe.failed(f"probe error: {one_line(str(exc))[:80]}"),
        )

    def start(self) -> None:
        self.scheduler.start()

    def refresh(self, names: set[str] | None = None) -> None:
        self.scheduler.refresh_now(names)

    async def run_once(self) -> None:
        await self.scheduler.run_all_once()

    async def close(self) -> None:
        await self.scheduler.stop()
        await self.clients.aclose()
        if self._own_pool is not None:
            await self._own_pool.close_all()



