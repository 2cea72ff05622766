"""One shared, verified SSH connection per configured host, reused by probes and actions.

`SshPool` keeps at most one asyncssh connection per host name (a per-host lock makes
concurrent callers share it), reconnects when it dropped, verifies host keys strictly against
the host's own known_hosts file (an unknown or changed key is refused with a message naming
the fingerprint and the `ssh-keygen -F` command to check), uses the host's identity files
and/or the agent, and applies its connect timeout and keepalives.

`run()` executes an argv remotely: every item is quoted with `shlex.join`, never spliced. Env
values are not put on the command line (where `ps` would show them, and where the server's
`AcceptEnv` would silently drop them): the remote shell reads them from stdin with
`IFS= read -r NAME` and exports them, then `exec`s the argv. The first output line carries the
remote shell's pid; a timeout or cancel kills that process group (`kill -TERM -- -PID`, then
`-KILL`) over a second channel of the same connection and closes the channel.
`forward_docker()` forwards a private local unix socket to the host's docker socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from probes.command import MAX_OUTPUT, CommandOutput, OnOutput, supervise
from tui.core.attempts import RunResult
from tui.core.config.schema import Host

if TYPE_CHECKING:
    import asyncssh  # imported for real on first use: it costs ~170 ms at start-up


_PID_MARK = "__warroom_pid="
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KILL_GRACE = 2.0
"""Seconds between SIGTERM and SIGKILL when a run is stopped."""


class SshError(Exception):
    """A connection or remote execution problem, with a message fit for the user."""


class HostKeyError(SshError):
    """The server's host key is unknown or does not match known_hosts: nothing was sent."""




@dataclass
class _HostState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    conn: asyncssh.SSHClientConnection | None = None
    connects: int = 0
    forward_path: str | None = None
    forward_listener: Any = None
    forward_conn: Any = None


def _client(seen: dict[str, str], on_lost: Callable[[], None]) -> Any:
    """An SSHClient that records the key the server offered, so a refusal can name its
    fingerprint (the class is built on first use, with asyncssh)."""
    import asyncssh

    class _Client(asyncssh.SSHClient):
        def validate_host_public_key(self, host: str, addr: str, port: int, key: Any) -> bool:
            seen["fingerprint"] = key.get_fingerprint("sha256")
            seen["algorithm"] = key.get_algorithm()
            return False  # only known_hosts decides

        def connection_lost(self, exc: Exception | None) -> None:
            on_lost()

    return _Client()


def known_hosts_name(address: str, port: int) -> str:
    """How OpenSSH names the host in known_hosts (`[addr]:port` off port 22)."""
    return address if port == 22 else f"[{address}]:{port}"


