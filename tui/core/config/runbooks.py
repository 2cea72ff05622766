"""Schema of `[runbooks]`: Markdown or plain-text runbooks shown as checklists.

```toml
[runbooks]
paths = ["runbooks/", "../ops/INCIDENT_RUNBOOK.md"]   # files or folders (.md, .markdown,
                                                      # .txt), relative to this config file
max_bytes = 2_000_000                                 # a bigger file is refused, not read
[runbooks.actions]                                    # optional: step text regex → action
"(?i)roll ?back" = "rollback"
"(?i)maintenance (mode )?on" = "maintenance-on"
```
A step can also name its action in the file: `<!-- warroom: action=rollback -->` on the step's
line or the line after it. A linked step shows the action's key and preflight; Enter starts the
action's usual arm/confirm flow. Commands in runbooks are never run, only copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import checks
from .convert import check

if TYPE_CHECKING:
    from .schema import Config


def _patterns(values: dict[str, str]) -> str | None:
    return checks.regexes(tuple(values))


@dataclass(frozen=True)
class RunbooksConfig:
    paths: tuple[str, ...] = field(metadata=check(checks.non_empty))
    actions: dict[str, str] = field(default_factory=dict, metadata=check(_patterns))
    max_bytes: int = field(default=2_000_000, metadata=check(checks.positive))


def runbook_issues(config: Config) -> list[tuple[str, str]]:
    """Paths that do not exist; mapped action names that are not configured."""
    section = config.runbooks
    if section is None:
        return []
    issues = []
    for i, value in enumerate(section.paths):
        if not config.path(value).exists():
            issues.append((f"runbooks.paths[{i}]", f"no such file or folder: "
                           f"{config.path(value)}"))
    names = {a.name for a in config.actions}
    for pattern, name in section.actions.items():
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            issues.append((f"runbooks.actions.{pattern}", f"no action named {name!r} "
                           f"(actions: {known})"))
    return issues
