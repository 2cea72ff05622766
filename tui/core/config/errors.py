"""Config errors that name the file, the key path and the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ConfigIssue:
    """One problem found in a config file."""

    key: str
    message: str
    line: int | None = None

    def render(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line else file
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class ConfigError(Exception):
    """Raised when a config cannot be used. Holds every issue found, with file and line."""

    def __init__(self, file: str, issues: list[ConfigIssue]) -> None:
        self.file = file
        self.issues = issues
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(issue.render(self.file) for issue in self.issues)
