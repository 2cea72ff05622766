"""The httpx clients of the HTTP probes: one per check, sharing one TLS context per setting.

httpx is imported in the thread that builds the first client, without what a health check
never uses (trio, httpx's CLI): ~80–120 ms kept off the event loop at start-up.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

KEEPALIVE_S = 90.0
"""How long an idle connection is kept for the next round. httpx's default (5 s) is not longer
than most check intervals, so every round would pay the handshakes again; a server that closes
it sooner only makes that round cold."""

def _import_httpx() -> None:
    """Import httpx and httpcore without what a health check never uses: httpcore imports
    trio whenever it is installed (~80 ms) and httpx its command-line client (click, pygments:
    ~15 ms). Both are blocked only while these import, and only if not already imported."""
    if "httpcore" in sys.modules:
        return
    blocked = [name for name in ("trio", "httpx._main") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        import httpcore  # noqa: F401
        import httpx  # noqa: F401
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


class HttpClients:
    """Shared async clients: one for plain http, one per TLS setting for https, and one of its
    own for each check that names itself (`owner`).

    A check's own client keeps its connection for its next request: the warm request after a
    cold one, and the next round, are on the connection it opened, never on one another check
    holds; and no pool grows to hundreds of connections (httpcore assigns each request in time
    proportional to the pool's size squared: 48 concurrent requests over ~100 kept connections
    cost a second of CPU). A verifying TLS context loads the CA bundle (~80 ms), so it is built
    once per TLS setting on first https use, in a thread, never on the event loop and never for
    plain-http-only configs; the clients share it. Close with aclose().
    """

    def __init__(self) -> None:
        self._tls: dict[tuple[bool, str | None], ssl.SSLContext] = {}
        self._clients: dict[tuple[bool, str | None, str | None], httpx.AsyncClient] = {}
        self._lock = asyncio.Lock()

    async def for_url(
        self, url: str, verify: bool = True, ca_file: str | None = None,
        owner: str | None = None,
    ) -> httpx.AsyncClient:
        # Plain http never negotiates TLS, so it shares one context that loads no CA bundle.
        tls = (verify, ca_file) if url.lower().startswith("https:") else (False, None)
        key = (*tls, owner)
        client = self._clients.get(key)
        if client is None:
            async with self._lock:
                client = self._clients.get(key)
                if client is None:
                    context = self._tls.get(tls)
                    if context is None:
                        context = await asyncio.to_thread(self._context, *tls)
                        self._tls[tls] = context
                    client = self._build(context)
                    self._clients[key] = client
        return client

    @staticmethod
    def _context(verify: bool, ca_file: str | None) -> ssl.SSLContext:
        _import_httpx()  # here, in the thread: httpx and httpcore cost ~40 ms to import
        import httpx

        if verify and ca_file:
            return ssl.create_default_context(cafile=ca_file)
        return httpx.create_ssl_context(verify=verify)

    @staticmethod
    def _build(context: ssl.SSLContext) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(
            verify=context,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=100,
                                keepalive_expiry=KEEPALIVE_S),
            headers={"user-agent": "warroom/0.1 (health check)"},
        )

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
