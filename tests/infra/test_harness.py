"""Self-tests of the harness: every real component starts and behaves as advertised."""

from __future__ import annotations

import asyncio
import os
import ssl

import asyncssh
import httpx
import pytest

from tests.infra.common import free_port
from tests.infra.docker import FIXTURE_IMAGE, daemon_env, wait_health, wait_status
from tests.infra.http import (
    Custom,
    Fixed,
    Hang,
    Huge,
    InvalidUtf8,
    Json,
    RedirectLoop,
    Reset,
    Slow,
)

# --- docker -------------------------------------------------------------------------------


@pytest.mark.docker
def test_fixture_image_runs_echo(docker_client, fixture_image, container_factory):
    assert fixture_image == FIXTURE_IMAGE
    c = container_factory(["echo", "hello from busybox"], name="echo")
    assert c.name.startswith(container_factory.prefix)
    assert c.labels["warroom.test.run"] == container_factory.run_id
    wait_status(c, "exited", timeout=20)
    assert c.wait(timeout=20)["StatusCode"] == 0
    assert c.logs().decode().strip() == "hello from busybox"


@pytest.mark.docker
def test_applets_and_shell_work(container_factory):
    c = container_factory("seq 1 3 | cat; printf '%s\\n' ok; sleep 0; wget --help >/dev/null 2>&1;"
                          " httpd --help >/dev/null 2>&1; echo done")
    assert c.wait(timeout=20)["StatusCode"] == 0
    assert c.logs().decode().split() == ["1", "2", "3", "ok", "done"]


@pytest.mark.docker
def test_container_healthcheck_unhealthy(container_factory):
    c = container_factory(["sleep", "60"], name="sick", healthcheck="exit 1",
                          stop_signal="SIGKILL")
    assert wait_health(c, "unhealthy", timeout=30) == "unhealthy"


@pytest.mark.docker
def test_busybox_httpd_on_host_network(container_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    c = container_factory(["httpd", "-f", "-p", f"127.0.0.1:{port}", "-h", "/var/www"],
                          name="web", healthcheck=["wget", "-q", "-O", "/dev/null", url])
    assert wait_health(c, "healthy", timeout=30) == "healthy"
    assert httpx.get(url, timeout=5).text == "ok\n"


@pytest.mark.docker
def test_container_factory_removes_containers(docker_client, fixture_image):
    from tests.infra.docker import ContainerFactory

    factory = ContainerFactory(docker_client, fixture_image)
    factory(["sleep", "60"], stop_signal="SIGKILL")
    factory.cleanup()
    left = docker_client.containers.list(
        all=True, filters={"label": f"warroom.test.run={factory.run_id}"})
    assert left == []


# --- sshd ---------------------------------------------------------------------------------


@pytest.mark.sshd
async def test_sshd_accepts_with_known_hosts(sshd):
    async with asyncssh.connect(**sshd.connect_kwargs()) as conn:
        result = await conn.run("echo ssh-ok", check=True, timeout=10)
    assert result.stdout.strip() == "ssh-ok"


@pytest.mark.sshd
@pytest.mark.parametrize("which", ["wrong_known_hosts_path", "empty_known_hosts_path"])
async def test_sshd_refuses_unknown_host_key(sshd, which):
    with pytest.raises(asyncssh.HostKeyNotVerifiable):
        await asyncssh.connect(**sshd.connect_kwargs(known_hosts=str(getattr(sshd, which))))


@pytest.mark.sshd
async def test_openssh_client_and_known_hosts_lines(sshd):
    line = sshd.known_hosts_path.read_text()
    assert line.startswith(f"[127.0.0.1]:{sshd.port} ssh-ed25519 ")
    assert sshd.wrong_known_hosts_path.read_text().split()[2] != line.split()[2]
    proc = await asyncio.create_subprocess_exec(
        *sshd.ssh_argv("echo", "cli-ok"), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err
    assert out.decode().strip() == "cli-ok"


@pytest.mark.docker
@pytest.mark.sshd
async def test_docker_over_ssh_unix_forward(sshd, docker_client, tmp_path):
    import docker

    if os.environ.get("DOCKER_HOST"):
        pytest.skip("remote docker socket path unknown with DOCKER_HOST set")
    local = tmp_path / "docker.sock"
    async with asyncssh.connect(**sshd.connect_kwargs()) as conn:
        listener = await conn.forward_local_path(str(local), "/var/run/docker.sock")
        try:
            # The SDK client does blocking I/O even in its constructor: build it off the loop
            # that serves the forward.
            def ping() -> bool:
                client = docker.DockerClient(base_url=f"unix://{local}", timeout=10)
                try:
                    return bool(client.ping())
                finally:
                    client.close()

            assert await asyncio.to_thread(ping)
        finally:
            listener.close()


# --- tmux ---------------------------------------------------------------------------------


@pytest.mark.tmux
def test_tmux_start_capture_resize(tmux_session):
    s = tmux_session(["sh", "-c", 'echo "TERM=$TERM MARK=$MARK"; stty size; exec cat'],
                     width=80, height=24, env={"MARK": "m1"})
    screen = s.wait_for("MARK=m1", timeout=10)
    assert "TERM=screen-256color" in screen
    s.wait_for("24 80", timeout=10)
    assert s.size() == (80, 24)
    assert len(s.capture().splitlines()) <= 24
    s.send_keys("typed-text", literal=True)
    s.send_keys("Enter")
    s.wait_for("typed-text\ntyped-text", timeout=10)
    s.resize(100, 30)
    assert s.size() == (100, 30)
    s.send_keys("C-c")
    assert s.wait_exit(timeout=10) != 0


@pytest.mark.tmux
def test_tmux_clean_env_and_escapes(tmux_session):
    os.environ["WRTEST_LEAK"] = "leaked"
    try:
        s = tmux_session("printf '\\033[31mRED\\033[0m leak=%s\\n' \"$WRTEST_LEAK\"; exit 3")
        assert s.wait_exit(timeout=10) == 3
    finally:
        del os.environ["WRTEST_LEAK"]
    assert s.capture().splitlines()[0] == "RED leak="
    assert "\x1b[31m" in s.capture(escapes=True)


# --- http ---------------------------------------------------------------------------------

T = httpx.Timeout(5.0)


def test_http_fixed_json_and_404(http_server):
    http_server.route("/fixed", Fixed(503, b"down", {"X-Test": "1"}))
    http_server.route("/json", Json({"color": "blue"}))
    r = httpx.get(http_server.url("/fixed?x=1"), timeout=T)
    assert (r.status_code, r.text, r.headers["x-test"]) == (503, "down", "1")
    assert httpx.get(http_server.url("/json"), timeout=T).json() == {"color": "blue"}
    assert httpx.get(http_server.url("/nope"), timeout=T).status_code == 404
    assert http_server.hits["/fixed"] == 1


def test_http_hang_times_out(http_server):
    http_server.route("/hang", Hang())
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(http_server.url("/hang"), timeout=httpx.Timeout(0.3))


def test_http_reset(http_server):
    http_server.route("/reset", Reset())
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)) as exc:
        httpx.get(http_server.url("/reset"), timeout=T)
    assert isinstance(exc.value.__context__ or exc.value, Exception)


