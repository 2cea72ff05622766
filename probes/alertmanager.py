"""Read the active alerts of one Prometheus Alertmanager (API v2: `GET /api/v2/alerts`).

Active, silenced and inhibited alerts are asked for (the panel counts the folded ones), with
the source's `filter` matchers as `filter=` query parameters. The answer is untrusted: read up
to `max_bytes`, parsed strictly, every label and annotation sanitized (no escape sequence or
control character survives) and cut (`MAX_VALUE`), at most `MAX_ALERTS` kept. Garbage or no
answer is a reading with an `error` and the time it started failing. Header values (secrets)
are sent, never put into an error.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from probes.http import HttpClients, _read_capped, describe_error
from probes.maintenance import parse_since
from tui.core.alerts import Alert, AlertState, SourceReading
from tui.core.config.alerts import AlertSource
from tui.core.model import utcnow
from tui.core.sanitize import one_line, sanitize
from tui.core.silences import Silence

MAX_ALERTS = 5000
"""Alerts kept per source and reading (an alert storm beyond it is counted, not held)."""
MAX_VALUE = 2000
"""Characters kept of one label or annotation value (a 100 KB value is cut)."""
MAX_NAME = 200
MAX_PAIRS = 64
"""Labels (or annotations) kept per alert."""


class AlertmanagerProbe:
    """`await probe()` returns a SourceReading; remembers since when the source fails."""

    def __init__(self, source: AlertSource, clients: HttpClients, timeout: float) -> None:
        self.source = source
        self.clients = clients
        self.timeout = timeout
        self._failing_since: dt.datetime | None = None
        self._last: tuple[bytes, tuple[tuple[Alert, ...], int]] | None = None
        """The last answer and its parse: an unchanged answer (an alert storm polled every
        round) is not parsed and sanitized again on the event loop."""
        base = source.url.rstrip("/")
        self.url = base if base.endswith("/api/v2/alerts") else base + "/api/v2/alerts"
        self.params = [("active", "true"), ("silenced", "true"), ("inhibited", "true"),
                       *(("filter", m) for m in source.filter)]

    async def probe(self) -> SourceReading:
        try:
            client = await self.clients.for_url(self.url, self.source.verify_tls,
                                                owner=f"alerts:{self.source.name}")
            async with client.stream("GET", self.url, params=self.params,
                                     headers=dict(self.source.headers),
                                     timeout=self.timeout) as response:
                if response.status_code != 200:
                    body = await _read_capped(response, 4096) or b""
                    said = one_line(body.decode("utf-8", "replace"))[:120]
                    return self.failed(f"HTTP {response.status_code}"
                                       + (f": {said}" if said else ""))
                body = await _read_capped(response, self.source.max_bytes)
        except Exception as exc:  # transport: in words
            return self.failed(describe_error(exc, self.timeout))
        if body is None:
            return self.failed(f"answer larger than {self.source.max_bytes} bytes")
        if self._last is not None and self._last[0] == body:
            alerts, dropped = self._last[1]
        else:
            try:
                alerts, dropped = parse_alerts(json.loads(body), self.source.name)
            except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
                self._last = None
                return self.failed(f"not an Alertmanager v2 answer ({one_line(str(exc))[:80]})")
            self._last = (body, (alerts, dropped))
        self._failing_since = None
        return SourceReading(self.source.name, utcnow(), alerts, truncated=dropped)

    def failed(self, reason: str) -> SourceReading:
        now = utcnow()
        self._failing_since = self._failing_since or now
        return SourceReading(self.source.name, now, error=one_line(reason)[:200],
                             since=self._failing_since)


def parse_alerts(doc: Any, source: str) -> tuple[tuple[Alert, ...], int]:
    """The alerts of a `GET /api/v2/alerts` answer and how many were dropped past MAX_ALERTS.
    Raises ValueError when `doc` is not such an answer."""
    if not isinstance(doc, list):
        raise ValueError(f"expected a list of alerts, got {type(doc).__name__}")
    alerts: list[Alert] = []
    for item in doc[:MAX_ALERTS]:
        if not isinstance(item, dict) or not isinstance(item.get("labels"), dict):
            raise ValueError("an alert without labels")
        labels = _pairs(item["labels"])
        fingerprint = item.get("fingerprint")
        if not isinstance(fingerprint, str) or not fingerprint:
            fingerprint = json.dumps(labels)  # the label set identifies an alert
        status = item.get("status") if isinstance(item.get("status"), dict) else {}
        alerts.append(Alert(
            one_line(fingerprint)[:MAX_NAME], labels,
            _pairs(item.get("annotations") or {}), _state(status),
            parse_since(item["startsAt"]) if isinstance(item.get("startsAt"), str) else None,
            (source,)))
    return tuple(alerts), max(0, len(doc) - MAX_ALERTS)


def _state(status: dict[str, Any]) -> AlertState:
    if status.get("silencedBy"):
        return "silenced"
    if status.get("inhibitedBy"):
        return "inhibited"
    return "silenced" if status.get("state") == "suppressed" else "firing"


def _pairs(mapping: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(mapping, dict):
        raise ValueError("labels and annotations must be objects")
    out = []
    for key, value in list(mapping.items())[:MAX_PAIRS]:
        text = value if isinstance(value, str) else json.dumps(value)
        out.append((_cut(one_line(str(key)), MAX_NAME), _cut(sanitize(text).strip(), MAX_VALUE)))
    return tuple(sorted(out))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def post_silence(source: AlertSource, clients: HttpClients, timeout: float,
                       body: dict[str, Any]) -> str:
    """Create a silence (`POST /api/v2/silences`); its id. Raises RuntimeError in words."""
    base = _base(source)
    try:
        client = await clients.for_url(base, source.verify_tls, owner=f"alerts:{source.name}")
        response = await client.post(base + "/api/v2/silences", json=body,
                                     headers=dict(source.headers), timeout=timeout)
    except Exception as exc:
        raise RuntimeError(f"{source.name}: {describe_error(exc, timeout)}") from None
    text = response.content[:4096].decode("utf-8", "replace")
    if response.status_code != 200:
        raise RuntimeError(f"{source.name}: HTTP {response.status_code}: {one_line(text)[:160]}")
    try:
        silence_id = json.loads(text)["silenceID"]
    except (ValueError, KeyError, TypeError):
        raise RuntimeError(f"{source.name}: not a silence id: {one_line(text)[:80]}") from None
    return one_line(str(silence_id))[:64]


MAX_SILENCES = 500
"""Silences listed per source (the newest kept)."""


def _base(source: AlertSource) -> str:
    return source.url.rstrip("/").removesuffix("/api/v2/alerts")


async def list_silences(source: AlertSource, clients: HttpClients, timeout: float
                        ) -> list[Silence]:
    """The silences one Alertmanager knows (`GET /api/v2/silences`), sanitized and bounded.
    Raises RuntimeError in words (no header value in it)."""
    base = _base(source)
    try:
        client = await clients.for_url(base, source.verify_tls, owner=f"alerts:{source.name}")
        async with client.stream("GET", base + "/api/v2/silences",
                                 headers=dict(source.headers), timeout=timeout) as response:
            body = await _read_capped(response, source.max_bytes)
            status = response.status_code
    except Exception as exc:
        raise RuntimeError(f"{source.name}: {describe_error(exc, timeout)}") from None
    if body is None:
        raise RuntimeError(f"{source.name}: answer larger than {source.max_bytes} bytes")
    if status != 200:
        said = one_line(body[:4096].decode("utf-8", "replace"))[:160]
        raise RuntimeError(f"{source.name}: HTTP {status}: {said}")
    try:
        return parse_silences(json.loads(body), source.name)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        raise RuntimeError(f"{source.name}: not a silences answer "
                           f"({one_line(str(exc))[:80]})") from None


def parse_silences(doc: Any, source: str) -> list[Silence]:
    if not isinstance(doc, list):
        raise ValueError(f"expected a list of silences, got {type(doc).__name__}")
    out: list[Silence] = []
    for item in doc[-MAX_SILENCES:]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ValueError("a silence without an id")
        matchers = []
        for m in (item.get("matchers") or [])[:MAX_PAIRS]:
            if not isinstance(m, dict):
                raise ValueError("a matcher is not an object")
            op = ("=~" if m.get("isRegex") else "=") if m.get("isEqual", True) else \
                ("!~" if m.get("isRegex") else "!=")
            value = _cut(one_line(str(m.get("value", ""))), MAX_VALUE)
            matchers.append(f'{_cut(one_line(str(m.get("name", ""))), MAX_NAME)}{op}"{value}"')
        status = item.get("status") if isinstance(item.get("status"), dict) else {}
        out.append(Silence(
            _cut(one_line(item["id"]), 64), tuple(matchers),
            _cut(one_line(str(item.get("createdBy", ""))), MAX_NAME),
            _cut(one_line(str(item.get("comment", ""))), MAX_VALUE),
            parse_since(item["startsAt"]) if isinstance(item.get("startsAt"), str) else None,
            parse_since(item["endsAt"]) if isinstance(item.get("endsAt"), str) else None,
            one_line(str(status.get("state", "?")))[:16], (source,)))
    return out


async def expire_silence(source: AlertSource, clients: HttpClients, timeout: float,
                         silence_id: str) -> None:
    """Expire a silence now (`DELETE /api/v2/silence/{id}`). Raises RuntimeError in words."""
    base = _base(source)
    try:
        client = await clients.for_url(base, source.verify_tls, owner=f"alerts:{source.name}")
        response = await client.delete(f"{base}/api/v2/silence/{quote(silence_id, safe='')}",
                                       headers=dict(source.headers), timeout=timeout)
    except Exception as exc:
        raise RuntimeError(f"{source.name}: {describe_error(exc, timeout)}") from None
    if response.status_code != 200:
        said = one_line(response.content[:4096].decode("utf-8", "replace"))[:160]
        raise RuntimeError(f"{source.name}: HTTP {response.status_code}: {said}")
