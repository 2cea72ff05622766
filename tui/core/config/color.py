"""Schema of `[color]`: where the live blue/green color is read from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from . import checks
from .convert import check


@dataclass(frozen=True)
class ColorSource:
    """One source of the live color.

    kind = "command":    run `argv` (locally or on `host`), strip ANSI, match `pattern`.
    kind = "state_file": read `key` from a key=value file at `path` (other keys become the
                         last deploy state: status, phase, updated_at ...).
    kind = "http":       GET `url`, read response header `header` or JSON field `json_path`.
    kind = "file_map":   read `path`, match `pattern`, map the captured value with `map`
                         (e.g. Apache `Define API_PORT 8090` with map {"8090" = "blue"}).
    """

    kind: Literal["command", "state_file", "http", "file_map"]
    name: str | None = None
    argv: tuple[str, ...] = ()
    shell: bool = False
    host: str = "local"
    cwd: str | None = None
    pattern: str | None = field(default=None, metadata=check(checks.regex_with_group))
    path: str | None = None
    key: str = "active"
    url: str | None = field(default=None, metadata=check(checks.url))
    header: str | None = None
    json_path: str | None = None
    map: dict[str, str] = field(default_factory=dict)
    timeout: float | None = field(default=None, metadata=check(checks.positive))

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        target = {
            "command": " ".join(self.argv)[:40],
            "state_file": self.path or "",
            "http": self.url or "",
            "file_map": self.path or "",
        }[self.kind]
        return f"{self.kind}:{target}"

    def _check(self) -> list[tuple[str, str]]:
        need = {
            "command": ("argv", "pattern"),
            "state_file": ("path",),
            "http": ("url",),
            "file_map": ("path", "pattern", "map"),
        }[self.kind]
        missing = [k for k in need if not getattr(self, k)]
        issues = [(k, f"is required when kind = {self.kind!r}") for k in missing]
        if self.kind == "http" and not (self.header or self.json_path):
            issues.append(("header", "kind = 'http' needs 'header' or 'json_path'"))
        return issues


@dataclass(frozen=True)
class ColorConfig:
    """The blue/green setup. The idle color is the other one of `colors`."""

    colors: tuple[str, ...] = ("blue", "green")
    sources: tuple[ColorSource, ...] = ()
    interval: float | None = field(default=None, metadata=check(checks.positive))
    timeout: float | None = field(default=None, metadata=check(checks.positive))
    stale_after: float | None = field(default=None, metadata=check(checks.positive))

    def _check(self) -> list[tuple[str, str]]:
        if len(self.colors) != 2 or len(set(self.colors)) != 2:
            return [("colors", "must list exactly two different colors")]
        issues = []
        for i, source in enumerate(self.sources):
            bad = [v for v in source.map.values() if v not in self.colors]
            if bad:
                issues.append((f"sources[{i}].map", f"maps to {bad[0]!r}, not one of the colors"))
        return issues
