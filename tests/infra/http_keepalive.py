"""A loopback HTTP/1.1 server that keeps connections and counts them, for cold/warm latency.

    with KeepAliveServer(handshake_s=0.2) as server:   # each new connection costs 200 ms
        ...request server.url("/h") twice on one client...
        assert server.accepted == 1 and server.requests == 2

`answers` bounds the requests answered on one connection; the next is then `then`: "close"
(the connection is closed without an answer, as a server closing an idle connection just as a
request arrives) or "hang" (held unanswered until the server stops).
"""

from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        owner = self.server.owner
        with owner.lock:
            owner.accepted += 1
        self.answered = 0
        time.sleep(owner.handshake_s)  # a slow connection set-up, paid by the first request

    def do_GET(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.requests += 1
        if owner.answers is not None and self.answered >= owner.answers:
            if owner.then == "hang":
                owner.stopping.wait(30)
            self.close_connection = True
            return
        self.answered += 1
        body = owner.body
        self.send_response(owner.status)
        self.send_header("Content-Type", owner.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: KeepAliveServer, context: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.context is not None:
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                request.close()
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Client disconnects are expected here; stay quiet."""


class KeepAliveServer:
    def __init__(
        self, *, status: int = 200, body: bytes = b"ok", content_type: str = "text/plain",
        handshake_s: float = 0.0, answers: int | None = None,
        then: Literal["close", "hang"] = "close", cert: tuple[Path, Path] | None = None,
    ) -> None:
        self.status, self.body, self.content_type = status, body, content_type
        self.handshake_s, self.answers, self.then = handshake_s, answers, then
        self.accepted = 0
        self.requests = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        context = None
        if cert is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
        self._server = _Server(self, context)
        scheme = "https" if context else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str = "/h") -> str:
        return self.base_url + path

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> KeepAliveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
