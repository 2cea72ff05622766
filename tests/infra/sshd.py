"""A real OpenSSH server on 127.0.0.1 with temp keys, known_hosts and authorized_keys."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.infra.common import free_port

SSHD = "/usr/sbin/sshd"


@dataclass
class SshServer:
    """Where the test sshd listens and the temp files a client needs."""

    host: str
    port: int
    user: str
    client_key_path: Path
    known_hosts_path: Path
    host_key_path: Path
    wrong_known_hosts_path: Path
    empty_known_hosts_path: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def connect_kwargs(self, **overrides: Any) -> dict[str, Any]:
        """Keyword args for ``asyncssh.connect`` verifying the host key (override as needed)."""
        kwargs: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "username": self.user,
            "client_keys": [str(self.client_key_path)],
            "known_hosts": str(self.known_hosts_path),
            "agent_path": None,
            "config": None,
            "connect_timeout": 10,
        }
        kwargs.update(overrides)
        return kwargs

    def ssh_argv(self, *remote: str, known_hosts: Path | None = None) -> list[str]:
        """An OpenSSH client argv (BatchMode, strict host key checking) running ``remote``."""
        return [
            "ssh", "-F", "/dev/null", "-p", str(self.port), "-i", str(self.client_key_path),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={known_hosts or self.known_hosts_path}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
            f"{self.user}@{self.host}", *remote,
        ]


def _keygen(path: Path, comment: str) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True, stdin=subprocess.DEVNULL, capture_output=True,
    )
    return " ".join(path.with_name(path.name + ".pub").read_text().split()[:2])


def missing_reason() -> str | None:
    """Why a test sshd cannot run here, or None."""
    if not os.path.exists(SSHD):
        return f"{SSHD} missing (apt openssh-server); run bash scripts/test.sh"
    if shutil.which("ssh-keygen") is None:
        return "ssh-keygen missing (apt openssh-client)"
    if os.geteuid() != 0:
        return "sshd privilege separation needs root"
    return None


def _banner(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as s:
            s.settimeout(2)
            return s.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def start_sshd(tmp: Path, attempts: int = 5) -> SshServer:
    """Generate keys/config under ``tmp`` and start ``sshd -D -e``; wait for the SSH banner."""
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    host_key = tmp / "ssh_host_ed25519_key"
    client_key = tmp / "id_ed25519"
    wrong_key = tmp / "wrong_host_ed25519_key"
    host_pub = _keygen(host_key, "warroom-test-host")
    client_pub = _keygen(client_key, "warroom-test-client")
    wrong_pub = _keygen(wrong_key, "warroom-test-wrong-host")
    auth = tmp / "authorized_keys"
    auth.write_text(client_pub + "\n")
    auth.chmod(0o600)
    empty = tmp / "known_hosts.empty"
    empty.write_text("")
    log = tmp / "sshd.log"
    user = getpass.getuser()
    last_err = ""
    for _ in range(attempts):
        port = free_port()
        known = tmp / "known_hosts"
        known.write_text(f"[127.0.0.1]:{port} {host_pub}\n")
        wrong = tmp / "known_hosts.wrong"
        wrong.write_text(f"[127.0.0.1]:{port} {wrong_pub}\n")
        cfg = tmp / "sshd_config"
        cfg.write_text(
            "\n".join([
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"AuthorizedKeysFile {auth}",
                f"PidFile {tmp / 'sshd.pid'}",
                "StrictModes no",
                "UsePAM no",
                "PermitRootLogin yes",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "AllowStreamLocalForwarding yes",
                "AllowTcpForwarding yes",
                "PermitTTY yes",
                "MaxSessions 50",
                "MaxStartups 50:30:100",
                "LogLevel VERBOSE",
                "Subsystem sftp internal-sftp",
                "",
            ])
        )
        logf = open(log, "ab")  # noqa: SIM115 - handed to the child, closed below
        proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(cfg)],
            stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, start_new_session=True,
        )
        logf.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if _banner("127.0.0.1", port):
                return SshServer(
                    host="127.0.0.1", port=port, user=user, client_key_path=client_key,
                    known_hosts_path=known, host_key_path=host_key,
                    wrong_known_hosts_path=wrong, empty_known_hosts_path=empty,
                    log_path=log, process=proc,
                )
            time.sleep(0.05)
        stop_sshd_process(proc)
        last_err = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"sshd did not start after {attempts} attempts:\n{last_err}")


def stop_sshd_process(proc: subprocess.Popen[bytes] | None) -> None:
    """Terminate the sshd we started (and its session children)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
