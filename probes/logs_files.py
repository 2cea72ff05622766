"""The local file reader, like `tail -F`: the last lines, then follow through rotation and
truncation; a file that is missing is waited for. FIFOs and devices are refused."""

from __future__ import annotations

import asyncio
import errno
import os
import stat
from typing import Any

from tui.core.config.logs import LogSource
from tui.core.sanitize import decode, one_line

from .logs_sink import LogSink, Markers, SourceBuffer, split_lines


def _open_regular(path: str) -> Any:
    """Open a log file for reading; a FIFO or device would block or never end: refused."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


async def file_reader(source: LogSource, sink: LogSink, buf: SourceBuffer, poll: float = 0.2
                      ) -> None:
    mark = Markers(sink, buf)
    path = source.path or ""
    shown = one_line(path)
    fh = None
    ident: tuple[int, int] | None = None
    carry = bytearray()
    first = True
    try:
        while True:
            if fh is None:
                try:
                    fh = await asyncio.to_thread(_open_regular, path)
                except OSError as exc:
                    mark(f"cannot open {shown}: {exc.strerror}; waiting for it")
                    await asyncio.sleep(poll * 5)
                    continue
                st = os.fstat(fh.fileno())
                ident = (st.st_dev, st.st_ino)
                if first:
                    await asyncio.to_thread(_seek_tail, fh, source.tail)
                    mark(f"following {shown}")
                    first = False
                else:
                    mark(f"{shown} was rotated; following the new file")
                carry.clear()
            data = await asyncio.to_thread(fh.read, 1 << 20)
            if data:
                carry += data
                sink.add_raw(buf, [decode(b) for b in split_lines(carry)])
                if len(carry) > 1 << 20:  # a runaway line without newline
                    sink.add_raw(buf, [decode(bytes(carry))])
                    carry.clear()
                continue
            while True:  # at the end: a stat per poll, and a read only once there is more
                await asyncio.sleep(poll)
                try:
                    st = os.stat(path)
                except OSError:
                    break  # gone for now: keep reading the old handle until a new file appears
                if (st.st_dev, st.st_ino) != ident:
                    await _drain(fh, sink, buf, carry)
                    fh.close()
                    fh = None
                    break
                if st.st_size < fh.tell():
                    mark(f"{shown} was truncated; reading from the start")
                    mark.last = ""
                    fh.seek(0)
                    carry.clear()
                    break
                if st.st_size > fh.tell():
                    break
    finally:
        if fh is not None:
            fh.close()


async def _drain(fh: Any, sink: LogSink, buf: SourceBuffer, carry: bytearray) -> None:
    data = await asyncio.to_thread(fh.read)
    carry += data
    if carry and not carry.endswith(b"\n"):
        carry += b"\n"
    sink.add_raw(buf, [decode(b) for b in split_lines(carry)])


def _seek_tail(fh: Any, lines: int) -> None:
    """Position `fh` so that the last `lines` lines are read next."""
    end = fh.seek(0, os.SEEK_END)
    if lines <= 0:
        return
    pos, found, block = end, 0, 65536
    while pos > 0 and found <= lines:
        step = min(block, pos)
        pos -= step
        fh.seek(pos)
        found += fh.read(step).count(b"\n")
    fh.seek(pos)
    if found > lines:
        data = fh.read(end - pos)
        skip = found - lines
        index = -1
        for _ in range(skip):
            index = data.index(b"\n", index + 1)
        fh.seek(pos + index + 1)