def test_http_huge_body_streams(http_server):
    http_server.route("/huge", Huge(mb=8))
    total = 0
    with httpx.stream("GET", http_server.url("/huge"), timeout=T) as r:
        assert int(r.headers["content-length"]) == 8 * 1024 * 1024
        for chunk in r.iter_bytes():
            total += len(chunk)
            if total >= 1024 * 1024:
                break
    assert total >= 1024 * 1024


def test_http_invalid_utf8(http_server):
    http_server.route("/bad", InvalidUtf8())
    r = httpx.get(http_server.url("/bad"), timeout=T)
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")


def test_http_redirect_loop(http_server):
    http_server.route("/loop", RedirectLoop())
    client = httpx.Client(timeout=T, follow_redirects=True, max_redirects=5)
    with client, pytest.raises(httpx.TooManyRedirects):
        client.get(http_server.url("/loop"))
    assert http_server.hits["/loop"] == 6


def test_http_slow_then_answer(http_server):
    http_server.route("/slow", Slow(0.5, Fixed(200, "late")))
    http_server.route("/custom", Custom(lambda h: Fixed(201, h.command).respond(h)))
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(http_server.url("/slow"), timeout=httpx.Timeout(0.1))
    assert httpx.get(http_server.url("/slow"), timeout=T).text == "late"
    assert httpx.post(http_server.url("/custom"), timeout=T).text == "POST"


def test_https_valid_expired_self_signed(http_server_factory, https_server):
    https_server.route("/", Fixed(200, "tls ok"))
    https_server.route("/reset", Reset())
    ctx = ssl.create_default_context(cafile=str(https_server.ca_file))
    assert httpx.get(https_server.url("/"), verify=ctx, timeout=T).text == "tls ok"
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        httpx.get(https_server.url("/reset"), verify=ctx, timeout=T)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(https_server.url("/"), timeout=T)  # system trust store: unknown CA

    expired = http_server_factory("expired")
    ctx = ssl.create_default_context(cafile=str(expired.ca_file))
    with pytest.raises(httpx.ConnectError, match="expired"):
        httpx.get(expired.url("/"), verify=ctx, timeout=T)

    self_signed = http_server_factory("self_signed")
    with pytest.raises(httpx.ConnectError, match=r"self.signed"):
        httpx.get(self_signed.url("/"), timeout=T)
    ctx = ssl.create_default_context(cafile=str(self_signed.ca_file))
    assert httpx.get(self_signed.url("/"), verify=ctx, timeout=T).status_code == 404


def test_require_policy(monkeypatch):
    from tests.infra.common import in_ci, require

    monkeypatch.setenv("CI", "true")
    assert in_ci()
    with pytest.raises(pytest.fail.Exception):
        require("thing", False, "absent")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        require("thing", False, "absent")
    require("thing", True, "present")
    assert 0 < free_port() < 65536


def test_xdg_isolated(xdg_dirs):
    assert os.environ["XDG_STATE_HOME"] == str(xdg_dirs.state)
    assert os.environ["XDG_RUNTIME_DIR"] == str(xdg_dirs.runtime)
    assert "WARROOM_CONFIG" not in os.environ
    assert xdg_dirs.runtime.stat().st_mode & 0o777 == 0o700


def test_dockerd_started_by_the_suite_does_not_inherit_per_test_dirs(xdg_dirs) -> None:
    """A dockerd started mid-session outlives the test's XDG_RUNTIME_DIR, where runc keeps
    exec state: inheriting it broke every later `docker exec` and healthcheck."""
    env = daemon_env()
    assert not any(k.startswith(("XDG_", "PYTEST")) for k in env)
    assert env.get("PATH") == os.environ.get("PATH")
