"""The root of the config schema: environment, probe defaults, hosts, services, color.

Later features add their own section modules beside this one (containers, logs, actions,
incident) and a field here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import checks
from .actions import Action, Operator, action_issues
from .color import ColorConfig
from .containers import ContainersConfig
from .convert import check
from .incident import IncidentPolicy
from .logs import LogsConfig
from .maintenance import MaintenanceConfig, maintenance_issues
from .services import Service


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

    def _check(self) -> list[tuple[str, str]]:
        issues: list[tuple[str, str]] = []
        names = [s.name for s in self.services]
        for dup in checks.duplicates(names):
            index = len(names) - 1 - names[::-1].index(dup)
            issues.append((f"services[{index}].name", f"duplicate service name {dup!r}"))
        colors = self.color.colors if self.color else ()
        for i, service in enumerate(self.services):
            if service.color and colors and service.color not in colors:
                issues.append((f"services[{i}].color", f"{service.color!r} is not one of {colors}"))
        if self.color:
            for i, source in enumerate(self.color.sources):
                if source.host != "local" and source.host not in self.hosts:
                    issues.append((f"color.sources[{i}].host", _unknown_host(source.host, self)))
        for i, name in enumerate(self.containers.hosts if self.containers else ()):
            if name != "local" and name not in self.hosts:
                issues.append((f"containers.hosts[{i}]", _unknown_host(name, self)))
        for i, log in enumerate(self.logs.sources if self.logs else ()):
            if log.host != "local" and log.host not in self.hosts:
                issues.append((f"logs.sources[{i}].host", _unknown_host(log.host, self)))
        issues.extend(action_issues(self))
        issues.extend(maintenance_issues(self))
        return issues


def _unknown_host(name: str, config: Config) -> str:
    known = ", ".join(sorted(config.hosts)) or "none"
    return f"unknown host {name!r} (hosts defined: {known}; or use 'local')"
