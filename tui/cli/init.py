"""`warroom init [PATH]`: write a starter config.toml from the running containers.

Every running container of the local engine (DOCKER_HOST honored) becomes a watched
container; its published ports (and a `warroom.http` label holding a URL, for host-network
containers) become HTTP checks; blue/green containers (by a `color` label or a name like
`app-blue-web`) fill `[color]` and get a logs source each. The file is validated before it is
written and never replaces an existing one without `--force`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

from tui.core.config.containers import ContainersConfig

COLOR_LABEL = "color"
URL_LABEL = "warroom.http"
MAX_LOG_SOURCES = 6
HEADER = """\
# warroom starter config, written by `warroom init` from the running containers.
# Review it: adjust the health URLs (e.g. /health), the environment name and the
# color sources (where the LIVE color is read from). Validate: warroom check-config
"""


def add_parser(subparsers: argparse._SubParsersAction, parents: list) -> None:
    p = subparsers.add_parser("init", parents=parents,
                              help="write a starter config.toml from the running containers")
    p.add_argument("path", nargs="?", help="where to write (default: --config or ./config.toml)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--name", default="production", help="environment name (default: production)")


def run(args: argparse.Namespace) -> int:
    path = args.path or getattr(args, "config", None) or "config.toml"
    if os.path.exists(path) and not args.force:
        print(f"{path} exists; not overwriting it (use --force to replace it)", file=sys.stderr)
        return 1
    try:
        containers = discover()
    except Exception as exc:
        print(f"cannot read containers from docker: {exc}", file=sys.stderr)
        return 2
    data = build_config(containers, args.name)
    text = render(data)
    from tui.core.config import ConfigError, parse_config

    try:
        parse_config(text, path)
    except ConfigError as exc:  # a bug here, never a half-valid file on disk
        print(exc.render(), file=sys.stderr)
        return 2
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if args.force else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        print(f"{path} exists; not overwriting it (use --force to replace it)", file=sys.stderr)
        return 1
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    services = len(data.get("services", []))
    print(f"wrote {path}: {len(containers)} containers, {services} HTTP checks"
          + (", blue/green detected" if "color" in data else ""))
    return 0


def discover() -> list[dict[str, Any]]:
    """Running containers of the local engine: name, labels, image, published URLs."""
    import docker

    client = docker.APIClient(timeout=10, **docker.utils.kwargs_from_env())
    try:
        found = []
        for item in client.containers(filters={"status": "running"}):
            name = (item.get("Names") or ["/?"])[0].lstrip("/")
            urls = []
            for port in item.get("Ports") or []:
                if port.get("PublicPort") and port.get("Type", "tcp") == "tcp":
                    ip = port.get("IP") or "127.0.0.1"
                    ip = "127.0.0.1" if ip in ("0.0.0.0", "::") else ip
                    host = f"[{ip}]" if ":" in ip else ip
                    urls.append(f"http://{host}:{port['PublicPort']}/")
            labels = item.get("Labels") or {}
            if labels.get(URL_LABEL, "").startswith(("http://", "https://")):
                urls.insert(0, labels[URL_LABEL])
            found.append({"name": name, "labels": labels, "urls": sorted(set(urls))})
        return sorted(found, key=lambda c: c["name"])
    finally:
        client.close()


def _service_name(text: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_.:-]+", "-", text)
    clean = re.sub(r"-{2,}", "-", clean).strip("-_.:") or "service"
    return clean[:64]


def build_config(containers: list[dict[str, Any]], env_name: str) -> dict[str, Any]:
    """The config as a TOML-ready dict (pure: tested without docker)."""
    colors_of = ContainersConfig(color_label=COLOR_LABEL)
    data: dict[str, Any] = {"environment": {"name": env_name, "production": False}}
    services: list[dict[str, Any]] = []
    seen: set[str] = set()
    colors: set[str] = set()
    logs: list[dict[str, Any]] = []
    for c in containers:
        color = colors_of.color_of(c["name"], c["labels"])
        if color in ("blue", "green"):
            colors.add(color)
            if len(logs) < MAX_LOG_SOURCES:
                logs.append({"kind": "docker", "container": c["name"],
                             "name": _service_name(c["name"])[:32], "color": color, "tail": 200})
        for i, url in enumerate(c["urls"]):
            name = _service_name(c["name"] + (f"-{i + 1}" if i else ""))
            if name in seen:
                continue
            seen.add(name)
            service: dict[str, Any] = {"name": name, "url": url}
            if color in ("blue", "green"):
                service["color"] = color
                service["group"] = _service_name(c["name"].replace(color, "").strip("-_."))
            services.append(service)
    if services:
        data["services"] = services
    if colors == {"blue", "green"}:
        data["color"] = {"colors": ["blue", "green"]}
    if containers:
        data["containers"] = {
            "hosts": ["local"],
            "names": [f"^{re.escape(c['name'])}$" for c in containers],
        }
    if logs:
        data["logs"] = {"sources": logs}
    return data


def render(data: dict[str, Any]) -> str:
    import tomli_w

    return HEADER + "\n" + tomli_w.dumps(data)
