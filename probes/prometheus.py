"""Read one `[[metrics]]` row from Prometheus (HTTP API v1): the instant value
(`GET /api/v1/query`) and the history over the row's window (`GET /api/v1/query_range`), both
each round, concurrently, over the shared `HttpClients`.

The answer is untrusted: read up to `MAX_BYTES`, parsed strictly (`status`, `data.resultType`,
`result`), labels sanitized and cut. A vector of several series keeps at most `MAX_SERIES`
(the worst by the row's thresholds; how many were cut is said). A Prometheus error
(`status: error` with its `errorType` and `error`, on HTTP 400/422/503 ...), garbage, a timeout
or a refused connection is a reading with the error in words, the time it started failing and
the last values read. The range is asked on step-aligned times, so within one step the answer
is the same bytes and is not parsed again. Header values (secrets) are sent, never put into an
error.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
from typing import Any

from probes.http import HttpClients, _read_capped, describe_error
from tui.core.config.metrics import MetricRow, PrometheusDefaults, row_headers, row_url
from tui.core.metrics import MetricReading, Series, severity_key
from tui.core.model import utcnow
from tui.core.sanitize import one_line

MAX_SERIES = 10
"""Series kept per row (the worst ones); the rest are counted."""
MAX_BYTES = 8_000_000
"""The largest answer read; a bigger one is an error, never read into memory."""
MAX_LABEL = 64
"""Characters kept of one label value; a series' label text is cut at MAX_LABELS_TEXT."""
MAX_LABELS_TEXT = 120
MAX_ERROR = 300

LabelKey = tuple[tuple[str, str], ...]


class PrometheusError(Exception):
    """Prometheus answered, but not with values: the message is for the row."""


class PrometheusProbe:
    """`await probe()` returns a MetricReading; remembers since when the row fails and the
    last values read."""

    def __init__(self, row: MetricRow, defaults: PrometheusDefaults | None,
                 clients: HttpClients, timeout: float) -> None:
        self.row = row
        self.clients = clients
        self.timeout = timeout
        base = (row_url(row, defaults) or "").rstrip("/")
        self.base = base.removesuffix("/api/v1/query").removesuffix("/api/v1")
        self.headers = row_headers(row, defaults)
        self.verify = defaults.verify_tls if defaults else True
        self._failing_since: dt.datetime | None = None
        self._good: MetricReading | None = None
        self._range: tuple[bytes, LabelKey | tuple[LabelKey, ...], dict[LabelKey, Any]] | None \
            = None
        """The last range answer, the series it was parsed for and their points."""

    async def probe(self) -> MetricReading:
        now = utcnow()
        step = self.row.step
        end = math.floor(now.timestamp() / step) * step
        slots = math.floor(self.row.window / step) + 1
        start = end - (slots - 1) * step
        try:
            instant, ranged = await asyncio.gather(
                self._get("/api/v1/query", {"query": self.row.query}),
                self._get("/api/v1/query_range", {"query": self.row.query, "start": f"{start:.3f}",
                                                  "end": f"{end:.3f}", "step": f"{step:g}"}),
                return_exceptions=True)
            if isinstance(instant, BaseException):
                raise instant  # the instant query's error says most
            values = parse_instant(json.loads(instant))
            if isinstance(ranged, BaseException):
                raise ranged
            kept, cut = self._keep(values)
            points = self._points(ranged, tuple(kept), start, step, slots)
        except PrometheusError as exc:
            return self.failed(str(exc))
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
            return self.failed(f"not a Prometheus answer ({one_line(str(exc))[:80]})")
        except Exception as exc:  # transport: in words
            return self.failed(describe_error(exc, self.timeout))
        shown = _label_texts(kept)
        series = tuple(Series(shown[key], values[key], points[key])
                       for key in sorted(kept, key=lambda k: shown[k]))
        self._failing_since = None
        self._good = MetricReading(self.row.name, now, series, cut=cut)
        return self._good

    async def _get(self, path: str, params: dict[str, str]) -> bytes:
        url = self.base + path
        params = {**params, "timeout": f"{self.timeout:g}s"}
        client = await self.clients.for_url(url, self.verify, owner=f"metrics:{self.row.name}")
        async with client.stream("GET", url, params=params, headers=self.headers,
                                 timeout=self.timeout) as response:
            body = await _read_capped(response, MAX_BYTES)
            status = response.status_code
        if body is None:
            raise PrometheusError(f"answer larger than {MAX_BYTES // 1_000_000} MB "
                                  "(too many series? aggregate with sum by (...))")
        if status != 200:
            raise PrometheusError(_error_text(status, body))
        return body

    def _keep(self, values: dict[LabelKey, float | None]) -> tuple[list[LabelKey], int]:
        keys = list(values)
        if len(keys) <= MAX_SERIES:
            return keys, 0
        keys.sort(key=lambda k: severity_key(self.row, values[k]), reverse=True)
        return keys[:MAX_SERIES], len(keys) - MAX_SERIES

    def _points(self, body: bytes, kept: tuple[LabelKey, ...], start: float, step: float,
                slots: int) -> dict[LabelKey, tuple[float | None, ...]]:
        if self._range is not None and self._range[0] == body and self._range[1] == kept:
            return self._range[2]  # the same answer: not parsed again
        points = parse_range(json.loads(body), set(kept), start, step, slots)
        empty: tuple[float | None, ...] = (None,) * slots
        for key in kept:
            points.setdefault(key, empty)  # no sample in the window: one shared empty row
        self._range = (body, kept, points)
        return points

    def failed(self, reason: str) -> MetricReading:
        now = utcnow()
        self._failing_since = self._failing_since or now
        good = self._good
        return MetricReading(self.row.name, now, good.series if good else (),
                             error=one_line(reason)[:MAX_ERROR], since=self._failing_since,
                             good_at=good.at if good else None, cut=good.cut if good else 0)


