"""A real loopback HTTP(S) server in a background thread with per-path, test-chosen behaviour.

    server.route("/health", Fixed(200, body=b"ok"))
    server.route("/slow", Slow(2.0, Json({"color": "blue"})))
    httpx.get(server.url("/health"))
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_HANG_S = 30.0


class Behaviour:
    """How the server answers one path; subclasses implement ``respond``."""

    def respond(self, h: Handler) -> None:
        raise NotImplementedError


@dataclass
class Fixed(Behaviour):
    """A fixed status, headers and body."""

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def respond(self, h: Handler) -> None:
        body = self.body.encode() if isinstance(self.body, str) else self.body
        h.send_response(self.status)
        for k, v in self.headers.items():
            h.send_header(k, v)
        if not any(k.lower() == "content-type" for k in self.headers):
            h.send_header("Content-Type", "text/plain; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)


@dataclass
class Json(Behaviour):
    """A JSON body (``application/json``)."""

    obj: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)

    def respond(self, h: Handler) -> None:
        Fixed(self.status, json.dumps(self.obj).encode(),
              {"Content-Type": "application/json", **self.headers}).respond(h)


@dataclass
class Hang(Behaviour):
    """Read the request, never answer: hold the connection until server stop or ``max_s``."""

    max_s: float = MAX_HANG_S

    def respond(self, h: Handler) -> None:
        h.server.stopping.wait(min(self.max_s, MAX_HANG_S))
        h.close_connection = True


@dataclass
class Reset(Behaviour):
    """Abort the connection with a TCP RST (SO_LINGER 0 then close), sending nothing."""

    def respond(self, h: Handler) -> None:
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()


@dataclass
class Huge(Behaviour):
    """A body of ``mb`` MiB streamed in chunks (with Content-Length)."""

    mb: float = 10
    chunk: int = 64 * 1024
    fill: bytes = b"x"

    def respond(self, h: Handler) -> None:
        total = int(self.mb * 1024 * 1024)
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; charset=utf-8")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        block = (self.fill * self.chunk)[: self.chunk]
        sent = 0
        try:
            while sent < total and not h.server.stopping.is_set():
                n = min(self.chunk, total - sent)
                h.wfile.write(block[:n])
                sent += n
        except OSError:
            h.close_connection = True


@dataclass
class InvalidUtf8(Behaviour):
    """A body that claims ``charset=utf-8`` but is not valid UTF-8."""

    status: int = 200
    body: bytes = b"status: \xff\xfe\xc3\x28 ok \xed\xa0\x80\x1b[31m\n"

    def respond(self, h: Handler) -> None:
        Fixed(self.status, self.body, {"Content-Type": "text/plain; charset=utf-8"}).respond(h)


@dataclass
class RedirectLoop(Behaviour):
    """``302`` to itself forever (clients following redirects must give up)."""

    status: int = 302

    def respond(self, h: Handler) -> None:
        Fixed(self.status, b"", {"Location": h.path}).respond(h)


@dataclass
class Slow(Behaviour):
    """Wait ``delay_s`` (cut short by server stop), then answer with ``then``."""

    delay_s: float = 1.0
    then: Behaviour = field(default_factory=lambda: Fixed(200, b"slow ok"))

    def respond(self, h: Handler) -> None:
        if h.server.stopping.wait(min(self.delay_s, MAX_HANG_S)):
            h.close_connection = True
            return
        self.then.respond(h)


@dataclass
class Custom(Behaviour):
    """Call ``fn(handler)`` (a ``BaseHTTPRequestHandler``) for anything else."""

    fn: Callable[[Handler], None]

    def respond(self, h: Handler) -> None:
        self.fn(h)


NOT_FOUND = Fixed(404, b"no route\n")


class Handler(BaseHTTPRequestHandler):
    """Dispatches every method to the behaviour routed for the request path."""

    server: _Server
    protocol_version = "HTTP/1.0"

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if 0 < length <= 1 << 20 else b""
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.requests.append((self.command, self.path, dict(self.headers), body))
            behaviour = self.server.routes.get(path, self.server.default)
        behaviour.respond(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, ssl_context: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.ssl_context = ssl_context
        self.routes: dict[str, Behaviour] = {}
        self.default: Behaviour = NOT_FOUND
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def finish_request(self, request: Any, client_address: Any) -> None:
        # Runs in the per-connection thread: a slow/bad TLS handshake never blocks accept().
        if self.ssl_context is not None:
            request.settimeout(10)
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                request.close()
                return
            request.settimeout(None)
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Client disconnects and resets are expected here; stay quiet."""


class HttpServer:
    """A running server: ``url(path)``, ``route(path, behaviour)``, ``hits``, ``stop()``."""

    def __init__(self, cert: Path | None = None, key: Path | None = None,
                 ca_file: Path | None = None) -> None:
        ctx = None
        if cert is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(cert), str(key) if key else None)
        self._server = _Server(ctx)
        self.scheme = "https" if ctx else "http"
        self.host = "127.0.0.1"
        self.port: int = self._server.server_address[1]
        self.ca_file = ca_file
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"wrtest-http-{self.port}", daemon=True,
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL for ``path`` on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, behaviour: Behaviour) -> str:
        """Make ``path`` (query ignored) answer with ``behaviour``; returns ``url(path)``."""
        with self._server.lock:
            self._server.routes[path] = behaviour
        return self.url(path)

    def set_default(self, behaviour: Behaviour) -> None:
        """Behaviour for unrouted paths (default: 404)."""
        self._server.default = behaviour

    @property
    def hits(self) -> Counter[str]:
        """Requests received per path."""
        return self._server.hits

    @property
    def requests(self) -> list[tuple[str, str, dict[str, str], bytes]]:
        """(method, raw path, headers, body) of every request, in order."""
        return self._server.requests

    def stop(self) -> None:
        """Release hanging/slow handlers, stop serving and close the listening socket."""
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