class SshPool:
    """Connections keyed by host name. Call `close_all()` on exit."""

    def __init__(
        self, hosts: Mapping[str, Host], resolve: Callable[[str], Path] | None = None
    ) -> None:
        self.hosts = dict(hosts)
        self._resolve = resolve or (lambda p: Path(p).expanduser())
        self._state: dict[str, _HostState] = {}
        self._tmpdir: str | None = None

    # -- connections ------------------------------------------------------------------
    def _host(self, name: str) -> Host:
        host = self.hosts.get(name)
        if host is None:
            raise SshError(f"unknown host {name!r} (configured: {', '.join(self.hosts) or 'none'})")
        return host

    def connects(self, name: str) -> int:
        """How many connections were opened to `name` so far (1 when reuse works)."""
        state = self._state.get(name)
        return state.connects if state else 0

    async def connection(self, name: str) -> asyncssh.SSHClientConnection:
        """The live connection to host `name`, opening (or re-opening) it if needed."""
        host = self._host(name)
        state = self._state.setdefault(name, _HostState())
        async with state.lock:
            if state.conn is not None and not state.conn.is_closed():
                return state.conn
            state.conn = None
            state.forward_path = None
            state.conn = await self._connect(name, host, state)
            state.connects += 1
            return state.conn

    async def _connect(
        self, name: str, host: Host, state: _HostState
    ) -> asyncssh.SSHClientConnection:
        import asyncssh

        known = self._resolve(host.known_hosts)
        target = known_hosts_name(host.address, host.port)
        if not known.is_file():
            raise HostKeyError(
                f"{name}: known_hosts file {known} does not exist; add the host key first "
                f"(verify it out of band, then: ssh-keyscan -p {host.port} {host.address} "
                f">> {known})"
            )
        seen: dict[str, str] = {}

        def lost() -> None:
            if state.conn is not None and state.conn.is_closed():
                state.conn = None

        options: dict[str, Any] = {
            "port": host.port,
            "known_hosts": str(known),
            "connect_timeout": host.connect_timeout,
            "keepalive_interval": host.keepalive_interval,
            "keepalive_count_max": 3,
            "config": [],
            "client_factory": lambda: _client(seen, lost),
        }
        if host.user:
            options["username"] = host.user
        if host.identity_files:
            options["client_keys"] = [str(self._resolve(p)) for p in host.identity_files]
        if not host.agent:
            options["agent_path"] = None
        try:
            conn = await asyncssh.connect(host.address, **options)
        except asyncssh.HostKeyNotVerifiable:
            raise HostKeyError(_host_key_message(name, host, known, target, seen)) from None
        except asyncssh.PermissionDenied as exc:
            raise SshError(
                f"{name}: authentication refused for user {host.user or '(default)'} "
                f"({exc.reason}); check identity_files / agent"
            ) from None
        except TimeoutError:
            raise SshError(
                f"{name}: no SSH answer from {target} within {host.connect_timeout:g} s"
            ) from None
        except (OSError, asyncssh.Error) as exc:
            reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
            raise SshError(f"{name}: cannot connect to {target}: {reason}") from None
        return conn

    async def close_all(self) -> None:
        """Close every connection and forward (idempotent)."""
        for state in self._state.values():
            if state.forward_listener is not None:
                state.forward_listener.close()
                state.forward_listener = None
            if state.conn is not None:
                state.conn.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(state.conn.wait_closed(), 5)
                state.conn = None
            state.forward_path = None
        if self._tmpdir:
            for entry in Path(self._tmpdir).iterdir():
                with contextlib.suppress(OSError):
                    entry.unlink()
            with contextlib.suppress(OSError):
                os.rmdir(self._tmpdir)
            self._tmpdir = None

    # -- docker socket forward -----------------------------------------------------------
    async def forward_docker(self, name: str) -> str:
        """A local unix socket path forwarded to the host's docker socket (kept while alive)."""
        host = self._host(name)
        conn = await self.connection(name)
        state = self._state[name]
        async with state.lock:
            if state.forward_path and state.forward_conn is conn and os.path.exists(
                state.forward_path
            ):
                return state.forward_path
            if state.forward_listener is not None:
                state.forward_listener.close()
            if self._tmpdir is None:
                self._tmpdir = tempfile.mkdtemp(prefix="warroom-ssh-")  # mode 0700
            path = os.path.join(self._tmpdir, f"docker-{len(os.listdir(self._tmpdir))}.sock")
            state.forward_listener = await conn.forward_local_path(path, host.docker_socket)
            state.forward_path, state.forward_conn = path, conn
            return path

    # -- remote commands ----------------------------------------------------------------
    async def run(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        on_output: OnOutput | None = None,
        cwd: str | None = None,
        cancel: asyncio.Event | None = None,
        on_pid: Callable[[int], Any] | None = None,
    ) -> RunResult:
        """Run `argv` on host `name`, streaming output; stop at `timeout` or when `cancel` is set.

        Raises SshError when the connection cannot be made. Cancelling the calling task also
        kills the remote process group before re-raising.
        """
        import asyncssh

        command, stdin = build_remote_command(argv, env, cwd)
        conn = await self.connection(name)
        started = time.monotonic()
        result = RunResult(exit_status=None)
        try:
            proc = await conn.create_process(command, encoding="utf-8", errors="replace")
        except (OSError, asyncssh.Error) as exc:
            raise SshError(f"{name}: cannot open a session: {exc}") from None
        proc.stdin.write(stdin)
        proc.stdin.write_eof()
        got_pid = asyncio.Event()

        async def pump(stream: Any, label: str) -> None:
            first = label == "stdout"
            async for line in stream:
                if first:
                    first = False
                    if line.startswith(_PID_MARK):
                        with contextlib.suppress(ValueError):
                            result.pid = int(line[len(_PID_MARK):].strip())
                            if on_pid:
                                on_pid(result.pid)
                        got_pid.set()
                        continue
                if on_output:
                    on_output(label, line)

        pumps = asyncio.gather(pump(proc.stdout, "stdout"), pump(proc.stderr, "stderr"))
        try:
            exited = await supervise(proc.wait_closed(), lambda: self._kill(conn, result.pid, proc),
                                     result, timeout=timeout, cancel=cancel, pumps=pumps,
                                     started=started)
        finally:
            proc.close()
        if exited:
            result.exit_status = proc.exit_status
            result.signal = (proc.exit_signal or (None,))[0]
        return result

    async def command(self, name: str, argv: tuple[str, ...], timeout: float) -> CommandOutput:
        """`probes.color.RemoteRunner`: run to completion, output captured (bounded)."""
        chunks: list[str] = []
        size = 0

        def keep(_stream: str, text: str) -> None:
            nonlocal size
            if size < MAX_OUTPUT:
                chunks.append(text)
                size += len(text)

        try:
            result = await self.run(name, argv, timeout=timeout, on_output=keep)
        except SshError as exc:
            return CommandOutput(None, "", error=str(exc))
        if result.timed_out:
            return CommandOutput(None, "", timed_out=True, error=f"timeout after {timeout:.1f} s")
        return CommandOutput(result.exit_status, "".join(chunks)[:MAX_OUTPUT])

    async def _kill(self, conn: asyncssh.SSHClientConnection, pid: int | None, proc: Any) -> None:
        """TERM, then KILL, the remote process group; then close the channel."""
        with contextlib.suppress(Exception):
            proc.send_signal("TERM")
        if pid:
            script = (
                f"kill -TERM -- -{pid} 2>/dev/null || kill -TERM {pid} 2>/dev/null; "
                f"i=0; while kill -0 -- -{pid} 2>/dev/null && [ $i -lt {int(KILL_GRACE * 10)} ];"
                f" do sleep 0.1; i=$((i+1)); done; kill -KILL -- -{pid} 2>/dev/null; true"
            )
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.run(script, check=False), KILL_GRACE + 5)
        proc.close()


