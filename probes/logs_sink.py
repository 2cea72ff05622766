"""What a log reader writes into: the `LogSink` protocol, a source's buffer, markers, lines.

The readers (`probes.logs_docker`, `probes.logs_files`, `probes.logs_commands`) know only
this module, never the hub that runs them (`probes.logs.LogHub` is one `LogSink`). A reader
needs: the logs config (timeouts, reattach delay), the SSH pool for remote sources, and four
ways to hand over what it read — raw lines (`add_raw`), lines prepared in its own thread
(`prepare`, then `store` on the event loop) and markers (`marker`: what happened to the
source, also kept as the buffer's status).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from tui.core.config.logs import LogsConfig, LogSource
from tui.core.logline import LogLine

if TYPE_CHECKING:
    from probes.ssh import SshPool

CHUNK = 65536
"""The size of one read from a stream (docker, a command's pipe)."""


class SourceBuffer:
    """The ring buffer of one source plus counters."""

    def __init__(self, source: LogSource, size: int) -> None:
        self.source = source
        self.tag = source.tag
        self.lines: deque[LogLine] = deque(maxlen=size)
        self.received = 0
        self.status = "starting"


class LogSink(Protocol):
    """Where a reader puts the lines and the state of its source."""

    @property
    def config(self) -> LogsConfig: ...

    @property
    def ssh_pool(self) -> SshPool:
        """The shared connections: remote commands (`run`) and docker sockets (`forward_docker`)."""
        ...

    def prepare(self, buf: SourceBuffer, raws: Iterable[str],
                stamps: Iterable[float] | None = None) -> list[LogLine]:
        """Sanitized, classified lines (pure: safe to call in a reader thread)."""
        ...

    def store(self, buf: SourceBuffer, lines: list[LogLine]) -> None:
        """Keep prepared lines and pass them on (event loop only)."""
        ...

    def add_raw(self, buf: SourceBuffer, raws: Iterable[str],
                stamps: Iterable[float] | None = None) -> None:
        """`prepare` and `store` in one step (event loop only)."""
        ...

    def marker(self, buf: SourceBuffer, message: str) -> None:
        """A line saying what happened to the source; also becomes `buf.status`."""
        ...


class Markers:
    """Emit a marker only when the message changes (no spam while waiting)."""

    def __init__(self, sink: LogSink, buf: SourceBuffer) -> None:
        self.sink, self.buf, self.last = sink, buf, ""

    def __call__(self, message: str) -> None:
        if message != self.last:
            self.last = message
            self.sink.marker(self.buf, message)


def split_lines(carry: bytearray) -> list[bytes]:
    """Complete lines out of `carry` (the unfinished rest stays in it)."""
    end = carry.rfind(b"\n")
    if end < 0:
        return []
    lines = bytes(carry[:end]).split(b"\n")
    del carry[:end + 1]
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]
