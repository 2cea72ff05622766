"""Schema of `[[actions]]` (runbook steps bound to keys) and `[operator]` (arming).

An action is an argv run locally or on a configured host over SSH. Live values reach it only
through `{placeholders}` inside argv items or env values, each expanded to exactly one item or
value (never re-split, never given to a shell): `{active}`, `{idle}` (the live and the other
color), `{env}` (environment name), `{container}` (the selected container). `{{`/`}}` are
literal braces. With `shell = true` the single argv item is run by `sh -c`, and placeholders
are refused there: pass live values through `env` instead.

Preflight conditions, all evaluated over the store (stale data always fails):
  { check = "service", name = "api-green", state = "OK" }     one check is OK (or better)
  { check = "services", color = "{idle}", state = "OK" }      every service of a color/group
  { check = "all_services", state = "DEGRADED" }              every service, DEGRADED allowed
  { check = "color", live = "{active}" }                      live color known, sources agree
  { check = "fresh", max_age = 30 }                           no used data older than bounds
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from . import checks
from .convert import check

PLACEHOLDERS = ("active", "idle", "env", "container")
PANEL_KEYS = ("R", "S", "T", "I", "f", "e", "E", "w", "t", "slash", "X", "v", "s", "G", "end",
              "N", "U", "C", "Z", "h")
"""Keys of the containers, logs and timeline panels (they win while their panel has focus)."""
RESERVED_KEYS = ("?", "question_mark", "q", "r", "ctrl+p", "i", "n", "c", "p", "ctrl+b", "ctrl+c",
                 "K", "ctrl+q", "escape", "enter", "tab", "shift+tab", *"123456789", *PANEL_KEYS)
"""App bindings (incl. the pane keys 1-9), panel keys, the tmux prefix and modal keys: an
action key must mean the same thing whichever panel has focus."""
REFRESH_TARGETS = ("color", "services", "containers", "all")
_TEMPLATE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_KEY = re.compile(r"((ctrl|shift|alt|meta|super)\+)*([A-Za-z0-9]|f[1-9][0-9]?|[a-z_]{3,20})")


def placeholders(text: str) -> list[str]:
    """The placeholder names used in `text`; raises ValueError on bad syntax or names."""
    found = []
    for match in _TEMPLATE.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise ValueError(f"unbalanced brace in {text!r} (write {{{{ or }}}} for a literal)")
        if name not in PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{name}}} (known: "
                             + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + ")")
        found.append(name)
    return found


def expand(text: str, values: dict[str, str]) -> str:
    """`text` with placeholders replaced by `values` (all must be present)."""
    def sub(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values[match.group(1)]

    return _TEMPLATE.sub(sub, text)


def _template(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        placeholders(value)
    except ValueError as exc:
        return str(exc)
    return None


def _key(value: str) -> str | None:
    if not _KEY.fullmatch(value):
        return "is not a key name (examples: 'b', 'R', 'f5', 'ctrl+r')"
    return None


@dataclass(frozen=True)
class Preflight:
    """One condition that must hold before an action runs (see the module docstring)."""

    check: Literal["service", "services", "all_services", "color", "fresh"]
    name: str | None = None
    color: str | None = field(default=None, metadata=check(_template))
    group: str | None = None
    state: Literal["OK", "DEGRADED"] = "OK"
    """The worst acceptable state: "OK" needs OK; "DEGRADED" accepts OK or DEGRADED."""
    live: str | None = field(default=None, metadata=check(_template))
    max_age: float | None = field(default=None, metadata=check(checks.positive))

    def _check(self) -> list[tuple[str, str]]:
        if self.check == "service" and not self.name:
            return [("name", "is required when check = 'service'")]
        if self.check == "services" and not (self.color or self.group):
            return [("color", "check = 'services' needs 'color' or 'group'")]
        return []

    def describe(self) -> str:
        if self.check == "service":
            return f"service {self.name} is {self.state}"
        if self.check == "services":
            what = " ".join(x for x in (self.group, self.color) if x)
            return f"services {what} are {self.state}"
        if self.check == "all_services":
            return f"all services are {self.state}"
        if self.check == "color":
            return f"live color is {self.live}" if self.live else "live color known and agreed"
        return f"data younger than {self.max_age:g} s" if self.max_age else "all data fresh"


@dataclass(frozen=True)
class Action:
    """A runbook step bound to a key. `argv` items are never joined into a shell string."""

    name: str = field(metadata=check(checks.name))
    key: str = field(metadata=check(_key))
    argv: tuple[str, ...] = field(metadata=check(checks.non_empty))
    description: str = ""
    host: str = "local"
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    shell: bool = False
    timeout: float = field(default=120.0, metadata=check(checks.positive))
    confirm: Literal["simple", "typed"] = "simple"
    confirm_target: str | None = field(default=None, metadata=check(_template))
    """What to type for confirm = "typed" (a template, default "{env}")."""
    preflight: tuple[Preflight, ...] = ()
    refresh: tuple[str, ...] = ()
    """What to probe at once afterwards: "color", "services", "containers", "all" or a check."""
    expect_color: str | None = field(default=None, metadata=check(_template))
    """The live color the action should leave (e.g. "{idle}" for a rollback)."""

    @property
    def typed_target(self) -> str:
        return self.confirm_target or "{env}"

    def _check(self) -> list[tuple[str, str]]:
        issues: list[tuple[str, str]] = []
        for i, item in enumerate(self.argv):
            try:
                used = placeholders(item)
            except ValueError as exc:
                issues.append((f"argv[{i}]", str(exc)))
                continue
            if used and self.shell:
                issues.append((f"argv[{i}]", "placeholders are not allowed with shell = true; "
                               "pass live values through env (e.g. env = { COLOR = \"{idle}\" })"))
        if self.shell and len(self.argv) != 1:
            issues.append(("argv", "with shell = true give exactly one item: the shell script"))
        for name, value in self.env.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                issues.append((f"env.{name}", "is not a valid environment variable name"))
            problem = _template(value)
            if problem:
                issues.append((f"env.{name}", problem))
            elif "\n" in value:
                issues.append((f"env.{name}", "must not contain a newline"))
        if self.cwd and _template(self.cwd):
            issues.append(("cwd", _template(self.cwd) or ""))
        return issues


@dataclass(frozen=True)
class Operator:
    """Operator mode: actions run only while armed; arming expires by itself."""

    arm_minutes: float = field(default=10.0, metadata=check(checks.positive))
    arm_key: str = field(default="o", metadata=check(_key))
    cancel_key: str = field(default="x", metadata=check(_key))
    """Stops the running action (the process group locally, the channel remotely)."""