def _error_text(status: int, body: bytes) -> str:
    """Prometheus's own error (`{"status": "error", "errorType", "error"}`) or the body."""
    text = body[:65536].decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("error"), str):
        kind = doc.get("errorType")
        kind = f" {one_line(kind)[:40]}" if isinstance(kind, str) and kind else ""
        said = one_line(doc["error"]).removeprefix('invalid parameter "query": ')
        return f"Prometheus HTTP {status}{kind}: {said}"[:MAX_ERROR]
    said = one_line(text)[:120]
    return f"HTTP {status}" + (f": {said}" if said else "")


def _data(doc: Any) -> tuple[str, Any]:
    if not isinstance(doc, dict):
        raise ValueError(f"expected an object, got {type(doc).__name__}")
    if doc.get("status") == "error":
        raise PrometheusError(f"Prometheus error: {one_line(str(doc.get('error')))}"[:MAX_ERROR])
    if doc.get("status") != "success" or not isinstance(doc.get("data"), dict):
        raise ValueError("no status 'success' with data")
    data = doc["data"]
    kind = data.get("resultType")
    if not isinstance(kind, str):
        raise ValueError("no resultType")
    return kind, data.get("result")


def _number(sample: Any) -> float:
    """A `[time, "value"]` pair's value (NaN and ±Inf as Prometheus writes them)."""
    if not isinstance(sample, list) or len(sample) != 2 or not isinstance(sample[1], str):
        raise ValueError("a sample is not [time, \"value\"]")
    return float(sample[1])


def _key(metric: Any) -> LabelKey:
    if not isinstance(metric, dict):
        raise ValueError("a series' metric is not an object")
    return tuple(sorted((str(k), str(v)) for k, v in metric.items()))


def parse_instant(doc: Any) -> dict[LabelKey, float | None]:
    """The values of a `/api/v1/query` answer by label set. Raises PrometheusError for an
    answer that is not a number (a string, a range vector), ValueError for garbage."""
    kind, result = _data(doc)
    if kind == "scalar":
        return {(): _number(result)}
    if kind == "vector":
        if not isinstance(result, list):
            raise ValueError("a vector's result is not a list")
        out: dict[LabelKey, float | None] = {}
        for item in result:
            if not isinstance(item, dict):
                raise ValueError("a series is not an object")
            out[_key(item.get("metric", {}))] = _number(item.get("value"))
        return out
    if kind == "matrix":
        raise PrometheusError("the query gives a range vector (…[5m]); use an instant "
                              "expression such as rate(…[5m])")
    raise PrometheusError(f"the query gives a {one_line(kind)[:20]}, not a number")


def parse_range(doc: Any, kept: set[LabelKey], start: float, step: float, slots: int
                ) -> dict[LabelKey, tuple[float | None, ...]]:
    """The points of the `kept` series of a `/api/v1/query_range` answer, one slot per step
    from `start` (None where there is no sample)."""
    kind, result = _data(doc)
    if kind != "matrix" or not isinstance(result, list):
        raise ValueError(f"a range answer is a matrix, got {one_line(str(kind))[:20]}")
    out: dict[LabelKey, tuple[float | None, ...]] = {}
    for item in result:
        if not isinstance(item, dict):
            raise ValueError("a series is not an object")
        key = _key(item.get("metric", {}))
        values = item.get("values")
        if not isinstance(values, list):
            raise ValueError("a series has no values")
        if key not in kept:
            continue
        row: list[float | None] = [None] * slots
        for sample in values:
            if not isinstance(sample[0], int | float):
                raise ValueError("a sample's time is not a number")
            i = round((sample[0] - start) / step)
            if 0 <= i < slots:
                row[i] = _number(sample)
        out[key] = tuple(row)
    return out


def _label_texts(keys: list[LabelKey]) -> dict[LabelKey, str]:
    """`{color="blue"}` for each series: labels every series shares dropped (they say nothing
    about which is which), values sanitized and cut; "" for a lone series."""
    if len(keys) <= 1:
        return dict.fromkeys(keys, "")
    common = set(keys[0]).intersection(*map(set, keys[1:]))
    out = {}
    for key in keys:
        name = dict(key).get("__name__", "")
        name = "" if ("__name__", name) in common else name
        pairs = [f'{one_line(k)[:MAX_LABEL]}="{_cut(one_line(v), MAX_LABEL)}"'
                 for k, v in key if k != "__name__" and (k, v) not in common]
        text = one_line(name)[:MAX_LABEL] + ("{" + ", ".join(pairs) + "}" if pairs else "")
        out[key] = _cut(text, MAX_LABELS_TEXT)
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
