"""Live values for action templates, and the expansion of an action into what will run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.attempts import Expanded
from tui.core.config.actions import Action, expand, placeholders
from tui.core.config.schema import Config
from tui.core.store import Store

_CONTAINER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class TemplateError(ValueError):
    """A placeholder has no usable live value (e.g. the live color is unknown)."""


@dataclass(frozen=True)
class LiveValues:
    """What `{active}`, `{idle}`, `{env}`, `{container}` mean right now (None: unknown)."""

    active: str | None
    idle: str | None
    env: str
    container: str | None = None
    color_problem: str | None = None

    @classmethod
    def from_store(cls, config: Config, store: Store, container: str | None = None) -> LiveValues:
        color = store.color
        problem = None
        active = idle = None
        if config.color is None:
            problem = "no [color] section"
        elif color is None:
            problem = "live color not probed yet"
        elif color.disagreement:
            problem = "color sources disagree"
        elif color.live is None:
            problem = "live color unknown"
        else:
            active, idle = color.live, color.idle
        if container is not None and not _CONTAINER.fullmatch(container):
            container = None
        return cls(active, idle, config.environment.name, container, problem)

    def value(self, name: str) -> str:
        found = getattr(self, name)
        if found is None:
            if name in ("active", "idle"):
                raise TemplateError(f"{{{name}}}: {self.color_problem or 'unknown'}")
            raise TemplateError(f"{{{name}}}: no {name} selected")
        return found

    def expand(self, text: str) -> str:
        return expand(text, {name: self.value(name) for name in placeholders(text)})


def expand_action(action: Action, values: LiveValues) -> Expanded:
    """Expand argv items, env values, cwd and the expected effect; raises TemplateError."""
    texts = [*action.argv, *action.env.values(), action.cwd or "", action.expect_color or "",
             *(c.color or "" for c in action.preflight), *(c.live or "" for c in action.preflight),
             action.typed_target if action.confirm == "typed" else ""]
    uses_color = any(p in ("active", "idle") for t in texts for p in placeholders(t))
    argv = tuple(values.expand(item) for item in action.argv)
    if action.shell:
        argv = ("sh", "-c", argv[0])
    env = {k: values.expand(v) for k, v in action.env.items()}
    for key, value in env.items():
        if "\n" in value or "\r" in value or "\0" in value:
            raise TemplateError(f"env {key}: value contains a line break or NUL")
    if any("\0" in item for item in argv):
        raise TemplateError("argv contains a NUL character")
    return Expanded(
        argv=argv,
        env=env,
        cwd=values.expand(action.cwd) if action.cwd else None,
        expected_color=values.expand(action.expect_color) if action.expect_color else None,
        typed_target=values.expand(action.typed_target) if action.confirm == "typed" else None,
        uses_color=uses_color,
    )
