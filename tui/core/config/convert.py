"""Turn parsed TOML into frozen dataclasses, strictly.

`build(Cls, data, ctx)` checks types, rejects unknown keys with a suggestion, requires fields
without defaults and runs per-field checks (`field(metadata={"check": fn})`, where `fn(value)`
returns an error message or None) and a class hook `_check(self) -> list[(key, message)]` for
rules spanning several fields. Every problem is collected in `ctx` with its key path and line,
so one run reports them all. TOML keys equal field names; `metadata={"key": "other"}` renames.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from .errors import ConfigIssue
from .toml_lines import LineIndex

T = TypeVar("T")
_INVALID = object()


@dataclass
class Ctx:
    """Where issues are collected while a config is built."""

    lines: LineIndex
    secret_paths: set[str] = field(default_factory=set)
    issues: list[ConfigIssue] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.issues.append(ConfigIssue(path, message, self.lines.line_of(path)))

    def shown(self, path: str, value: object) -> str:
        """A value for an error message; values that came from `${VAR}` are never echoed."""
        if path in self.secret_paths:
            return "(value from an environment variable, not shown)"
        return repr(value)


def check(fn: Callable[[Any], str | None], **extra: Any) -> dict[str, Any]:
    """Metadata for `field()`: a validator returning an error message or None."""
    return {"check": fn, **extra}


def build(cls: type[T], data: Any, ctx: Ctx, path: str = "") -> T:
    """Build dataclass `cls` from a TOML table at `path`. Returns a partial object on errors."""
    value = _convert(cls, data, ctx, path)
    return value  # type: ignore[return-value]


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if origin in (tuple, list):
        return "an array"
    if origin is dict or dataclasses.is_dataclass(tp):
        return "a table"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    return str(tp)


def _convert(tp: Any, value: Any, ctx: Ctx, path: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _convert(args[0], value, ctx, path)
        for arg in args:  # first type that accepts the value without errors
            trial = Ctx(ctx.lines, ctx.secret_paths)
            result = _convert(arg, value, trial, path)
            if not trial.issues:
                return result
        ctx.error(path, "expected " + " or ".join(_type_name(a) for a in args))
        return _INVALID
    if origin is Literal:
        choices = get_args(tp)
        if value not in choices:
            hint = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            listed = ", ".join(repr(c) for c in choices)
            ctx.error(path, f"must be one of {listed}, got {ctx.shown(path, value)}{extra}")
            return _INVALID
        return value
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            ctx.error(path, f"expected a table, got {_toml_type(value)}")
            return _INVALID
        return _build_dataclass(tp, value, ctx, path)
    if origin in (tuple, list):
        if not isinstance(value, list):
            ctx.error(path, f"expected an array, got {_toml_type(value)}")
            return _INVALID
        (item_type, *_rest) = get_args(tp) or (Any,)
        return tuple(_convert(item_type, v, ctx, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            ctx.error(path, f"expected a table, got {_toml_type(value)}")
            return _INVALID
        _key_type, item_type = get_args(tp)
        return {k: _convert(item_type, v, ctx, _child(path, k)) for k, v in value.items()}
    if tp is Any:
        return value
    return _scalar(tp, value, ctx, path)


def _scalar(tp: Any, value: Any, ctx: Ctx, path: str) -> Any:
    ok = (
        (tp is bool and isinstance(value, bool))
        or (tp is int and isinstance(value, int) and not isinstance(value, bool))
        or (tp is float and isinstance(value, int | float) and not isinstance(value, bool))
        or (tp is str and isinstance(value, str))
    )
    if not ok:
        ctx.error(path, f"expected {_type_name(tp)}, got {_toml_type(value)}")
        return _INVALID
    return float(value) if tp is float else value


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _internal(key: str) -> bool:
    """Keys the loader adds itself (``__source__``, ``__base_dir__``): never named to users."""
    return key.startswith("__") and key.endswith("__")


def _build_dataclass(cls: Any, data: dict[str, Any], ctx: Ctx, path: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    by_key = {f.metadata.get("key", f.name): f for f in fields}
    for key in data:
        if key not in by_key:
            public = sorted(k for k in by_key if not _internal(k))
            hint = difflib.get_close_matches(key, public, n=1, cutoff=0.6)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            known = ", ".join(public)
            ctx.error(_child(path, key), f"unknown key{extra}; known keys here: {known}")
    kwargs: dict[str, Any] = {}
    broken = False
    for key, f in by_key.items():
        sub = _child(path, key)
        if key not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                ctx.error(sub, "is required but missing")
                broken = True
            continue
        before = len(ctx.issues)
        value = _convert(hints[f.name], data[key], ctx, sub)
        if value is _INVALID or len(ctx.issues) > before:
            broken = True
            continue
        validator = f.metadata.get("check")
        message = validator(value) if validator else None
        if message:
            ctx.error(sub, message)
            broken = True
            continue
        kwargs[f.name] = value
    if broken:
        return _INVALID
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        ctx.error(path, str(exc))
        return _INVALID
    hook = getattr(obj, "_check", None)
    if hook is not None:
        for key, message in hook():
            ctx.error(_child(path, key) if key else path, message)
    return obj
