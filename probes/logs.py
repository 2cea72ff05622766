"""The logs tail: lines from several sources, bounded per source, delivered in batches.

`LogHub(config, on_lines, ssh_pool)` starts one reader per `[[logs.sources]]` entry
(`probes.logs_sources`) and is the `probes.logs_sink.LogSink` they write into. Each line is
sanitized once (`clean_keep_sgr`: SGR colours kept, every other sequence and control
removed), tagged with its source, classified (error/warn) and stored in the source's ring
buffer (`deque(maxlen=buffer)`). Lines reach the UI through `on_lines(list[LogLine])` at most
every `flush_interval`; if the UI falls behind, the pending batch stays bounded and `dropped`
counts what it never saw.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tui.core.config.logs import LogsConfig
from tui.core.logline import ERROR, MARKER, NORMAL, SEQ, WARN, LogLine
from tui.core.sanitize import clean_keep_sgr, strip_sgr
from tui.core.tasks import cancel_and_wait

from .logs_sink import SourceBuffer
from .logs_sources import reader_for

__all__ = ["ERROR", "MARKER", "NORMAL", "WARN", "Classifier", "LogHub", "LogLine",
           "SourceBuffer"]


class Classifier:
    """Error/warn detection with the configured patterns."""

    def __init__(self, config: LogsConfig) -> None:
        self.error = re.compile(config.error_pattern)
        self.warn = re.compile(config.warn_pattern)

    def level(self, plain: str) -> int:
        if self.error.search(plain):
            return ERROR
        if self.warn.search(plain):
            return WARN
        return NORMAL


class LogHub:
    """Runs every configured source; merges their lines into time-ordered batches."""

    def __init__(
        self, config: LogsConfig, on_lines: Callable[[list[LogLine]], None],
        ssh_pool: Any = None, flush_interval: float = 0.05,
    ) -> None:
        self.config = config
        self.on_lines = on_lines
        self.ssh_pool = ssh_pool
        self.flush_interval = flush_interval
        self.classifier = Classifier(config)
        self.buffers = {s.tag: SourceBuffer(s, config.buffer_for(s)) for s in config.sources}
        self.max_pending = sum(b.lines.maxlen or 0 for b in self.buffers.values()) or 10_000
        self.dropped = 0
        self._pending: list[LogLine] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._flusher: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for buf in self.buffers.values():
            if buf.source.kind == "swarm-service":
                from .logs_swarm import swarm_reader

                reader = swarm_reader(buf.source, self, buf)
            else:
                reader = reader_for(buf.source, self, buf)
            self._tasks.append(asyncio.create_task(reader, name=f"logs-{buf.tag}"))

    async def close(self) -> None:
        await cancel_and_wait(self._tasks)
        self._tasks.clear()
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None

    # -- ingest (event loop thread) ------------------------------------------------------
    def prepare(self, buf: SourceBuffer, raws: Iterable[str],
                stamps: Iterable[float] | None = None) -> list[LogLine]:
        """Sanitize and classify raw decoded lines (pure: safe in a reader thread)."""
        times = stamps if stamps is not None else itertools.repeat(time.time())
        level = self.classifier.level
        out = []
        for raw, when in zip(raws, times, strict=False):
            text = clean_keep_sgr(raw)
            out.append(LogLine(next(SEQ), when, buf.tag, text, level(strip_sgr(text))))
        return out

    def add_raw(self, buf: SourceBuffer, raws: Iterable[str],
                stamps: Iterable[float] | None = None) -> None:
        """Sanitize, classify and store raw decoded lines of one source (event loop)."""
        self.store(buf, self.prepare(buf, raws, stamps))

    def marker(self, buf: SourceBuffer, message: str) -> None:
        """A line in the stream telling what happened to the source (reattach, rotation ...)."""
        buf.status = message
        self.store(buf, [LogLine(next(SEQ), time.time(), buf.tag, f"── {message}", MARKER)])

    def store(self, buf: SourceBuffer, lines: list[LogLine]) -> None:
        if not lines:
            return
        buf.lines.extend(lines)
        buf.received += len(lines)
        self._pending.extend(lines)
        overflow = len(self._pending) - self.max_pending
        if overflow > 0:
            del self._pending[:overflow]
            self.dropped += overflow
        if self._flusher is None and self._loop is not None:
            self._flusher = self._loop.call_later(self.flush_interval, self._flush)

    def _flush(self) -> None:
        self._flusher = None
        batch, self._pending = self._pending, []
        if batch:
            batch.sort(key=_order)
            self.on_lines(batch)

    # -- reads ----------------------------------------------------------------------------
    def merged(self) -> list[LogLine]:
        """Every buffered line of every source, in time order."""
        lines = [line for buf in self.buffers.values() for line in buf.lines]
        lines.sort(key=_order)
        return lines

    def save(self, path: str | Path, lines: Iterable[LogLine] | None = None,
             timestamps: bool = True) -> int:
        """Write full (never clipped) plain lines to `path`; returns the number written."""
        import datetime as dt

        count = 0
        with open(path, "w", encoding="utf-8") as fh:
            for line in self.merged() if lines is None else lines:
                stamp = ""
                if timestamps:
                    stamp = dt.datetime.fromtimestamp(line.ts, dt.UTC).strftime(
                        "%Y-%m-%dT%H:%M:%S.%fZ ")
                fh.write(f"{stamp}[{line.source}] {line.plain}\n")
                count += 1
        return count


def _order(line: LogLine) -> tuple[float, int]:
    return (line.ts, line.seq)
