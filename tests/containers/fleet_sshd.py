"""Many SSH hosts on loopback for the fleet tests and `benchmarks/bench_fleet.py`.

`FleetSshd(n)` runs real OpenSSH servers answering on `n` distinct addresses 127.0.0.10,
127.0.0.11 … (Linux routes all of 127/8 to lo), one port shared, at most 15 addresses per
sshd process (sshd listens on 16 sockets at most); one host key, one client key, one
known_hosts line per address. `dead(n)` opens loopback listeners that complete the TCP
handshake (the kernel's backlog) and never say a word: an SSH client waits for a banner that
never comes. `hosts_toml()` writes the `[hosts.*]` entries of a config.
"""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import time
from pathlib import Path

from tests.infra.sshd import SSHD, _banner, _keygen, stop_sshd_process

PER_SSHD = 15
FIRST = 10


def _free_port(addresses: list[str]) -> int:
    """A port free on every address (one bound socket per address, closed after)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            for address in addresses:
                with socket.socket() as s:
                    s.bind((address, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no port free on every loopback address")


class FleetSshd:
    """`n` SSH hosts on 127.0.0.10+i, all on `port`; `close()` stops every sshd."""

    def __init__(self, tmp: Path, n: int) -> None:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        tmp.mkdir(parents=True, exist_ok=True)
        self.tmp = tmp
        self.user = getpass.getuser()
        self.addresses = [f"127.0.0.{FIRST + i}" for i in range(n)]
        host_key = tmp / "ssh_host_ed25519_key"
        self.client_key = tmp / "id_ed25519"
        host_pub = _keygen(host_key, "warroom-fleet-host")
        client_pub = _keygen(self.client_key, "warroom-fleet-client")
        auth = tmp / "authorized_keys"
        auth.write_text(client_pub + "\n")
        auth.chmod(0o600)
        self.port = _free_port(self.addresses)
        self.known_hosts = tmp / "known_hosts"
        self.known_hosts.write_text("".join(f"[{a}]:{self.port} {host_pub}\n"
                                            for a in self.addresses))
        self.logs: list[Path] = []
        self.procs: list[subprocess.Popen[bytes]] = []
        for start in range(0, n, PER_SSHD):
            chunk = self.addresses[start:start + PER_SSHD]
            index = start // PER_SSHD
            cfg = tmp / f"sshd_config.{index}"
            cfg.write_text("\n".join([
                *(f"ListenAddress {a}:{self.port}" for a in chunk),
                f"HostKey {host_key}", f"AuthorizedKeysFile {auth}",
                f"PidFile {tmp / f'sshd.{index}.pid'}", "StrictModes no", "UsePAM no",
                "PermitRootLogin yes", "PubkeyAuthentication yes",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "AllowStreamLocalForwarding yes", "AllowTcpForwarding yes",
                "MaxSessions 100", "MaxStartups 200:30:400", "LogLevel VERBOSE", "",
            ]))
            log = tmp / f"sshd.{index}.log"
            with open(log, "ab") as logf:
                self.procs.append(subprocess.Popen(
                    [SSHD, "-D", "-e", "-f", str(cfg)], stdin=subprocess.DEVNULL,
                    stdout=logf, stderr=logf, start_new_session=True))
            self.logs.append(log)
        deadline = time.monotonic() + 15
        for address in self.addresses:
            while not _banner(address, self.port):
                if time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(f"fleet sshd not answering on {address}:{self.port}")
                time.sleep(0.05)

    def close(self) -> None:
        for proc in self.procs:
            stop_sshd_process(proc)

    def accepted(self) -> dict[str, int]:
        """TCP connections sshd took per local address, from its logs (LogLevel VERBOSE:
        "Connection from A port P on ADDRESS port PORT"), less the one readiness probe
        each address got at start."""
        counts = dict.fromkeys(self.addresses, -1)
        for log in self.logs:
            for line in log.read_text(errors="replace").splitlines():
                if "Connection from " in line and " on " in line:
                    local = line.split(" on ", 1)[1].split()[0]
                    if local in counts:
                        counts[local] += 1
        return counts

    def logins(self) -> int:
        """Logins sshd accepted ("Accepted publickey"), every address together."""
        return sum(log.read_text(errors="replace").count("Accepted publickey")
                   for log in self.logs)

    def established(self) -> dict[str, int]:
        """ESTABLISHED TCP connections to each address's sshd port (`ss -tn`)."""
        out = subprocess.run(["ss", "-tnH", "state", "established"], capture_output=True,
                             text=True, check=False).stdout
        targets = {f"{a}:{self.port}": a for a in self.addresses}
        counts: dict[str, int] = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[-1] in targets:  # the client's side: peer = sshd
                counts[targets[parts[-1]]] = counts.get(targets[parts[-1]], 0) + 1
        return counts

    def hosts_toml(self, names: list[str], connect_timeout: float = 5) -> str:
        return "".join(
            f'[hosts.{name}]\naddress = "{address}"\nport = {self.port}\nuser = "{self.user}"\n'
            f'known_hosts = "{self.known_hosts}"\nidentity_files = ["{self.client_key}"]\n'
            f"agent = false\nconnect_timeout = {connect_timeout}\n"
            for name, address in zip(names, self.addresses, strict=False))


def dead(n: int) -> list[socket.socket]:
    """`n` listeners on 127.0.0.1 that never accept() nor speak (close them after)."""
    out = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        out.append(s)
    return out


def dead_toml(names: list[str], listeners: list[socket.socket], known_hosts: Path,
              connect_timeout: float = 5) -> str:
    return "".join(
        f'[hosts.{name}]\naddress = "127.0.0.1"\nport = {s.getsockname()[1]}\n'
        f'known_hosts = "{known_hosts}"\nagent = false\nconnect_timeout = {connect_timeout}\n'
        for name, s in zip(names, listeners, strict=True))
