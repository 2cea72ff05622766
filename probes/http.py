"""HTTP health checks over one shared httpx client (one per TLS setting).

Every outcome is a `CheckResult` with a reason in words: "HTTP 503", "timeout after 2.0 s",
"checks.redis = fail", "body is not JSON". Bodies are judged only when a condition needs them,
and never read past the size cap; redirects are followed by hand, bounded, with loop detection.
Latency is measured on a kept connection when there is one: see `check_http` (cold and warm).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import ssl
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from probes.http_clients import HttpClients
from tui.core.config.services import Dependencies, JsonCondition, Service
from tui.core.model import CheckResult, State, SubResult, utcnow
from tui.core.sanitize import one_line

if TYPE_CHECKING:
    import httpx  # imported for real in the thread that builds the first client (~70 ms)

REDIRECTS = {301, 302, 303, 307, 308}
_MISSING = object()
DRAIN_BYTES = 64 * 1024
DRAIN_S = 0.25
"""A body no condition needs is still read (up to DRAIN_BYTES, within DRAIN_S) after the
answer is judged: a connection is kept for the next request only once its body is read."""


def _text(value: Any, limit: int = 80) -> str:
    """Untrusted JSON values shown in reasons: sanitized and cut."""
    shown = value if isinstance(value, str) else json.dumps(value)
    shown = one_line(str(shown))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


async def check_http(
    service: Service, clients: HttpClients, timeout: float, ca_file: str | None = None
) -> CheckResult:
    """Probe one service within `timeout` seconds (total, not per phase).

    A request that had to open its connection (TCP and TLS handshakes) is *cold*. When the
    server keeps that connection, a second request follows on it within the same budget and
    the check is judged by that *warm* answer, the cold figure kept as `cold_ms`; a service
    that answered cold but not warm is judged by its cold answer (`latency_ms == cold_ms`).
    A request on a kept connection that the server closed meanwhile is retried once.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    first = await _attempt(service, clients, deadline, timeout, ca_file)
    if first is not None and first.stale:  # a kept connection closed under us: once more
        first = await _attempt(service, clients, deadline, timeout, ca_file)
    if first is None:
        return CheckResult(service.name, State.DOWN, f"timeout after {timeout:.1f} s", utcnow())
    if not (first.answered and first.opened):
        return first.result
    if first.kept:
        warm = await _attempt(service, clients, deadline, timeout, ca_file)
        if warm is not None and warm.answered:
            if warm.opened:  # the server closed it after all: this one was cold too
                return dataclasses.replace(warm.result, cold_ms=warm.result.latency_ms)
            return dataclasses.replace(warm.result, cold_ms=first.result.latency_ms)
    return dataclasses.replace(first.result, cold_ms=first.result.latency_ms)


@dataclasses.dataclass(slots=True)
class _Attempt:
    """One request (with its redirects) and what happened to its connection."""

    result: CheckResult
    answered: bool
    """An HTTP answer was judged (not a transport failure)."""
    opened: bool
    """A new connection was opened for it."""
    kept: bool = False
    """The answer's connection went back to the pool, ready for the next request."""
    stale: bool = False
    """A transport failure (not a timeout) on a connection kept from an earlier request."""


class _Opened:
    """An httpcore trace hook: notes whether a request opened a new connection."""

    def __init__(self) -> None:
        self.opened = False

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event.startswith("connection.connect_") and event.endswith(".started"):
            self.opened = True


async def _attempt(
    service: Service, clients: HttpClients, deadline: float, timeout: float,
    ca_file: str | None,
) -> _Attempt | None:
    """One request within what is left of the budget; None when it ran out."""
    trace = _Opened()
    try:
        async with asyncio.timeout_at(deadline):
            return await _probe(service, clients, timeout, deadline, ca_file, trace)
    except TimeoutError:
        return None


