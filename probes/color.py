"""Which blue/green color is live, read from every configured source and compared.

Sources: a command's output (ANSI stripped, then a regex), a key=value state file (its other
keys become the last deploy state), an HTTP header or JSON field, and a file line mapped to a
color (Apache `Define API_PORT 8090` → blue). Disagreement is reported, never hidden.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable

from probes.command import CommandOutput, capture_local
from probes.http import HttpClients, describe_error, lookup
from tui.core.config.color import ColorConfig, ColorSource
from tui.core.config.interpolate import parse_key_values
from tui.core.config.schema import Config
from tui.core.model import ColorReading, ColorResult, utcnow
from tui.core.sanitize import one_line, sanitize

MAX_FILE = 256 * 1024
RemoteRunner = Callable[[str, tuple[str, ...], float], Awaitable[CommandOutput]]


class ColorProbe:
    """Reads every source concurrently; `await probe()` returns a ColorResult."""

    def __init__(
        self, config: Config, clients: HttpClients, remote: RemoteRunner | None = None
    ) -> None:
        assert config.color is not None
        self.config = config
        self.color: ColorConfig = config.color
        self.clients = clients
        self.remote = remote
        self.timeout = config.timeout(self.color.timeout)

    async def probe(self) -> ColorResult:
        outcomes = await asyncio.gather(*(self._read(s) for s in self.color.sources))
        readings = tuple(r for r, _ in outcomes)
        deploy: list[tuple[str, str]] = []
        for _, extra in outcomes:
            deploy.extend(extra)
        live = agree(readings)
        return ColorResult(live, self.idle_of(live), readings, utcnow(), tuple(deploy))

    def idle_of(self, live: str | None) -> str | None:
        if live not in self.color.colors:
            return None
        return next(c for c in self.color.colors if c != live)

    async def _read(self, source: ColorSource) -> tuple[ColorReading, list[tuple[str, str]]]:
        timeout = source.timeout or self.timeout
        try:
            return await asyncio.wait_for(self._dispatch(source, timeout), timeout + 0.5)
        except TimeoutError:
            return ColorReading(source.label, None, f"timeout after {timeout:.1f} s"), []
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            reason = one_line(where + (exc.strerror or str(exc)))
            return ColorReading(source.label, None, reason), []

    async def _dispatch(
        self, source: ColorSource, timeout: float
    ) -> tuple[ColorReading, list[tuple[str, str]]]:
        if source.kind == "command":
            return await self._command(source, timeout), []
        if source.kind == "state_file":
            return await asyncio.to_thread(self._state_file, source)
        if source.kind == "http":
            return await self._http(source, timeout), []
        return await asyncio.to_thread(self._file_map, source), []

    def _color(self, source: ColorSource, value: str | None, what: str) -> ColorReading:
        if value is None:
            return ColorReading(source.label, None, f"{what}: no color found")
        value = one_line(value).strip()
        mapped = source.map.get(value, value)
        if mapped.lower() in self.color.colors:
            return ColorReading(source.label, mapped.lower())
        return ColorReading(source.label, None, f"{what}: {value[:40]!r} is not a color")

    async def _command(self, source: ColorSource, timeout: float) -> ColorReading:
        if source.host == "local":
            cwd = str(self.config.path(source.cwd)) if source.cwd else self.config.base_dir
            out = await capture_local(source.argv, timeout, shell=source.shell, cwd=cwd)
        elif self.remote is None:
            return ColorReading(source.label, None, f"no SSH runner for host {source.host!r}")
        else:
            out = await self.remote(source.host, source.argv, timeout)
        if out.error:
            return ColorReading(source.label, None, one_line(out.error))
        match = re.search(source.pattern or "", sanitize(out.output))
        if out.exit_code != 0 and not match:
            return ColorReading(source.label, None, f"command exited {out.exit_code}")
        return self._color(source, match.group(1) if match else None, "output")

    def _state_file(self, source: ColorSource) -> tuple[ColorReading, list[tuple[str, str]]]:
        values = parse_key_values(self._read_file(source))
        deploy = [(one_line(k)[:40], one_line(v)[:60])
                  for k, v in values.items() if k != source.key][:10]
        return self._color(source, values.get(source.key), f"key {source.key!r}"), deploy

    def _file_map(self, source: ColorSource) -> ColorReading:
        match = re.search(source.pattern or "", self._read_file(source), re.MULTILINE)
        value = match.group(1) if match else None
        if value is not None and value not in source.map:
            return ColorReading(source.label, None, f"value {one_line(value)[:20]!r} not in map")
        return self._color(source, value, "pattern")

    def _read_file(self, source: ColorSource) -> str:
        path = self.config.path(source.path or "")
        with path.open("rb") as fh:
            return fh.read(MAX_FILE).decode("utf-8", errors="replace")

    async def _http(self, source: ColorSource, timeout: float) -> ColorReading:
        import httpx

        client = await self.clients.for_url(source.url or "")
        try:
            response = await client.get(source.url or "", timeout=timeout)
        except httpx.HTTPError as exc:
            return ColorReading(source.label, None, describe_error(exc, timeout))
        if source.header:
            return self._color(source, response.headers.get(source.header), source.header)
        try:
            value = lookup(json.loads(response.content[:MAX_FILE]), source.json_path or "")
        except ValueError:
            return ColorReading(source.label, None, "body is not JSON")
        return self._color(source, value if isinstance(value, str) else None, "json")


def agree(readings: tuple[ColorReading, ...]) -> str | None:
    """The color most sources report (first source wins a tie); None when none could tell."""
    colors = [r.color for r in readings if r.color]
    if not colors:
        return None
    counts = Counter(colors)
    best = max(counts.values())
    return next(c for c in colors if counts[c] == best)

