"""Temp TLS material from the openssl CLI: a CA, valid and expired leaves, a self-signed cert."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost"


@dataclass(frozen=True)
class TlsMaterial:
    """PEM files: trust ``ca_cert`` for ``valid``/``expired``; ``self_signed`` trusts itself."""

    ca_cert: Path
    ca_key: Path
    valid_cert: Path
    valid_key: Path
    expired_cert: Path
    expired_key: Path
    self_signed_cert: Path
    self_signed_key: Path

    def pair(self, kind: str) -> tuple[Path, Path]:
        """(cert, key) for kind ``valid`` | ``expired`` | ``self_signed``."""
        return getattr(self, f"{kind}_cert"), getattr(self, f"{kind}_key")

    def trust_file(self, kind: str) -> Path:
        """The CA file a client should trust to accept a server of ``kind`` (except expiry)."""
        return self.self_signed_cert if kind == "self_signed" else self.ca_cert


def openssl_available() -> bool:
    """True when the openssl CLI is installed."""
    return shutil.which("openssl") is not None


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)


def _key(path: Path, cwd: Path) -> None:
    _run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-out", str(path), cwd=cwd)


def _ca_config(d: Path) -> Path:
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    cfg = d / "ca.cnf"
    cfg.write_text(
        "[ca]\ndefault_ca = tca\n"
        "[tca]\n"
        f"dir = {d}\ndatabase = $dir/index.txt\nserial = $dir/serial\n"
        "new_certs_dir = $dir\ncertificate = $dir/ca.pem\nprivate_key = $dir/ca.key\n"
        "default_md = sha256\npolicy = pol\nunique_subject = no\ncopy_extensions = copy\n"
        "email_in_dn = no\n"
        "[pol]\ncommonName = supplied\n"
        "[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
        "extendedKeyUsage = serverAuth\n" + SAN + "\n"
    )
    return cfg


def make_tls_material(d: Path) -> TlsMaterial:
    """Generate all certificates into directory ``d`` (a few hundred ms)."""
    d.mkdir(parents=True, exist_ok=True)
    m = TlsMaterial(
        ca_cert=d / "ca.pem", ca_key=d / "ca.key",
        valid_cert=d / "valid.pem", valid_key=d / "valid.key",
        expired_cert=d / "expired.pem", expired_key=d / "expired.key",
        self_signed_cert=d / "self.pem", self_signed_key=d / "self.key",
    )
    for key in (m.ca_key, m.valid_key, m.expired_key, m.self_signed_key):
        _key(key, d)
    _run("req", "-x509", "-new", "-key", str(m.ca_key), "-out", str(m.ca_cert), "-days", "30",
         "-subj", "/CN=warroom test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    _run("req", "-x509", "-new", "-key", str(m.self_signed_key), "-out", str(m.self_signed_cert),
         "-days", "30", "-subj", "/CN=127.0.0.1", "-addext", SAN, cwd=d)
    cfg = _ca_config(d)
    for kind, dates in (
        ("valid", ["-days", "30"]),
        ("expired", ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]),
    ):
        cert, key = m.pair(kind)
        csr = d / f"{kind}.csr"
        _run("req", "-new", "-key", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1", cwd=d)
        _run("ca", "-batch", "-config", str(cfg), "-extensions", "leaf", "-in", str(csr),
             "-out", str(cert), "-notext", *dates, cwd=d)
    return m