async def _probe(
    service: Service, clients: HttpClients, timeout: float, deadline: float,
    ca_file: str | None, trace: _Opened,
) -> _Attempt:
    loop = asyncio.get_running_loop()
    await clients.for_url(service.url, service.verify_tls, ca_file, service.name)  # not timed
    import httpx  # after the client: imported in its thread, not on the event loop

    started = time.monotonic()
    url, seen = service.url, {service.url}
    origin = _origin(service.url)
    needs_body = bool(service.json or service.dependencies)

    def failed(reason: str) -> _Attempt:
        return _Attempt(_result(service, State.DOWN, reason, started), True, trace.opened)

    for _hop in range(service.max_redirects + 1):
        client = await clients.for_url(url, service.verify_tls, ca_file, service.name)
        # configured headers (tokens) only ever go to the configured origin
        headers = service.headers if _origin(url) == origin else {}
        try:
            async with client.stream(
                service.method, url, headers=headers,
                timeout=max(0.001, deadline - loop.time()), extensions={"trace": trace},
            ) as response:
                status = response.status_code
                location = response.headers.get("location")
                if status in REDIRECTS and location and status not in service.expect_status:
                    target = urljoin(url, location)
                    if url.lower().startswith("https:") and not target.lower().startswith(
                        "https:"
                    ):
                        return failed("redirect from https to plain http refused")
                    url = target
                    if url in seen:
                        return failed("redirect loop")
                    seen.add(url)
                    await _drain(response, deadline)  # so that the next hop may reuse it
                    continue
                body: bytes | None = None
                complete = service.method == "HEAD"
                if needs_body and not complete:
                    body = await _read_capped(response, service.max_bytes)
                    complete = body is not None
                latency = (time.monotonic() - started) * 1000
                result = _evaluate(service, response, body, latency)
                if not complete and not needs_body:  # after the figure: not the service's time
                    complete = await _drain(response, deadline)
                kept = complete and _keeps_alive(response)
                return _Attempt(result, True, trace.opened, kept=kept)
        except httpx.HTTPError as exc:
            stale = not trace.opened and not isinstance(exc, httpx.TimeoutException)
            reason = describe_error(exc, timeout)
            return _Attempt(_result(service, State.DOWN, reason, started), False, trace.opened,
                            stale=stale)
    return failed(f"too many redirects (> {service.max_redirects})")


def _keeps_alive(response: httpx.Response) -> bool:
    """Whether the server lets the connection serve another request (as h11 decides)."""
    if "close" in response.headers.get("connection", "").lower():
        return False
    return response.http_version != "HTTP/1.0"


async def _drain(response: httpx.Response, deadline: float) -> bool:
    """Read and drop a small body nobody needs (≤ DRAIN_BYTES, within DRAIN_S and the
    budget), so that its connection can be kept; False when it was not read to its end."""
    import httpx

    length = response.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > DRAIN_BYTES):
        return False
    until = min(asyncio.get_running_loop().time() + DRAIN_S, deadline - 0.01)
    size = 0
    try:
        async with asyncio.timeout_at(until):
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > DRAIN_BYTES:
                    return False
    except (TimeoutError, httpx.HTTPError):
        return False
    return True


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


async def _read_capped(response: httpx.Response, cap: int) -> bytes | None:
    """The decoded body (gzip/deflate undone), or None when it is larger than `cap` bytes
    decoded — reading stops at the cap, so a compression bomb cannot fill memory."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _result(service: Service, state: State, reason: str, started: float) -> CheckResult:
    latency = (time.monotonic() - started) * 1000
    return CheckResult(service.name, state, reason, utcnow(), latency_ms=latency)


def describe_error(exc: BaseException, timeout: float) -> str:
    """A transport failure in words a person reads at 3 a.m."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"timeout after {timeout:.1f} s"
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    for err in chain:
        if isinstance(err, ssl.SSLCertVerificationError):
            return f"TLS: {err.verify_message or 'certificate verify failed'}"
        if isinstance(err, ssl.SSLError):
            return f"TLS: {err.reason or err}"
        if isinstance(err, ConnectionRefusedError):
            return "connection refused"
        if isinstance(err, ConnectionResetError):
            return "connection reset"
    text = " ".join(str(e) for e in chain).lower()
    if "refused" in text or "all connection attempts failed" in text:
        return "connection refused"
    if "reset" in text or "disconnected" in text or "incomplete" in text:
        return "connection reset by peer"
    if "name or service not known" in text or "nodename" in text:
        return "DNS lookup failed"
    return one_line(f"{type(exc).__name__}: {exc}")[:120] or type(exc).__name__


