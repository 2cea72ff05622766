"""Suite-wide fixtures over REAL components (see tests/infra/*).

With ``CI=true`` a missing component FAILS the test (``require``); locally it skips.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.infra import alertmanager as infra_am
from tests.infra import docker as infra_docker
from tests.infra.common import require
from tests.infra.http import HttpServer
from tests.infra.sshd import SshServer, missing_reason, start_sshd, stop_sshd_process
from tests.infra.tls import TlsMaterial, make_tls_material, openssl_available
from tests.infra.tmux import TmuxSession, tmux_available

_MARKERS_BY_FIXTURE = {
    "docker_client": "docker", "fixture_image": "docker", "container_factory": "docker",
    "sshd": "sshd", "tmux_session": "tmux", "alertmanager_factory": "alertmanager",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by the real components they use, so ``-m "not docker"`` works."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            marker = _MARKERS_BY_FIXTURE.get(fixture)
            if marker and not item.get_closest_marker(marker):
                item.add_marker(getattr(pytest.mark, marker))


@dataclass(frozen=True)
class XdgDirs:
    """The per-test XDG directories (already exported in ``os.environ``)."""

    state: Path
    config: Path
    runtime: Path


@pytest.fixture(scope="session", autouse=True)
def _session_isolation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point XDG_* at temp dirs and drop WARROOM_CONFIG for the whole session."""
    base = tmp_path_factory.mktemp("xdg-session")
    mp = pytest.MonkeyPatch()
    for var, sub in (("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_RUNTIME_DIR", "runtime")):
        (base / sub).mkdir(mode=0o700)
        mp.setenv(var, str(base / sub))
    mp.delenv("WARROOM_CONFIG", raising=False)
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def xdg_dirs(tmp_path_factory: pytest.TempPathFactory,
             monkeypatch: pytest.MonkeyPatch) -> XdgDirs:
    """Fresh XDG_STATE_HOME / XDG_CONFIG_HOME / XDG_RUNTIME_DIR for every test (autouse)."""
    base = tmp_path_factory.mktemp("xdg")
    dirs = XdgDirs(base / "state", base / "config", base / "runtime")
    for var, path in (("XDG_STATE_HOME", dirs.state), ("XDG_CONFIG_HOME", dirs.config),
                      ("XDG_RUNTIME_DIR", dirs.runtime)):
        path.mkdir(mode=0o700)
        monkeypatch.setenv(var, str(path))
    monkeypatch.delenv("WARROOM_CONFIG", raising=False)
    return dirs


# --- Docker -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def docker_client() -> Iterator[Any]:
    """A docker SDK client for the real engine; starts dockerd (as root) if none answers."""
    require("docker SDK", _importable("docker"), "python package 'docker' missing")
    client = infra_docker.make_client()
    if client is None:
        ok, why = infra_docker.start_dockerd()
        require("Docker Engine", ok, why)
        client = infra_docker.make_client()
        require("Docker Engine", client is not None, "dockerd started but does not answer")
    yield client
    client.close()


@pytest.fixture(scope="session")
def fixture_image(docker_client: Any) -> str:
    """Tag of the busybox image (built once ``FROM scratch``, reused if the tag exists)."""
    require("busybox-static", os.path.exists(infra_docker.BUSYBOX),
            f"{infra_docker.BUSYBOX} missing (apt busybox-static)")
    infra_docker.ensure_fixture_image(docker_client)
    return infra_docker.FIXTURE_IMAGE


@pytest.fixture
def container_factory(docker_client: Any, fixture_image: str) -> Iterator[
        infra_docker.ContainerFactory]:
    """Callable making uniquely named host-network containers; all force-removed afterwards."""
    factory = infra_docker.ContainerFactory(docker_client, fixture_image)
    yield factory
    factory.cleanup()


# --- SSH ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """A real OpenSSH server on 127.0.0.1:<free port> with temp keys and known_hosts files."""
    why = missing_reason()
    require("sshd", why is None, why or "")
    server = start_sshd(tmp_path_factory.mktemp("sshd"))
    yield server
    stop_sshd_process(server.process)


# --- tmux ---------------------------------------------------------------------------------


@pytest.fixture
def tmux_session() -> Iterator[Callable[..., TmuxSession]]:
    """Factory ``(cmd=None, *, width=80, height=24, env=None, cwd=None, term=...)``.

    With ``cmd`` the session is started; without, call ``.start(...)`` yourself. All sessions
    (private tmux servers) are killed at teardown.
    """
    require("tmux", tmux_available(), "tmux not installed (apt tmux)")
    sessions: list[TmuxSession] = []

    def make(cmd: list[str] | str | None = None, *, term: str = "screen-256color",
             **start_kwargs: Any) -> TmuxSession:
        session = TmuxSession(term=term)
        sessions.append(session)
        if cmd is not None:
            session.start(cmd, **start_kwargs)
        return session

    yield make
    for session in sessions:
        session.kill()


# --- HTTP / HTTPS -------------------------------------------------------------------------


@pytest.fixture
def alertmanager_factory(tmp_path: Path) -> Iterator[Callable[[], infra_am.Alertmanager]]:
    """Start real Alertmanagers (each its own port and storage); stopped after the test."""
    require("prometheus-alertmanager", infra_am.available() is not None,
            "binary not installed (apt-get install prometheus-alertmanager)")
    started: list[infra_am.Alertmanager] = []

    def make() -> infra_am.Alertmanager:
        am = infra_am.start_alertmanager(tmp_path / f"am{len(started)}")
        started.append(am)
        return am

    yield make
    for am in started:
        am.stop()


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    """Temp CA + valid, expired (CA-signed) and self-signed certs for 127.0.0.1/localhost."""
    require("openssl", openssl_available(), "openssl CLI missing (apt openssl)")
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def http_server_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., HttpServer]]:
    """Factory ``(tls=None | "valid" | "expired" | "self_signed") -> HttpServer``; stops all.

    TLS servers carry ``.ca_file``: the file a client must trust (the temp CA, or the
    self-signed cert itself).
    """
    servers: list[HttpServer] = []

    def make(tls: str | None = None) -> HttpServer:
        if tls is None:
            server = HttpServer()
        else:
            material: TlsMaterial = request.getfixturevalue("tls_material")
            cert, key = material.pair(tls)
            server = HttpServer(cert, key, ca_file=material.trust_file(tls))
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def http_server(http_server_factory: Callable[..., HttpServer]) -> HttpServer:
    """A plain HTTP server on 127.0.0.1 (routes via ``.route(path, behaviour)``)."""
    return http_server_factory()


@pytest.fixture
def https_server(http_server_factory: Callable[..., HttpServer]) -> HttpServer:
    """An HTTPS server with a valid cert from a temp CA; trust ``.ca_file``."""
    return http_server_factory("valid")


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


