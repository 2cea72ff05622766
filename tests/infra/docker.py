"""Real Docker Engine helpers: start dockerd, build the busybox fixture image, make containers."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import time
import uuid
from typing import Any

FIXTURE_IMAGE = "warroom-fixture:busybox"
BUSYBOX = "/bin/busybox"
DOCKERD_LOG = "/tmp/warroom-dockerd.log"
TEST_LABEL = "warroom.test"
_DOCKERFILE = b"""FROM scratch
COPY rootfs/ /
LABEL warroom.fixture=busybox
CMD ["/bin/sh"]
"""


def make_client(timeout: int = 60) -> Any | None:
    """A docker SDK client for the engine (DOCKER_HOST honored) that answered ping, else None."""
    import docker

    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
        return client
    except Exception:
        return None


def daemon_env() -> dict[str, str]:
    """The environment for a dockerd that outlives this test session: without the per-test
    XDG_* directories (runc keeps its exec state under XDG_RUNTIME_DIR: once pytest removed
    that directory, every `docker exec`, healthchecks included, failed) and pytest's own."""
    drop = ("XDG_", "PYTEST", "TEXTUAL", "WARROOM")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def start_dockerd(wait: float = 30.0) -> tuple[bool, str]:
    """Start dockerd as in ARCHITECTURE.md if none answers (root only). Returns (ok, why)."""
    if make_client() is not None:
        return True, "already running"
    if os.geteuid() != 0:
        return False, "no daemon answers and not root (cannot start dockerd)"
    if os.environ.get("DOCKER_HOST"):
        return False, f"DOCKER_HOST={os.environ['DOCKER_HOST']} does not answer"
    exe = shutil.which("dockerd")
    if exe is None:
        return False, "dockerd not installed (apt docker.io); run bash scripts/test.sh"
    with open(DOCKERD_LOG, "ab") as log:
        subprocess.Popen(
            [exe, "--bridge=none", "--iptables=false", "--ip6tables=false"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            env=daemon_env(),
        )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if make_client() is not None:
            return True, "started"
        time.sleep(0.5)
    return False, f"dockerd did not answer within {wait:.0f}s (see {DOCKERD_LOG})"


def _rootfs_tar() -> bytes:
    """An in-memory build context: Dockerfile + rootfs with busybox and its applet symlinks."""
    applets = subprocess.run(
        [BUSYBOX, "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:

        def add(name: str, *, data: bytes | None = None, kind: bytes = tarfile.REGTYPE,
                mode: int = 0o644, link: str = "") -> None:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.linkname = kind, mode, link
            info.size = len(data) if data is not None else 0
            tar.addfile(info, io.BytesIO(data) if data is not None else None)

        add("Dockerfile", data=_DOCKERFILE)
        for d in ("rootfs", "rootfs/bin", "rootfs/etc", "rootfs/var", "rootfs/var/www"):
            add(d, kind=tarfile.DIRTYPE, mode=0o755)
        add("rootfs/tmp", kind=tarfile.DIRTYPE, mode=0o1777)
        with open(BUSYBOX, "rb") as fh:
            add("rootfs/bin/busybox", data=fh.read(), mode=0o755)
        for name in sorted(set(applets) - {"busybox"}):
            add(f"rootfs/bin/{name}", kind=tarfile.SYMTYPE, mode=0o777, link="busybox")
        passwd = b"root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n"
        add("rootfs/etc/passwd", data=passwd)
        add("rootfs/etc/group", data=b"root:x:0:\nnogroup:x:65534:\n")
        add("rootfs/var/www/index.html", data=b"ok\n")
    return buf.getvalue()


def ensure_fixture_image(client: Any, tag: str = FIXTURE_IMAGE) -> Any:
    """The fixture image; built (FROM scratch + static busybox) only if the tag is absent."""
    import docker.errors

    try:
        return client.images.get(tag)
    except docker.errors.ImageNotFound:
        pass
    ctx = io.BytesIO(_rootfs_tar())
    image, _logs = client.images.build(
        fileobj=ctx, custom_context=True, tag=tag, rm=True, forcerm=True, network_mode="host"
    )
    return image


def _seconds_ns(value: float) -> int:
    return int(value * 1_000_000_000)


def healthcheck_spec(
    test: list[str] | str | dict[str, Any], interval: float = 0.5, retries: int = 3,
    timeout: float = 5.0, start_period: float = 0.0,
) -> dict[str, Any]:
    """Docker healthcheck dict: a str runs via CMD-SHELL, a list via CMD, a dict is passed as is."""
    if isinstance(test, dict):
        return test
    cmd = ["CMD-SHELL", test] if isinstance(test, str) else ["CMD", *test]
    return {
        "test": cmd,
        "interval": _seconds_ns(interval),
        "timeout": _seconds_ns(timeout),
        "retries": retries,
        "start_period": _seconds_ns(start_period),
    }


class ContainerFactory:
    """Creates uniquely named containers from the fixture image; ``cleanup()`` removes them all."""

    def __init__(self, client: Any, image: str = FIXTURE_IMAGE) -> None:
        self.client = client
        self.image = image
        self.run_id = uuid.uuid4().hex[:8]
        self.prefix = f"wrtest-{self.run_id}-"
        self.labels = {TEST_LABEL: "1", f"{TEST_LABEL}.run": self.run_id}
        self.created: list[Any] = []
        self._n = 0

    def __call__(
        self,
        command: list[str] | str | None = None,
        *,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        healthcheck: list[str] | str | dict[str, Any] | None = None,
        health_interval: float = 0.5,
        environment: dict[str, str] | None = None,
        start: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Create (and by default start) a container on the host network; returns the SDK object.

        ``name`` is a suffix after the unique prefix. ``command`` as str runs via ``sh -c``.
        Extra ``kwargs`` go to ``containers.create`` (e.g. ``restart_policy``, ``stop_signal``).
        """
        self._n += 1
        full = f"{self.prefix}{name or f'c{self._n}'}"
        if isinstance(command, str):
            command = ["/bin/sh", "-c", command]
        params: dict[str, Any] = {
            "name": full,
            "labels": {**self.labels, **(labels or {})},
            "network_mode": "host",
            "environment": environment or {},
            "detach": True,
            **kwargs,
        }
        if command is not None:
            params["command"] = command
        if healthcheck is not None:
            params["healthcheck"] = healthcheck_spec(healthcheck, interval=health_interval)
        container = self.client.containers.create(self.image, **params)
        self.created.append(container)
        if start:
            container.start()
            container.reload()
        return container

    def cleanup(self) -> None:
        """Force-remove every container this factory made (and any left with its run label)."""
        import docker.errors

        seen = {c.id for c in self.created}
        try:
            extra = self.client.containers.list(
                all=True, filters={"label": f"{TEST_LABEL}.run={self.run_id}"}
            )
        except Exception:
            extra = []
        for c in [*self.created, *(c for c in extra if c.id not in seen)]:
            try:
                c.remove(force=True, v=True)
            except docker.errors.NotFound:
                pass
            except Exception:
                pass
        self.created.clear()


def container_health(container: Any) -> str | None:
    """The container's health status ('starting'/'healthy'/'unhealthy') or None without one."""
    container.reload()
    return (container.attrs.get("State", {}).get("Health") or {}).get("Status")


def wait_health(container: Any, status: str = "healthy", timeout: float = 30.0) -> str:
    """Wait until the container's health status equals ``status``; returns it."""
    deadline = time.monotonic() + timeout
    current = None
    while time.monotonic() < deadline:
        current = container_health(container)
        if current == status:
            return current
        time.sleep(0.2)
    raise TimeoutError(f"{container.name}: health {current!r}, wanted {status!r}")


def wait_status(container: Any, status: str = "running", timeout: float = 30.0) -> str:
    """Wait until the container's state (``running``/``exited``/...) equals ``status``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        container.reload()
        if container.status == status:
            return status
        time.sleep(0.1)
    raise TimeoutError(f"{container.name}: status {container.status!r}, wanted {status!r}")
