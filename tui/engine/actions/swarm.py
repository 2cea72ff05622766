"""Swarm service actions — rollback, restart (`update --force`), scale — behind the actions
guard, audited like every action (`guarded_call`): `refused` in read-only mode or when not
armed, else a `started` record on disk before the manager is asked, then `finished` or
`failed`. The records name the service, the manager host, and the current and previous spec
images (what a rollback goes back to)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.core.swarm import SwarmService

from .containers import guarded_call

if TYPE_CHECKING:
    from .executor import Executor

SwarmAct = Callable[[str, str, str, "int | None"], Awaitable[str]]
"""`act(host, service, action, replicas)`: asks the manager, returns one sentence."""

CLI = {"rollback": ["docker", "service", "rollback"],
       "restart": ["docker", "service", "update", "--force"],
       "scale": ["docker", "service", "scale"]}


def swarm_argv(service: SwarmService, action: str, replicas: int | None = None) -> list[str]:
    """The CLI equivalent shown in the confirmation and the audit record."""
    if action == "scale":
        return [*CLI["scale"], f"{service.name}={replicas}"]
    return [*CLI[action], service.name]


async def swarm_action(executor: Executor, service: SwarmService, action: str,
                       act: SwarmAct, replicas: int | None = None) -> str:
    """Run one service action through `act`, guarded and audited. Raises PermissionError
    when refused, RuntimeError when the manager refused or did not answer."""
    if action not in CLI:
        raise ValueError(f"unknown service action {action!r}")
    data: dict[str, Any] = {
        "action": f"swarm-{action}", "argv": swarm_argv(service, action, replicas),
        "where": service.host, "target": f"{service.host}: swarm service {service.name}",
        "service": service.name, "image": service.image_text,
        "previous_image": service.previous_image or None,
        "replicas_before": f"{service.running}/{service.desired}",
    }
    if replicas is not None:
        data["replicas"] = replicas
    return await guarded_call(executor, data, f"{action} {service.name}",
                              lambda: act(service.host, service.name, action, replicas),
                              result_key="result")
