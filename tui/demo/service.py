"""One demo service process: a blue/green API color, or the router playing Apache.

    python -m tui.demo.service --dir D --color blue --build 3f9c2e1 --port 8090
    python -m tui.demo.service --dir D --router --port 8080 [--traffic 2]

The listening socket may be inherited (`--fd N`, bound by the parent so no port race).
Control files in the demo dir are read on every request (see `tui.demo.files`). With
`--parent-pid` the process ends its whole process group when that parent goes away (no
orphans even on SIGKILL: Prometheus and Alertmanager, when the demo runs them, are in it).
A color serves Prometheus metrics at `/metrics` (`tui.demo.metrics`); the router sends a
little public traffic (`--traffic` requests/s to `/v2/listings`) so rates are never zero.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import files
from .metrics import CONTENT_TYPE, Registry

SLOW_S = 2.5
HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Whoops</title></head><body>"
             b"<h1>Whoops, looks like something went wrong.</h1></body></html>\n")
BACKGROUND = [
    ("INFO", "queue worker processed {n} jobs"),
    ("INFO", "scheduler: ran schedule:run ({n} tasks)"),
    ("INFO", "opcache hit rate 99.{n}%"),
    ("INFO", "GET /v2/listings 200 {n}ms"),
    ("WARN", "slow query: select * from listings where tenant_id = ? ({n}00ms)"),
]


class Service(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # `--port`: rebind at once after a restart (TIME_WAIT)
    demo_dir: Path
    color: str
    build: str
    router: bool
    registry: Registry


class Handler(BaseHTTPRequestHandler):
    server: Service
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # our own log lines go to app.log

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        srv = self.server
        if srv.router:
            self._route()
            return
        if self.path == "/metrics":  # the exporter answers even while the app is broken
            live = files.live_port(srv.demo_dir) == srv.server_address[1]
            body = srv.registry.render(live, any(files.maintenance_layers(srv.demo_dir)))
            self._send(200, CONTENT_TYPE, body, {})
            return
        started = time.monotonic()
        traffic = self.path == "/v2/listings"  # the steady public traffic: never logged
        mode = files.break_mode(srv.demo_dir, srv.color)
        if mode == "reset":
            if not traffic:
                self._log("ERROR",
                          f"{self.command} {self.path} connection reset (php-fpm crashed)")
            srv.registry.observe(self.path, "reset", time.monotonic() - started)
            self._reset()
            return
        if mode == "slow":
            time.sleep(SLOW_S)
        status, ctype, body = self._answer(mode)
        headers = {"x-build": srv.build, "x-color": srv.color}
        self._send(status, ctype, body, headers)
        srv.registry.observe(self.path, status, time.monotonic() - started)
        level = "ERROR" if status >= 500 else "INFO"
        if status == 503 and any(files.maintenance_layers(srv.demo_dir)):
            level = "WARN"
        if not traffic:
            self._log(level, f"{self.command} {self.path} {status}")

    def _answer(self, mode: str | None) -> tuple[int, str, bytes]:
        srv = self.server
        gate, db = files.maintenance_layers(srv.demo_dir)
        # Maintenance stops NON-LOCAL traffic (the runbook): requests that came through the
        # public entry (the router adds X-Forwarded-For) are gated; direct, local requests
        # such as the on-call host's health checks still see the real health behind the gate.
        if (gate or db) and self.headers.get("X-Forwarded-For"):
            doc = {"status": "maintenance", "layers": {"file_gate": gate, "database": db}}
            return 503, "application/json", _json(doc)
        if mode == "down":
            return 503, "text/plain", b"Service Unavailable\n"
        if mode == "html":
            return 200, "text/html; charset=utf-8", HTML_PAGE
        path = self.path.split("?", 1)[0]
        if path == "/health.php":
            checks = {d: ("fail" if mode == d else "ok") for d in files.DEPENDENCIES}
            failed = mode in files.DEPENDENCIES
            doc = {"status": "fail" if failed else "ok", "color": srv.color,
                   "build": srv.build, "checks": checks}
            return (503 if failed else 200), "application/json", _json(doc)
        if path == "/v2/health":
            failed = mode in files.DEPENDENCIES
            doc = {"status": "fail" if failed else "ok", "framework": "laravel"}
            return (503 if failed else 200), "application/json", _json(doc)
        if path == "/v2/listings":
            if mode in files.DEPENDENCIES:
                return 500, "application/json", _json({"error": f"{mode}: connection refused"})
            return 200, "application/json", _json({"listings": [], "color": srv.color})
        if path == "/":
            page = f"<html><body><h1>NEXUS demo ({srv.color})</h1></body></html>\n"
            return 200, "text/html; charset=utf-8", page.encode()
        return 404, "application/json", _json({"error": "not found"})

    def _route(self) -> None:
        """Proxy to the port named by the Apache include, like `Define API_PORT`."""
        port = files.live_port(self.server.demo_dir)
        if port is None:
            self._send(503, "text/plain", b"no API_PORT defined\n", {})
            return
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(self.command, self.path,
                         headers={"X-Forwarded-For": self.client_address[0]})
            resp = conn.getresponse()
            body = resp.read()
            keep = {k: v for k, v in resp.getheaders()
                    if k.lower() not in ("content-length", "connection", "server", "date")}
            ctype = keep.pop("Content-Type", "text/plain")
            self._send(resp.status, ctype, body, keep)
            conn.close()
        except OSError as exc:
            files.append_log(self.server.demo_dir, "apache", "ERROR",
                             f"proxy to 127.0.0.1:{port} failed: {exc.__class__.__name__}")
            self._send(502, "text/plain", b"Bad Gateway\n", {})

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _log(self, level: str, message: str) -> None:
        files.append_log(self.server.demo_dir, self.server.color, level, message)


def _json(doc: object) -> bytes:
    return json.dumps(doc).encode() + b"\n"


def _background(srv: Service, period: float) -> None:
    """Modest background chatter; ERROR lines while a dependency is broken."""
    rng = random.Random()
    while True:
        time.sleep(period * rng.uniform(0.7, 1.3))
        mode = files.break_mode(srv.demo_dir, srv.color)
        if mode in files.DEPENDENCIES:
            files.append_log(srv.demo_dir, srv.color, "ERROR",
                             f"{mode}: connection refused (127.0.0.1, errno 111)")
            continue
        if mode == "down":
            files.append_log(srv.demo_dir, srv.color, "ERROR", "php-fpm: no live upstreams")
            continue
        level, text = BACKGROUND[-1] if rng.random() < 0.05 else rng.choice(BACKGROUND[:-1])
        files.append_log(srv.demo_dir, srv.color, level, text.format(n=rng.randint(1, 99)))


def _traffic(port: int, rate: float) -> None:
    """About `rate` public requests a second through this router (to the live color)."""
    rng = random.Random()
    while True:
        time.sleep(rng.uniform(0.5, 1.5) / rate)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/v2/listings")
            conn.getresponse().read()
            conn.close()
        except (OSError, http.client.HTTPException):
            pass


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    # The owner is gone (even SIGKILLed): end the whole group it started, then this process.
    with contextlib.suppress(OSError):
        os.killpg(os.getpgrp(), signal.SIGTERM)
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tui.demo.service")
    p.add_argument("--dir", required=True, type=Path)
    p.add_argument("--color", default="router")
    p.add_argument("--build", default="0000000")
    p.add_argument("--router", action="store_true")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--fd", type=int, help="an inherited, already bound listening socket")
    p.add_argument("--parent-pid", type=int)
    p.add_argument("--chatter", type=float, default=3.0, help="seconds between log lines")
    p.add_argument("--traffic", type=float, default=0.0,
                   help="router: public requests a second to the live color (0: none)")
    args = p.parse_args(argv)
    srv = Service(("127.0.0.1", args.port), Handler, bind_and_activate=args.fd is None)
    if args.fd is not None:
        srv.socket.close()
        srv.socket = socket.socket(fileno=args.fd)
        srv.server_address = srv.socket.getsockname()
    srv.demo_dir, srv.color, srv.build, srv.router = args.dir, args.color, args.build, args.router
    srv.registry = Registry(args.color, args.build)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.parent_pid:
        threading.Thread(target=_watch_parent, args=(args.parent_pid,), daemon=True).start()
    if not args.router and args.chatter > 0:
        threading.Thread(target=_background, args=(srv, args.chatter), daemon=True).start()
    if args.router and args.traffic > 0:
        threading.Thread(target=_traffic, args=(srv.server_address[1], args.traffic),
                         daemon=True).start()
    who = "apache" if args.router else args.color
    files.append_log(args.dir, who, "INFO", f"listening on 127.0.0.1:{srv.server_address[1]}")
    try:
        srv.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        files.append_log(args.dir, who, "INFO", "shutting down")
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
