"""The root of the config schema: environment, probe defaults, hosts, services, color.

Later features add their own section modules beside this one (containers, logs, actions,
incident) and a field here. Rules that need the whole config (hosts, services, actions named
across sections) live in `validate.py`, which the loader runs after building.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import checks
from .actions import Action, Operator
from .alerts import AlertSource
from .color import ColorConfig
from .containers import ContainersConfig
from .convert import check
from .incident import IncidentPolicy
from .logs import LogsConfig
from .maintenance import MaintenanceConfig
from .metrics import MetricRow, PrometheusDefaults
from .notify import NotifyTarget
from .resources import ResourcesConfig
from .runbooks import RunbooksConfig
from .services import Service
from .swarm import SwarmConfig


@dataclass(frozen=True)
class Environment:
    """What this war room watches. `production = true` shows an unmistakable banner."""

    name: str = field(metadata=check(checks.non_empty))
    production: bool = False


@dataclass(frozen=True)
class Defaults:
    """Timing used by every probe that does not set its own."""

    interval: float = field(default=5.0, metadata=check(checks.positive))
    timeout: float = field(default=2.0, metadata=check(checks.positive))
    stale_factor: float = field(default=3.0, metadata=check(checks.positive))
    """A result older than stale_factor × interval + timeout is STALE."""


@dataclass(frozen=True)
class Host:
    """A machine reached over SSH. Host keys are always verified against `known_hosts`."""

    address: str = field(metadata=check(checks.non_empty))
    port: int = field(default=22, metadata=check(checks.port))
    user: str | None = None
    known_hosts: str = "~/.ssh/known_hosts"
    identity_files: tuple[str, ...] = ()
    agent: bool = True
    connect_timeout: float = field(default=10.0, metadata=check(checks.positive))
    keepalive_interval: float = field(default=15.0, metadata=check(checks.positive))
    docker_socket: str = "/var/run/docker.sock"


@dataclass(frozen=True)
class Config:
    """A whole, validated warroom config. `source` and `base_dir` are set by the loader."""

    environment: Environment
    defaults: Defaults = field(default_factory=Defaults)
    env_files: tuple[str, ...] = ()
    hosts: dict[str, Host] = field(default_factory=dict)
    services: tuple[Service, ...] = ()
    color: ColorConfig | None = None
    incident: IncidentPolicy = field(default_factory=IncidentPolicy)
    containers: ContainersConfig | None = None
    logs: LogsConfig | None = None
    actions: tuple[Action, ...] = ()
    operator: Operator = field(default_factory=Operator)
    maintenance: MaintenanceConfig | None = None
    resources: ResourcesConfig | None = None
    alerts: tuple[AlertSource, ...] = ()
    runbooks: RunbooksConfig | None = None
    notify: tuple[NotifyTarget, ...] = ()
    prometheus: PrometheusDefaults | None = None
    metrics: tuple[MetricRow, ...] = ()
    swarm: SwarmConfig | None = None
    source: str = field(default="<memory>", metadata={"key": "__source__"})
    base_dir: str = field(default=".", metadata={"key": "__base_dir__"})

    def path(self, value: str) -> Path:
        """A path from the config: `~` expanded, relative to the config file's directory."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p

    def interval(self, own: float | None) -> float:
        return own or self.defaults.interval

    def timeout(self, own: float | None) -> float:
        return own or self.defaults.timeout

    def stale_after(self, own: float | None, interval: float, timeout: float) -> float:
        return own or self.defaults.stale_factor * interval + timeout

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)
