"""The drill-down on one container: a bounded, sanitized summary of `docker inspect`, the
sections the detail screen shows, and the progress of an action until the engine confirms it.

Plain data (no I/O): `from_inspect(host, info, image)` turns the engine's inspect dicts into a
`ContainerDetail`; every text is `one_line`-sanitized and cut, every list bounded. The
environment keeps NAMES only: values (secrets) are never read into it. A detail is shown as
generic `Section`s of `Field`s (a subject with sections), so another subject — a Swarm service —
can use the same screen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.docker_model import ContainerRow, parse_time, stepped_bytes, stepped_duration
from tui.core.logline import ERROR, NORMAL, SEQ, WARN, LogLine
from tui.core.sanitize import clip, one_line

MAX_TEXT = 300
"""Longest command, entrypoint or error shown."""
MAX_ITEM = 160
MAX_ENV, MAX_LABELS, MAX_PORTS, MAX_MOUNTS, MAX_NETWORKS = 64, 24, 32, 32, 16
HEALTH_PROBES = 5
"""The last health probe outputs kept (newest last)."""
MAX_PROBE_OUTPUT = 200
TAIL_LINES = 200
"""Lines fetched on open when no logs source follows the container."""


def _s(value: Any, limit: int = MAX_ITEM) -> str:
    return str(clip(one_line(str(value)), limit)) if value is not None else ""


def _bounded(items: Iterable[str], limit: int) -> tuple[tuple[str, ...], int]:
    """At most `limit` items, and how many there were."""
    listed = list(items)
    return tuple(listed[:limit]), len(listed)


@dataclass(frozen=True, slots=True)
class Field:
    """One line of a section: a label and its value; `tone` is "", "ok", "warn" or "bad"."""

    label: str
    value: str
    tone: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class HealthProbe:
    """One healthcheck run: when it started, its exit code, its output (one line, cut)."""

    start: dt.datetime | None
    exit_code: int | None
    output: str


@dataclass(frozen=True, slots=True)
class ContainerDetail:
    """`docker inspect` of one container, bounded and sanitized (env: names only)."""

    host: str
    name: str
    id: str
    image: str
    image_id: str
    image_created: dt.datetime | None
    command: str
    entrypoint: str
    ports: tuple[str, ...]
    mounts: tuple[str, ...]
    env_names: tuple[str, ...]
    env_total: int
    restart_policy: str
    restart_count: int
    state: str
    exit_code: int | None
    oom_killed: bool
    error: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    health: str | None
    failing_streak: int
    health_log: tuple[HealthProbe, ...]
    labels: tuple[tuple[str, str], ...]
    labels_total: int
    networks: tuple[str, ...]
    network_mode: str

    def sections(self, now: dt.datetime) -> list[Section]:
        """The inspect summary as sections (the live state is `live_section`)."""
        when = _when(now)
        state = [
            Field("state", self.state, "ok" if self.state == "running" else "bad"),
            Field("started", when(self.started_at)),
            Field("finished", when(self.finished_at)),
            Field("last exit", "-" if self.exit_code is None else str(self.exit_code),
                  "bad" if self.exit_code else ""),
            Field("OOM killed", "YES" if self.oom_killed else "no",
                  "bad" if self.oom_killed else ""),
            Field("restarts", str(self.restart_count), "warn" if self.restart_count else ""),
            Field("restart policy", self.restart_policy),
        ]
        if self.error:
            state.append(Field("error", self.error, "bad"))
        health = [Field("status", self.health or "no healthcheck",
                        {"healthy": "ok", "unhealthy": "bad", "starting": "warn"}
                        .get(self.health or "", ""))]
        if self.health is not None:
            health.append(Field("failing streak", str(self.failing_streak),
                                "bad" if self.failing_streak else ""))
        for probe in reversed(self.health_log):  # newest first
            stamp = probe.start.strftime("%H:%M:%S") if probe.start else "?"
            code = "?" if probe.exit_code is None else str(probe.exit_code)
            health.append(Field(f"{stamp} exit {code}", probe.output or "(no output)",
                                "bad" if probe.exit_code else ""))
        image = [Field("image", self.image), Field("id", self.image_id or "?"),
                 Field("created", when(self.image_created))]
        run = [Field("command", self.command or "-")]
        if self.entrypoint:
            run.append(Field("entrypoint", self.entrypoint))
        return [
            Section("State", tuple(state)),
            Section("Health", tuple(health)),
            Section("Image", tuple(image + run)),
            Section("Ports", _list(self.ports, "none")),
            Section("Mounts", _list(self.mounts, "none")),
            Section("Networks", (Field("mode", self.network_mode or "-"),
                                 *_list(self.networks, "none"))),
            Section(f"Environment (names only, {self.env_total})",
                    _list(self.env_names, "none", self.env_total)),
            Section(f"Labels ({self.labels_total})",
                    (tuple(Field(k, v) for k, v in self.labels) or (Field("", "none"),))
                    + _more(len(self.labels), self.labels_total)),
        ]


def _when(now: dt.datetime) -> Callable[[dt.datetime | None], str]:
    def when(moment: dt.datetime | None) -> str:
        if moment is None:
            return "-"
        ago = stepped_duration((now - moment).total_seconds())[0]  # repainted rarely
        return f"{moment.strftime('%Y-%m-%d %H:%M:%S UTC')} ({ago} ago)"
    return when


def _more(shown: int, total: int) -> tuple[Field, ...]:
    return (Field("", f"… and {total - shown} more", "warn"),) if total > shown else ()


def _list(items: tuple[str, ...], empty: str, total: int | None = None) -> tuple[Field, ...]:
    if not items:
        return (Field("", empty),)
    return tuple(Field("", item) for item in items) + _more(len(items), total or len(items))


def live_section(row: ContainerRow | None, now: dt.datetime) -> Section:
    """What the containers panel knows now: state, health, uptime, CPU and memory (units)."""
    if row is None:
        return Section("Now", (Field("state", "no longer watched (gone, or renamed)", "bad"),))
    mem = stepped_bytes(row.mem_bytes)
    if row.mem_bytes is not None and row.mem_limit:
        mem += f" of {stepped_bytes(row.mem_limit)} ({row.mem_bytes * 100 // row.mem_limit}%)"
    cpu = "-" if row.cpu_pct is None else f"{row.cpu_pct:.1f}%"
    state = row.state + (f" (exit {row.exit_code})" if row.exit_code is not None
                         and row.state != "running" else "")
    return Section("Now", (
        Field("state", state, "ok" if row.state == "running" else "bad"),
        Field("health", row.health or "-", {"healthy": "ok", "unhealthy": "bad",
                                            "starting": "warn"}.get(row.health or "", "")),
        Field("uptime", row.uptime(now)),
        Field("cpu", cpu),
        Field("memory", mem),
        Field("restarts", str(row.restart_count), "warn" if row.restart_count else ""),
    ))


# -- from the engine's answer ---------------------------------------------------------------
def _argv(value: Any) -> str:
    if isinstance(value, list):
        return _s(" ".join(str(v) for v in value), MAX_TEXT)
    return _s(value, MAX_TEXT) if value else ""


def _ports(info: Mapping[str, Any]) -> tuple[str, ...]:
    """Published ports (`NetworkSettings.Ports`), else the configured bindings (a container
    on the host network publishes none: its own ports are the host's)."""
    published = (info.get("NetworkSettings") or {}).get("Ports") or {}
    bindings = published if any(published.values()) else \
        (info.get("HostConfig") or {}).get("PortBindings") or {}
    out = []
    for port, binds in sorted(bindings.items()):
        if not binds:
            out.append(f"{_s(port)} (not published)")
            continue
        for bind in binds[:4]:
            host = f"{bind.get('HostIp') or '0.0.0.0'}:{bind.get('HostPort') or '?'}"
            out.append(f"{_s(host)} → {_s(port)}")
    exposed = (info.get("Config") or {}).get("ExposedPorts") or {}
    out += [f"{_s(p)} (exposed)" for p in sorted(exposed) if p not in bindings]
    return tuple(out)


def _mounts(info: Mapping[str, Any]) -> tuple[str, ...]:
    out = []
    for mount in info.get("Mounts") or []:
        source = mount.get("Name") if mount.get("Type") == "volume" else mount.get("Source")
        mode = "rw" if mount.get("RW") else "ro"
        out.append(f"{_s(source) or '?'} → {_s(mount.get('Destination')) or '?'} "
                   f"({mode}, {_s(mount.get('Type')) or '?'})")
    return tuple(out)


_ENV_NAME = re.compile(r"[^=]*")


def _env_names(config: Mapping[str, Any]) -> list[str]:
    """The NAMES of the environment: everything from the first `=` on is never kept."""
    names = []
    for entry in config.get("Env") or []:
        match = _ENV_NAME.match(str(entry))
        names.append(_s(match.group(0) if match else "?", 80))
    return sorted(names)


def _health(state: Mapping[str, Any]) -> tuple[str | None, int, tuple[HealthProbe, ...]]:
    health = state.get("Health")
    if not isinstance(health, Mapping):
        return None, 0, ()
    log = [p for p in health.get("Log") or [] if isinstance(p, Mapping)][-HEALTH_PROBES:]
    probes = tuple(HealthProbe(parse_time(p.get("Start")),
                               p.get("ExitCode") if isinstance(p.get("ExitCode"), int) else None,
                               _s((p.get("Output") or "").strip(), MAX_PROBE_OUTPUT))
                   for p in log)
    return (_s(health.get("Status")) or None, int(health.get("FailingStreak") or 0), probes)


def _restart_policy(host_config: Mapping[str, Any]) -> str:
    policy = host_config.get("RestartPolicy") or {}
    name = _s(policy.get("Name")) or "no"
    retries = policy.get("MaximumRetryCount") or 0
    return f"{name} (max {retries})" if name == "on-failure" and retries else name


def from_inspect(host: str, info: Mapping[str, Any], image: Mapping[str, Any] | None = None
                 ) -> ContainerDetail:
    """A `ContainerDetail` from `docker inspect <container>` (and `<image>`, for its date)."""
    config = info.get("Config") or {}
    state = info.get("State") or {}
    host_config = info.get("HostConfig") or {}
    health, streak, probes = _health(state)
    env, env_total = _bounded(_env_names(config), MAX_ENV)
    ports, _ = _bounded(_ports(info), MAX_PORTS)
    mounts, _ = _bounded(_mounts(info), MAX_MOUNTS)
    labels_all = sorted((config.get("Labels") or {}).items())
    networks, _ = _bounded(sorted(_s(n) for n in (info.get("NetworkSettings") or {})
                                  .get("Networks") or {}), MAX_NETWORKS)
    running = state.get("Status") == "running"
    command = _argv(config.get("Cmd")) if config.get("Cmd") else \
        _argv([info.get("Path") or "", *(info.get("Args") or [])])
    image_id = str(info.get("Image") or "").removeprefix("sha256:")
    return ContainerDetail(
        host=_s(host), name=_s(str(info.get("Name") or "?").lstrip("/")),
        id=_s(str(info.get("Id") or "")[:12]),
        image=_s(config.get("Image") or image_id[:12] or "?"),
        image_id=_s(image_id[:12]),
        image_created=parse_time((image or {}).get("Created")),
        command=command, entrypoint=_argv(config.get("Entrypoint")),
        ports=ports, mounts=mounts, env_names=env, env_total=env_total,
        restart_policy=_restart_policy(host_config),
        restart_count=int(info.get("RestartCount") or 0),
        state=_s(state.get("Status") or "unknown"),
        exit_code=None if running else state.get("ExitCode"),
        oom_killed=bool(state.get("OOMKilled")),
        error=_s(state.get("Error") or "", MAX_TEXT),
        started_at=parse_time(state.get("StartedAt")),
        finished_at=None if running else parse_time(state.get("FinishedAt")),
        health=health, failing_streak=streak, health_log=probes,
        labels=tuple((_s(k, 80), _s(v)) for k, v in labels_all[:MAX_LABELS]),
        labels_total=len(labels_all), networks=networks,
        network_mode=_s(host_config.get("NetworkMode") or ""),
    )


# -- logs fetched on open --------------------------------------------------------------------
def tail_lines(pairs: Iterable[tuple[float, str]], tag: str, error: re.Pattern[str],
               warn: re.Pattern[str]) -> list[LogLine]:
    """`LogLine`s from (timestamp, sanitized text) pairs, classified like the hub's."""
    out = []
    for when, text in pairs:
        level = ERROR if error.search(text) else WARN if warn.search(text) else NORMAL
        out.append(LogLine(next(SEQ), when, tag, text, level))
    return out


# -- an action until the engine confirms it -------------------------------------------------
PROGRESS = {"restart": "restarting", "stop": "stopping", "start": "starting"}
DONE = {"restart": "restarted", "stop": "stopped", "start": "started"}
CONFIRM_WITHIN = 90.0
"""Seconds after which an action the engine never confirmed is reported as such."""


@dataclass(frozen=True, slots=True)
class ActionProgress:
    """An action asked for at `since` (monotonic seconds) on a container that looked like
    `before`; confirmed when the containers snapshot shows its effect."""

    action: str
    since: float
    before: ContainerRow | None
    failed: str | None = None

    def confirmed(self, row: ContainerRow | None) -> bool:
        if row is None:
            return False
        if self.action == "stop":
            return row.state in ("exited", "dead", "created")
        if row.state != "running" or row.started_at is None:
            return False
        old = self.before.started_at if self.before is not None else None
        return old is None or row.started_at > old

    def describe(self, row: ContainerRow | None, now: float) -> tuple[str, str, bool]:
        """(text, tone, finished): "restarting… 3 s", then "restarted: running" or why not."""
        elapsed = max(0, int(now - self.since))
        if self.failed is not None:
            return f"{self.action} failed: {self.failed}", "bad", True
        if self.confirmed(row):
            assert row is not None
            return f"{DONE.get(self.action, self.action)}: {row.state} " \
                   f"(confirmed by the engine in {elapsed} s)", "ok", True
        if elapsed > CONFIRM_WITHIN:
            state = row.state if row is not None else "gone"
            return f"{self.action}: not confirmed after {elapsed} s (now {state})", "bad", True
        return f"{PROGRESS.get(self.action, self.action)}… {elapsed} s", "warn", False
