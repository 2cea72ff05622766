"""Find, read and validate a config file. Errors name the file, key path and line."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path

from .convert import Ctx, build
from .errors import ConfigError, ConfigIssue
from .interpolate import environment, interpolate, read_env_file
from .schema import Config
from .toml_lines import LineIndex
from .validate import config_issues

MAX_CONFIG_BYTES = 2_000_000


def search_paths(explicit: str | None = None, env: Mapping[str, str] | None = None) -> list[Path]:
    """Where a config is looked for, in order: --config, $WARROOM_CONFIG, ./, XDG."""
    env = os.environ if env is None else env
    if explicit:
        return [Path(explicit)]
    if env.get("WARROOM_CONFIG"):
        return [Path(env["WARROOM_CONFIG"])]
    xdg = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [Path("config.toml"), xdg / "warroom" / "config.toml"]


def find_config(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    candidates = search_paths(explicit, env)
    for path in candidates:
        if path.is_file():
            return path
    if explicit or len(candidates) == 1:
        raise ConfigError(str(candidates[0]), [ConfigIssue("", "no such file")])
    tried = ", ".join(str(p) for p in candidates)
    raise ConfigError(str(candidates[0]), [ConfigIssue("", f"no config found (tried {tried})")])


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate `path`. Raises ConfigError listing every problem found."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(name, [ConfigIssue("", f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(name, [ConfigIssue("", "file is too large to be a config")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, [ConfigIssue("", f"not UTF-8 text ({exc.reason})")]) from None
    return parse_config(text, name, Path(path).resolve().parent, env)


def parse_config(
    text: str, name: str = "<config>", base_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(name, [_decode_issue(exc)]) from None
    ctx = Ctx(LineIndex(text))
    base = base_dir or Path.cwd()
    extra = _env_files(data, base, ctx)
    values = environment(extra) if env is None else {**extra, **env}
    data = interpolate(data, values, ctx)
    if ctx.issues:
        raise ConfigError(name, ctx.issues)
    data["__source__"] = name
    data["__base_dir__"] = str(base)
    config = build(Config, data, ctx)
    if isinstance(config, Config):  # built (not broken): the rules across sections
        for key, message in config_issues(config):
            ctx.error(key, message)
    if ctx.issues:
        raise ConfigError(name, ctx.issues)
    return config


def _decode_issue(exc: tomllib.TOMLDecodeError) -> ConfigIssue:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    line = int(match.group(1)) if match else None
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
    return ConfigIssue("", f"invalid TOML: {message}", line)


def _env_files(data: dict[str, object], base: Path, ctx: Ctx) -> dict[str, str]:
    files = data.get("env_files", [])
    if not isinstance(files, list):
        return {}
    values: dict[str, str] = {}
    for i, item in enumerate(files):
        if not isinstance(item, str):
            continue
        path = Path(item).expanduser()
        path = path if path.is_absolute() else base / path
        try:
            values.update(read_env_file(path))
        except OSError as exc:
            ctx.error(f"env_files[{i}]", f"cannot read {path}: {exc.strerror}")
    return values


def permission_warnings(config: Config) -> list[str]:
    """Warnings for a config or env file that other users can read (it may hold secrets)."""
    warnings = []
    for p in [Path(config.source), *(config.path(f) for f in config.env_files)]:
        try:
            mode = p.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRGRP | stat.S_IROTH) and p.suffix != ".toml":
            warnings.append(f"{p} is readable by other users (chmod 600 it: it may hold secrets)")
        elif mode & stat.S_IWOTH:
            warnings.append(f"{p} is writable by other users")
    return warnings
