"""The configured runbooks: files found under `[runbooks] paths`, read with a size cap,
parsed, linked to configured actions, and re-read when a file changes (a stat per file).

Linking a step to an action — by design, two ways, the marker winning:
- a marker in the file, `<!-- warroom: action=rollback -->`, on the step's line or on the line
  right after it (a marker naming no configured action is reported in `Runbook.warnings` and
  links nothing);
- `[runbooks.actions]` in the config: `"(?i)roll ?back" = "rollback"` links every step whose
  text matches the regex (first match in file order). Unknown names there are config errors.
A link only shows the action's key and preflight and lets Enter start that action's normal
arm/confirm flow; nothing in a runbook is ever run.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from ..config.runbooks import RunbooksConfig
from .model import Runbook, RunbookError, Scenario, Step
from .parse import parse

SUFFIXES = (".md", ".markdown", ".txt")
MAX_FILES = 200


def runbook_files(paths: list[Path]) -> list[Path]:
    """Every runbook file named by `paths` (files as given, folders searched recursively for
    .md/.markdown/.txt, sorted), at most MAX_FILES, without duplicates."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES
                            and p.is_file() and not p.name.startswith("."))
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = [p for p in found if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]
    return unique[:MAX_FILES]


def read_runbook(path: Path, max_bytes: int) -> Runbook:
    """Read and parse one file; a file over `max_bytes`, gone or unreadable is a `Runbook`
    with `error` set (never a hang: at most max_bytes + 1 bytes are read)."""
    name = path.stem
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        return Runbook(name, name, str(path), error=f"cannot read {path}: {exc.strerror or exc}")
    if len(data) > max_bytes:
        size = os.path.getsize(path) if path.exists() else len(data)
        return Runbook(name, name, str(path), error=(
            f"{path.name} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit "
            "([runbooks] max_bytes): not read"))
    text = data.decode("utf-8", errors="replace")
    kind = "markdown" if path.suffix.lower() in (".md", ".markdown") else None
    return parse(text, name, str(path), kind)


def link_actions(runbook: Runbook, actions: set[str], mapping: dict[str, str]) -> Runbook:
    """Steps linked to configured actions: markers checked, `mapping` applied."""
    warnings = list(runbook.warnings)
    patterns = [(re.compile(rx), name) for rx, name in mapping.items()]

    def link(step: Step) -> Step:
        if step.action is not None:
            if step.action in actions:
                return step
            warnings.append(f"line {step.line}: no configured action {step.action!r} "
                            f"(marker ignored)")
            step = replace(step, action=None, unknown_action=step.action)
        for rx, name in patterns:
            if rx.search(step.text):
                return replace(step, action=name)
        return step

    scenarios = tuple(Scenario(s.title, s.level, tuple(link(st) for st in s.steps), s.parent,
                               s.notes, s.line) for s in runbook.scenarios)
    return replace(runbook, scenarios=scenarios, warnings=tuple(dict.fromkeys(warnings)))


class Library:
    """The runbooks of a config, cached per file by (mtime, size): `refresh()` re-stats the
    files (cheap) and re-reads only what changed; True when anything did."""

    def __init__(self, config: RunbooksConfig | None, resolve, actions: set[str]) -> None:  # type: ignore[no-untyped-def]
        self.config = config
        self._resolve = resolve  # config path → Path (relative to the config file)
        self._actions = actions
        self._stamps: dict[Path, tuple[int, int] | None] = {}
        self.runbooks: list[Runbook] = []

    @classmethod
    def from_config(cls, config) -> Library:  # type: ignore[no-untyped-def]
        return cls(config.runbooks, config.path, {a.name for a in config.actions})

    def paths(self) -> list[Path]:
        if self.config is None:
            return []
        return runbook_files([self._resolve(p) for p in self.config.paths])

    def refresh(self) -> bool:
        if self.config is None:
            return False
        files = self.paths()
        stamps = {p: _stamp(p) for p in files}
        if stamps == self._stamps and len(self.runbooks) == len(files):
            return False
        old = {Path(r.path): r for r in self.runbooks}
        runbooks = []
        for path in files:
            keep = old.get(path)
            if keep is not None and self._stamps.get(path) == stamps[path]:
                runbooks.append(keep)
            else:
                runbooks.append(link_actions(read_runbook(path, self.config.max_bytes),
                                             self._actions, self.config.actions))
        self._stamps, self.runbooks = stamps, runbooks
        return True

    def find(self, name: str) -> Runbook:
        """By file stem, then title (case-insensitive), then unique prefix; RunbookError
        naming the runbooks there are otherwise."""
        if not self.runbooks:
            self.refresh()
        key = name.strip().casefold()
        for test in (lambda r: r.name.casefold() == key, lambda r: r.title.casefold() == key,
                     lambda r: r.name.casefold().startswith(key)):
            found = [r for r in self.runbooks if test(r)]
            if len(found) == 1:
                return found[0]
        names = ", ".join(r.name for r in self.runbooks) or "none configured"
        raise RunbookError(f"no runbook {name!r} (runbooks: {names})")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)
