"""Start, find and stop the demo production: blue, green and a router, on loopback.

`start_demo(dir)` returns a `DemoEnv` owning the processes (one process group) and the
directory lock; `running_demo(dir)` finds a demo some other process owns. With
`monitoring=True` Prometheus and Alertmanager join it when installed (`tui.demo.monitoring`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import files
from .monitoring import NAMES as MONITORING
from .monitoring import start_monitoring

DEFAULT_PORTS = {"router": 8080, "blue": 8090, "green": 8190}
BUILDS = {"blue": "3f9c2e1", "green": "8d41b7a"}
INITIAL_ACTIVE = "green"
"""The story: green was just deployed (blue is the previous color, the rollback target)."""
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class DemoError(Exception):
    """The demo could not start (message says why)."""


class DemoRunning(DemoError):
    """Another process already runs a demo in this directory."""

    def __init__(self, info: DemoEnv) -> None:
        super().__init__(f"a demo is already running in {info.dir} (pid {info.owner_pid})")
        self.info = info


def default_dir() -> Path:
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    return Path(base) / "warroom-demo"  # the shipped config.toml points here too


@dataclass
class DemoEnv:
    """A running demo: where everything is. `processes` is empty when not the owner."""

    dir: Path
    ports: dict[str, int]
    builds: dict[str, str] = field(default_factory=lambda: dict(BUILDS))
    owner_pid: int = 0
    messages: list[str] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _lock_fd: int | None = None

    @property
    def owner(self) -> bool:
        return bool(self.processes)

    def url(self, name: str, path: str = "/health.php") -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def path(self, name: str) -> Path:
        return self.dir / name

    def script(self, name: str) -> Path:
        return self.dir / files.BIN / name

    def active(self) -> str | None:
        return files.read_kv(self.dir / files.STATE).get("active")

    def describe(self) -> str:
        lines = [f"demo production in {self.dir}"]
        for name in ("router", "blue", "green"):
            label = "router (Apache)" if name == "router" else f"api-{name}"
            lines.append(f"  {label:<16} {self.url(name)}")
        for name in MONITORING:
            if name in self.ports:
                lines.append(f"  {name:<16} {self.url(name, '/')}")
        lines += [
            f"  state file       {self.path(files.STATE)}  (active={self.active()})",
            f"  apache include   {self.path(files.APACHE_INCLUDE)}",
            f"  log              {self.path(files.LOG)}",
            f"  scripts          {self.script('bluegreen.sh')} status|rollback [--detach]|logs",
            f"                   {self.script('maintenance.sh')} on|off|status",
            f"  config           {self.path(files.CONFIG)}",
        ]
        return "\n".join(lines)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every process this demo started (the whole group), then release the lock."""
        procs = list(self.processes.values())
        if procs:
            pgid = procs[0].pid
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            for proc in procs:
                try:
                    proc.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)  # anything left in the group
            self.processes.clear()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> DemoEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def running_demo(demo_dir: Path) -> DemoEnv | None:
    """The demo another process runs in `demo_dir`, or None (decided by the dir lock)."""
    lock = demo_dir / files.LOCK
    if not lock.exists():
        return None
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        info = files.read_kv(demo_dir / files.PORTS)
        ports = {n: int(info.get(f"{n.upper()}_PORT", "0")) for n in DEFAULT_PORTS}
        ports |= {n: int(info[f"{n.upper()}_PORT"]) for n in MONITORING
                  if info.get(f"{n.upper()}_PORT", "").isdigit()}
        builds = {c: info.get(f"{c.upper()}_BUILD", BUILDS[c]) for c in files.COLORS}
        return DemoEnv(demo_dir, ports, builds, int(info.get("OWNER_PID", "0")))
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def start_demo(
    demo_dir: Path | str | None = None,
    ports: dict[str, int] | None = None,
    *,
    chatter: float = 3.0,
    traffic: float = 0.0,
    monitoring: bool = False,
    say: Callable[[str], None] = print,
) -> DemoEnv:
    """Start a fresh demo in `demo_dir`; raise DemoRunning if one runs there already.

    `ports` overrides DEFAULT_PORTS per name (0 = any free port); a taken port is replaced
    by a free one, and `say` is told (the sentence is also kept in `DemoEnv.messages`).
    `traffic`: public requests a second the router sends itself; `monitoring`: start
    Prometheus and Alertmanager when installed (else `say` how to get them).
    """
    demo_dir = Path(demo_dir or default_dir())
    demo_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if demo_dir.stat().st_uid != os.getuid():
        raise DemoError(f"{demo_dir} belongs to another user; choose another with --dir")
    lock_fd = os.open(demo_dir / files.LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(lock_fd)
        info = running_demo(demo_dir)
        raise DemoRunning(info or DemoEnv(demo_dir, dict(DEFAULT_PORTS))) from None
    env = DemoEnv(demo_dir, {}, owner_pid=os.getpid(), _lock_fd=lock_fd)
    sockets: dict[str, socket.socket] = {}
    try:
        _clean(demo_dir)
        wanted = {**DEFAULT_PORTS, **(ports or {})}
        for name, port in wanted.items():
            sockets[name], note = _bind(name, port)
            env.ports[name] = sockets[name].getsockname()[1]
            if note:
                env.messages.append(note)
                say(note)
        _write_files(env)
        _spawn(env, sockets, chatter, traffic)
        _wait_ready(env)
        if monitoring:
            _start_monitoring(env, say)
    except BaseException:
        env.stop()
        raise
    finally:
        for s in sockets.values():
            s.close()
    files.append_log(demo_dir, "deploy", "INFO",
                     f"demo production up: active={INITIAL_ACTIVE} build={BUILDS[INITIAL_ACTIVE]}")
    return env


def _clean(demo_dir: Path) -> None:
    for name in files.KNOWN:
        (demo_dir / name).unlink(missing_ok=True)


def _bind(name: str, port: int) -> tuple[socket.socket, str | None]:
    def listen(p: int) -> socket.socket:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # a demo restarted at once finds its ports in TIME_WAIT: take them anyway, so the
        # shipped config.toml (which names them) still reads this demo
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.set_inheritable(True)
        try:
            s.bind(("127.0.0.1", p))
            s.listen(64)
        except BaseException:
            s.close()
            raise
        return s

    try:
        return listen(port), None
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise
    s = listen(0)
    return s, f"port {port} ({name}) is taken; using {s.getsockname()[1]} instead"


def _write_files(env: DemoEnv) -> None:
    d, active = env.dir, INITIAL_ACTIVE
    other = next(c for c in files.COLORS if c != active)
    files.write_kv(d / files.STATE, {
        "active": active, "status": "success", "phase": "live",
        "updated_at": files.utc_iso(), "previous": other,
    })
    files.write_atomic(d / files.APACHE_INCLUDE, f"Define API_PORT {env.ports[active]}\n")
    files.write_kv(d / files.DB_FLAGS, {"db_maintenance": "0"})
    info = {f"{n.upper()}_PORT": str(p) for n, p in env.ports.items()}
    info |= {f"{c.upper()}_BUILD": b for c, b in env.builds.items()}
    files.write_kv(d / files.PORTS, {**info, "PYTHON": sys.executable,
                                    "OWNER_PID": str(env.owner_pid)})
    (d / files.LOG).touch()
    (d / files.BIN).mkdir(exist_ok=True)
    for script in files.SCRIPTS:
        target = d / files.BIN / script
        shutil.copyfile(Path(__file__).with_name(script), target)
        target.chmod(0o755)


def _start_monitoring(env: DemoEnv, say: Callable[[str], None]) -> None:
    start_monitoring(env, say)
    extra = {f"{n.upper()}_PORT": str(env.ports[n]) for n in MONITORING if n in env.ports}
    if extra:
        files.write_kv(env.dir / files.PORTS, files.read_kv(env.dir / files.PORTS) | extra)


def _spawn(env: DemoEnv, sockets: dict[str, socket.socket], chatter: float,
           traffic: float = 0.0) -> None:
    child_env = {**os.environ, "PYTHONPATH": _pythonpath(), "PYTHONDONTWRITEBYTECODE": "1"}
    pgid = 0
    for name, sock in sockets.items():
        argv = [sys.executable, "-m", "tui.demo.service", "--dir", str(env.dir),
                "--fd", str(sock.fileno()), "--parent-pid", str(os.getpid()),
                "--chatter", str(chatter)]
        argv += ["--router", "--traffic", str(traffic)] if name == "router" else [
            "--color", name, "--build", env.builds[name]]
        with open(env.dir / files.SERVICE_ERRORS, "ab") as errors:  # never onto the TUI
            proc = subprocess.Popen(argv, pass_fds=(sock.fileno(),), env=child_env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=errors, process_group=pgid)
        pgid = pgid or proc.pid
        env.processes[name] = proc


def _pythonpath() -> str:
    old = os.environ.get("PYTHONPATH")
    return f"{PACKAGE_ROOT}{os.pathsep}{old}" if old else str(PACKAGE_ROOT)


def _wait_ready(env: DemoEnv, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    for name, proc in env.processes.items():
        while True:
            if proc.poll() is not None:
                tail = (env.dir / files.SERVICE_ERRORS).read_text(errors="replace")[-400:]
                raise DemoError(f"demo service {name} exited with code {proc.returncode}"
                                + (f":\n{tail}" if tail else ""))
            try:
                with urllib.request.urlopen(env.url(name), timeout=1.0):
                    break
            except urllib.error.HTTPError:
                break  # it answered
            except OSError:
                if time.monotonic() > deadline:
                    raise DemoError(f"demo service {name} did not answer") from None
                time.sleep(0.05)
