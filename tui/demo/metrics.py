"""Prometheus metrics of one demo color, written by hand (text exposition format 0.0.4).

    demo_http_requests_total{color, route, code}      counter (code "reset": connection reset)
    demo_http_request_duration_seconds{color}         histogram of the answers' latency
    demo_live{color}                                  1 while the router sends traffic here
    demo_maintenance{color}                           1 while a maintenance layer is on
    demo_build_info{color, build}                     always 1

Routes are a fixed set (anything else counts as "other"), so hostile paths cannot grow the
series. Plain stdlib: the service processes import it cheaply.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import Counter

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ROUTES = ("/health.php", "/v2/health", "/v2/listings", "/")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def route_of(path: str) -> str:
    path = path.split("?", 1)[0]
    return path if path in ROUTES else "other"


class Registry:
    """Counters and one histogram, thread-safe (the server answers in a thread per request)."""

    def __init__(self, color: str, build: str) -> None:
        self.color, self.build = color, build
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str]] = Counter()
        self._buckets = [0] * (len(BUCKETS) + 1)  # the last one is +Inf
        self._sum = 0.0
        self._count = 0

    def observe(self, path: str, code: int | str, seconds: float) -> None:
        with self._lock:
            self._requests[(route_of(path), str(code))] += 1
            self._buckets[bisect_left(BUCKETS, seconds)] += 1
            self._sum += seconds
            self._count += 1

    def render(self, live: bool, maintenance: bool) -> bytes:
        c = _escape(self.color)
        with self._lock:
            requests = sorted(self._requests.items())
            buckets, total, count = list(self._buckets), self._sum, self._count
        out = [
            "# HELP demo_http_requests_total HTTP requests answered, by route and status code.",
            "# TYPE demo_http_requests_total counter",
        ]
        out += [f'demo_http_requests_total{{color="{c}",route="{_escape(route)}",'
                f'code="{code}"}} {n}' for (route, code), n in requests]
        out += [
            "# HELP demo_http_request_duration_seconds Time to answer a request.",
            "# TYPE demo_http_request_duration_seconds histogram",
        ]
        running = 0
        for bound, n in zip((*BUCKETS, None), buckets, strict=True):
            running += n
            le = "+Inf" if bound is None else repr(bound)
            out.append(f'demo_http_request_duration_seconds_bucket{{color="{c}",le="{le}"}} '
                       f"{running}")
        out += [
            f'demo_http_request_duration_seconds_sum{{color="{c}"}} {total!r}',
            f'demo_http_request_duration_seconds_count{{color="{c}"}} {count}',
            "# HELP demo_live 1 while the router sends the public traffic to this color.",
            "# TYPE demo_live gauge",
            f'demo_live{{color="{c}"}} {int(live)}',
            "# HELP demo_maintenance 1 while a maintenance layer (gate or database) is on.",
            "# TYPE demo_maintenance gauge",
            f'demo_maintenance{{color="{c}"}} {int(maintenance)}',
            "# HELP demo_build_info The build this color runs.",
            "# TYPE demo_build_info gauge",
            f'demo_build_info{{color="{c}",build="{_escape(self.build)}"}} 1',
        ]
        return ("\n".join(out) + "\n").encode()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
