"""The demo directory: file names, break/heal control files, the shared log, atomic writes.

Everything here is plain stdlib so the service processes import it cheaply.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from ..core.config.interpolate import parse_key_values

COLORS = ("blue", "green")
DEPENDENCIES = ("database", "redis", "queue")
MODES = (*DEPENDENCIES, "down", "reset", "slow", "html")
"""Break modes: a dependency name fails that dependency (HTTP 503 + ERROR logs); `down`
answers 503 to everything; `reset` aborts connections; `slow` adds 2.5 s; `html` answers
200 with an HTML error page where JSON is expected."""

STATE = "state"
APACHE_INCLUDE = "apache/api-port.conf"
LOG = "app.log"
MAINT_FLAG = "maintenance.flag"
DB_FLAGS = "db_flags"
PORTS = "demo.env"
LOCK = "demo.lock"
CONFIG = "warroom.toml"
SERVICE_ERRORS = "services.err"
BIN = "bin"
SCRIPTS = ("bluegreen.sh", "maintenance.sh")
KNOWN = (STATE, APACHE_INCLUDE, LOG, MAINT_FLAG, DB_FLAGS, PORTS, CONFIG, SERVICE_ERRORS,
         *(f"break-{c}" for c in COLORS), *(f"{BIN}/{s}" for s in SCRIPTS))


def utc_stamp(t: float | None = None) -> str:
    """UTC ISO 8601 with milliseconds and a Z, as every demo log line starts."""
    t = time.time() if t is None else t
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z"


def utc_iso(t: float | None = None) -> str:
    """UTC ISO 8601 to the second (state file `updated_at`)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if t is None else t))


def write_atomic(path: Path, text: str) -> None:
    """Write a temp file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def append_log(demo_dir: Path, source: str, level: str, message: str) -> None:
    """Append one line to app.log with O_APPEND (one write per line: processes interleave
    whole lines)."""
    line = f"{utc_stamp()} [{source}] {level.upper():<5} {message}\n"
    fd = os.open(demo_dir / LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8", "replace"))
    finally:
        os.close(fd)


def read_kv(path: Path) -> dict[str, str]:
    """A key=value file (comments and blank lines ignored); {} when missing."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return parse_key_values(text)


def write_kv(path: Path, values: dict[str, str]) -> None:
    write_atomic(path, "".join(f"{k}={v}\n" for k, v in values.items()))


def break_mode(demo_dir: Path, color: str) -> str | None:
    """The break mode of `color` (None when healthy); read on every request."""
    try:
        mode = (demo_dir / f"break-{color}").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return mode if mode in MODES else ("down" if mode else None)


def break_color(demo_dir: str | Path, color: str, mode: str = "redis") -> str:
    """Break `color` in the demo at `demo_dir`; returns a sentence saying what was done."""
    demo_dir = Path(demo_dir)
    if color not in COLORS:
        raise ValueError(f"unknown color {color!r} (one of {', '.join(COLORS)})")
    if mode not in MODES:
        raise ValueError(f"unknown break mode {mode!r} (one of {', '.join(MODES)})")
    write_atomic(demo_dir / f"break-{color}", mode + "\n")
    append_log(demo_dir, "chaos", "WARN", f"{color} broken on purpose: mode={mode}")
    return f"{color} broken (mode {mode})"


def heal_color(demo_dir: str | Path, color: str | None = None) -> str:
    """Heal `color` (or every color when None); returns a sentence saying what was done."""
    demo_dir = Path(demo_dir)
    colors = COLORS if color is None else (color,)
    if color is not None and color not in COLORS:
        raise ValueError(f"unknown color {color!r} (one of {', '.join(COLORS)})")
    healed = [c for c in colors if (demo_dir / f"break-{c}").exists()]
    for c in colors:
        (demo_dir / f"break-{c}").unlink(missing_ok=True)
    for c in healed:
        append_log(demo_dir, "chaos", "INFO", f"{c} healed")
    return f"healed {', '.join(healed)}" if healed else "nothing was broken"


def maintenance_layers(demo_dir: Path) -> tuple[bool, bool]:
    """(file gate on, database flag on)."""
    gate = (demo_dir / MAINT_FLAG).exists()
    db = read_kv(demo_dir / DB_FLAGS).get("db_maintenance", "0") == "1"
    return gate, db


def live_port(demo_dir: Path) -> int | None:
    """The port in the Apache include (`Define API_PORT 8090`)."""
    try:
        text = (demo_dir / APACHE_INCLUDE).read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "Define" and parts[1] == "API_PORT":
            return int(parts[2]) if parts[2].isdigit() else None
    return None
