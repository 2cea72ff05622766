"""A runbook as warroom reads it: scenarios (its headings) made of steps (its list items,
checklist items and command blocks). Frozen values; every text is already sanitized.

A step's `text` is its identity: ticks are journaled and matched by (runbook, scenario, step
text), so a runbook edited while shown keeps the ticks of every step whose text did not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXT = 300
"""Longest step text kept (characters); longer lines are cut with an ellipsis."""
MAX_COMMAND = 2_000
"""Longest command line kept."""
MAX_STEPS = 2_000
"""Steps kept per runbook; a bigger one says so in `warnings`."""
MAX_NOTES = 40
"""Prose and table lines kept per scenario (shown dim above its steps)."""


class RunbookError(ValueError):
    """A runbook that cannot be read: too large, gone, unreadable. The message says which."""


@dataclass(frozen=True)
class Step:
    """One thing to do. `commands` may be copied, never run; `action` names a configured
    action the step is linked to (by a marker in the file or `[runbooks.actions]`)."""

    text: str
    commands: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    action: str | None = None
    line: int = 0
    """1-based line in the file where the step starts."""
    unknown_action: str | None = None
    """A marker's action name that no configured action has (the link was dropped)."""


@dataclass(frozen=True)
class Scenario:
    title: str
    level: int
    steps: tuple[Step, ...]
    parent: str = ""
    """The enclosing heading (e.g. "Common Incidents" for "Application Down")."""
    notes: tuple[str, ...] = ()
    line: int = 0

    @property
    def label(self) -> str:
        return f"{self.parent} › {self.title}" if self.parent else self.title


@dataclass(frozen=True)
class Runbook:
    name: str
    """The file's stem: what `warroom runbook show NAME` and the journal call it."""
    title: str
    path: str
    scenarios: tuple[Scenario, ...] = ()
    warnings: tuple[str, ...] = ()
    kind: str = "markdown"
    """"markdown" or "plain" (how the file was read)."""
    error: str | None = None
    """Set when the file could not be read (too large, gone ...); then no scenarios."""

    def scenario(self, wanted: str) -> Scenario | None:
        """By title (case-insensitive), then "parent › title", then 1-based number, then
        a unique prefix or substring of a title."""
        key = wanted.strip().casefold()
        for s in self.scenarios:
            if s.title.casefold() == key or s.label.casefold() == key:
                return s
        if key.isdigit() and 1 <= int(key) <= len(self.scenarios):
            return self.scenarios[int(key) - 1]
        for test in (str.startswith, str.__contains__):
            found = [s for s in self.scenarios if test(s.title.casefold(), key)]
            if len(found) == 1:
                return found[0]
        return None

    @property
    def step_count(self) -> int:
        return sum(len(s.steps) for s in self.scenarios)


@dataclass
class Draft:
    """A scenario being built by the parser."""

    title: str
    level: int
    parent: str = ""
    line: int = 0
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def freeze(self) -> Scenario:
        return Scenario(self.title, self.level, tuple(self.steps), self.parent,
                        tuple(self.notes[:MAX_NOTES]), self.line)