def build_remote_command(
    argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None
) -> tuple[str, str]:
    """The remote shell command and the stdin carrying env values (one per line).

    Env names must be identifiers and values may not contain newlines; nothing from `argv`,
    `env` or `cwd` is ever interpreted by the remote shell.
    """
    if not argv:
        raise ValueError("empty argv")
    parts = [f"printf '{_PID_MARK}%s\\n' \"$$\""]
    lines = []
    for key, value in (env or {}).items():
        if not _NAME.fullmatch(key):
            raise ValueError(f"invalid environment variable name {key!r}")
        if "\n" in value or "\r" in value:
            raise ValueError(f"environment value of {key} contains a newline")
        parts.append(f"IFS= read -r {key} && export {key}")
        lines.append(value + "\n")
    if cwd:
        parts.append(f"cd -- {shlex.quote(cwd)}")
    parts.append("exec " + shlex.join(list(argv)))
    return " && ".join(parts), "".join(lines)


def _host_key_message(name: str, host: Host, known: Path, target: str, seen: dict[str, str]) -> str:
    import asyncssh

    offered = seen.get("fingerprint", "(unknown fingerprint)")
    alg = seen.get("algorithm", "")
    try:
        listed = asyncssh.match_known_hosts(str(known), host.address, host.address, host.port)[0]
    except Exception:  # unreadable or malformed file: treat as no entry
        listed = []
    check = f"ssh-keygen -F '{target}' -f {known} -l"
    if listed:
        expected = ", ".join(dict.fromkeys(k.get_fingerprint("sha256") for k in listed))
        return (
            f"{name}: HOST KEY CHANGED for {target}: the server offered {alg} {offered} but "
            f"{known} lists {expected}. This may be an attack; refusing to connect. Confirm the "
            f"new key with the host's owner, then check with: {check} "
            f"(remove the stale entry with ssh-keygen -R '{target}' -f {known})"
        )
    return (
        f"{name}: unknown host key for {target}: the server offered {alg} {offered}, which is "
        f"not in {known}; refusing to connect. Verify the fingerprint out of band, add the key "
        f"to {known}, then check with: {check}"
    )
