"""Which reader follows which log source: docker, file (`tail -F`), command, or over SSH.

Each reader is a coroutine that runs until cancelled, says in the stream what happens to its
source (`LogSink.marker`) and reattaches with backoff. The readers live one kind per module:
`probes.logs_docker`, `probes.logs_files` (local files), `probes.logs_commands` (local
commands, and every remote source over the shared SSH connection). They write into a
`probes.logs_sink.LogSink` (the `LogHub`), never import the hub.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from tui.core.config.logs import LogSource

from .logs_backoff import LONG_RUN, MAX_WAIT, RESTART_MAX_WAIT
from .logs_commands import command_argv, command_reader, remote_reader
from .logs_docker import docker_reader
from .logs_files import file_reader
from .logs_sink import LogSink, SourceBuffer

__all__ = ["LONG_RUN", "MAX_WAIT", "RESTART_MAX_WAIT", "command_reader", "docker_reader",
           "file_reader", "reader_for", "remote_reader"]


def reader_for(source: LogSource, sink: LogSink, buf: SourceBuffer
               ) -> Coroutine[Any, Any, None]:
    """The reader coroutine for `source`, writing into `buf` through `sink`."""
    if source.kind == "docker":
        return docker_reader(source, sink, buf)
    if source.kind == "file":
        if source.host == "local":
            return file_reader(source, sink, buf)
        return remote_reader(source, sink, buf, ["tail", "-n", str(source.tail), "-F", "--",
                                                 source.path or ""])
    if source.host == "local":
        return command_reader(source, sink, buf)
    return remote_reader(source, sink, buf, command_argv(source))
