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


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a `KEY=VALUE` env file (comments, blank lines, `export`, quotes allowed)."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(extra or {})
    env.update(os.environ)  # the process environment wins over env files
    return env