def _evaluate(
    service: Service, response: httpx.Response, body: bytes | None, latency: float
) -> CheckResult:
    findings: list[tuple[State, str]] = []
    children: tuple[SubResult, ...] = ()
    status = response.status_code
    if status in service.degraded_status:
        findings.append((State.DEGRADED, f"HTTP {status}"))
    elif status not in service.expect_status:
        findings.append((State.DOWN, f"HTTP {status}"))
    if service.max_latency_ms and latency > service.max_latency_ms:
        findings.append(
            (State.DEGRADED, f"slow: {latency:.0f} ms > {service.max_latency_ms:.0f} ms")
        )
    if service.json or service.dependencies:
        if body is None:
            cap = service.max_bytes / 1_048_576
            findings.append((State.DOWN, f"body larger than {cap:.1f} MiB cap"))
        else:
            doc = _parse_json(body)
            if isinstance(doc, str):
                findings.append((State.DOWN, doc))
            else:
                findings.extend(_json_findings(service.json, doc))
                if service.dependencies:
                    children, found = _dependencies(service.dependencies, doc)
                    findings.extend(found)
    details = _details(service, response)
    tls = _tls_finding(service, response, details)
    if tls:
        findings.append(tls)
    if findings:
        state = max((s for s, _ in findings), key=lambda s: s.severity)
        reason = "; ".join(r for s, r in findings if s is state)
    else:
        state, reason = State.OK, f"HTTP {status}"
    return CheckResult(
        service.name, state, reason, utcnow(), latency_ms=latency,
        children=children, details=tuple(details),
    )


def _parse_json(body: bytes) -> Any:
    """The parsed document, or a reason string when the body is not usable JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not JSON (invalid UTF-8)"
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        head = text.lstrip()[:1]
        return "body is not JSON (looks like HTML)" if head == "<" else "body is not JSON"


def lookup(doc: Any, path: str) -> Any:
    """A dotted path into JSON (`checks.redis`, `items.0.id`); `_MISSING` when absent."""
    cur = doc
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return _MISSING
    return cur


def _json_findings(conditions: tuple[JsonCondition, ...], doc: Any) -> list[tuple[State, str]]:
    found: list[tuple[State, str]] = []
    for cond in conditions:
        value = lookup(doc, cond.path)
        failing = State(cond.failing)
        if cond.exists is not None:
            if (value is not _MISSING) != cond.exists:
                found.append((failing, f"{cond.path} {'missing' if cond.exists else 'present'}"))
        elif value is _MISSING:
            found.append((failing, f"{cond.path} missing"))
        elif cond.equals is not None and value != cond.equals:
            found.append((failing, f"{cond.path} = {_text(value)} (expected {_text(cond.equals)})"))
        elif cond.one_of is not None and value not in cond.one_of:
            found.append((failing, f"{cond.path} = {_text(value)}"))
    return found


def _dependencies(
    spec: Dependencies, doc: Any
) -> tuple[tuple[SubResult, ...], list[tuple[State, str]]]:
    block = lookup(doc, spec.path)
    if not isinstance(block, dict):
        return (), [(State.DEGRADED, f"{spec.path} missing from health JSON")]
    children: list[SubResult] = []
    found: list[tuple[State, str]] = []
    for name, raw in list(block.items())[:50]:
        value = raw.get(spec.status_key, _MISSING) if isinstance(raw, dict) else raw
        shown = _text(value if value is not _MISSING else "missing", 40)
        if value in spec.ok and value is not _MISSING:
            state = State.OK
        elif value in spec.degraded:
            state = State.DEGRADED
        else:
            state = State.DOWN
        label = _text(name, 40)
        children.append(SubResult(label, state, shown))
        if state is not State.OK:
            overall = State(spec.failing) if state is State.DOWN else State.DEGRADED
            found.append((overall, f"{spec.path}.{label} = {shown}"))
    return tuple(children), found


def _details(service: Service, response: httpx.Response) -> list[tuple[str, str]]:
    details = []
    for name in service.capture_headers:
        value = response.headers.get(name)
        if value is not None:
            details.append((name.lower(), _text(value, 40)))
    return details


def _tls_finding(
    service: Service, response: httpx.Response, details: list[tuple[str, str]]
) -> tuple[State, str] | None:
    if response.url.scheme != "https":
        return None
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    cert = ssl_object.getpeercert() if ssl_object is not None else None
    if not cert or "notAfter" not in cert:
        return None
    days = (ssl.cert_time_to_seconds(cert["notAfter"]) - time.time()) / 86400
    details.append(("tls", f"{days:.0f} days left"))
    if days < service.tls_warn_days:
        return State.DEGRADED, f"TLS certificate expires in {days:.0f} days"
    return None
