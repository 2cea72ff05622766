"""The swarm-service log reader: `docker service logs -f` of one service, merged into the tail.

`[[logs.sources]] kind = "swarm-service"`, `service = "web"`, `host` = a manager ("local" or
a [hosts] name, reached over the host's one pooled SSH connection). The manager merges the
logs of every task of the service (on every node); each line is prefixed with its task as
the CLI does (`web.2`), sanitized and bounded like a container's lines (the same stream
reader, `probes.logs_docker._DockerStream`, on `GET /services/{id}/logs`). When the stream
ends (service removed, manager restarted) the reader says so and reattaches with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from tui.core.config.logs import LogSource
from tui.core.sanitize import one_line

from .logs_docker import Opened, _DockerStream, reattach
from .logs_sink import LogSink, Markers, SourceBuffer

TASK_KEY = b"com.docker.swarm.task.id="
MAX_TASK_NAMES = 4096


class _ServiceStream(_DockerStream):
    """`GET /services/{id}/logs?follow=1&details=1`: multiplexed like a container's; the
    details carry the task id, turned into `name.slot` (tasks looked up once each)."""

    PATH = "/services/{0}/logs"

    def __init__(self, api: Any, service_id: str, name: str, *args: Any) -> None:
        super().__init__(api, service_id, False, *args)
        self.params["details"] = 1
        self.name = name
        self.tasks: dict[bytes, bytes] = {}

    def _hand_over(self, raws: list[bytes]) -> None:
        out = []
        for raw in raws:
            stamp, _, rest = raw.partition(b" ")
            details, _, text = rest.partition(b" ")
            if b"=" not in details:  # no details (an older engine): the line as it came
                out.append(raw)
                continue
            task = next((d[len(TASK_KEY):] for d in details.split(b",")
                         if d.startswith(TASK_KEY)), b"")
            out.append(stamp + b" " + self._task_name(task) + b" " + text)
        super()._hand_over(out)

    def _task_name(self, task: bytes) -> bytes:
        """`web.2` (the slot) or `web.<node>` (global); looked up in this reader's thread."""
        name = self.tasks.get(task)
        if name is None:
            name = self.name.encode() + b"." + task[:8]
            with contextlib.suppress(Exception):
                info = self.api.inspect_task(task.decode("ascii", "replace"))
                slot = info.get("Slot") or (info.get("NodeID") or "")[:8]
                name = f"{self.name}.{one_line(str(slot))[:20]}".encode()
            if len(self.tasks) > MAX_TASK_NAMES:
                self.tasks.clear()
            self.tasks[task] = name
        return name


async def swarm_reader(source: LogSource, sink: LogSink, buf: SourceBuffer) -> None:
    name = one_line(source.service or "")[:120]
    loop = asyncio.get_running_loop()
    attached = 0

    async def open_stream(api: Any, mark: Markers, since: float | None, tail: int | None
                          ) -> Opened:
        nonlocal attached
        info = await asyncio.to_thread(api.inspect_service, source.service)
        attached += 1
        mark(f"attached to service {name}" if attached == 1 else
             f"reattached to service {name}")
        return (_ServiceStream(api, info["ID"], name, tail, since, source.stderr, sink, buf,
                               loop), f"logs of service {name} ended; waiting to reattach")

    await reattach(source, sink, buf, open_stream,
                   f"no swarm service named {name}; waiting for it", "swarm manager unreachable")
