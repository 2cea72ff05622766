"""`${VAR}` and `${VAR:-default}` in config strings; `$${` is a literal `${`.

Values may be secrets: callers record which key paths were interpolated so that error
messages never echo them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .convert import Ctx

_VAR = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def interpolate(data: Any, env: Mapping[str, str], ctx: Ctx, path: str = "") -> Any:
    """Return `data` with variables expanded, recording issues and secret paths in `ctx`."""
    if isinstance(data, dict):
        return {
            k: interpolate(v, env, ctx, f"{path}.{k}" if path else k) for k, v in data.items()
        }
    if isinstance(data, list):
        return [interpolate(v, env, ctx, f"{path}[{i}]") for i, v in enumerate(data)]
    if not isinstance(data, str) or "$" not in data:
        return data

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name, default = match.group(1), match.group(2)
        ctx.secret_paths.add(path)
        if name in env:
            return env[name]
        if default is not None:
            return default
        ctx.error(path, f"environment variable ${{{name}}} is not set")
        return ""

    return _VAR.sub(replace, data)


def parse_key_values(text: str, names_only: bool = False) -> dict[str, str]:
    """`KEY=VALUE` lines: comments, blank lines, `export ` and surrounding quotes allowed.
    The one parser for env files, deploy state files and the demo's flag files;
    `names_only` keeps just keys that are valid variable names (env files)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").strip().partition("=")
        key, value = key.strip(), value.strip()
        if not sep or (names_only and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key)):
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a `KEY=VALUE` env file."""
    return parse_key_values(path.read_text(encoding="utf-8", errors="replace"), names_only=True)


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(extra or {})
    env.update(os.environ)  # the process environment wins over env files
    return env
