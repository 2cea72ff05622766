"""A real Prometheus (Debian `prometheus`) on a loopback port, scraping a loopback exporter the
tests run (`Exporter`: text exposition whose values the test sets), every second.

    prom = start_prometheus(workdir)
    prom.exporter.set("queue_depth", 42, color="blue")
    prom.wait_value('queue_depth{color="blue"}', 42)

Storage lives in `workdir`; `stop()` ends the process and the exporter.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.infra.common import free_port, spawn, terminate, wait_ready, wait_until
from tests.infra.http import Custom, Handler, HttpServer

BINARY = "prometheus"
CONFIG = """\
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: exporter
    static_configs:
      - targets: ["127.0.0.1:{port}"]
"""


def available() -> str | None:
    """The binary's path, None when it is not installed."""
    return shutil.which(BINARY)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


class Exporter:
    """A loopback `/metrics` endpoint in the text exposition format; `set` changes a value."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        self._lock = threading.Lock()
        self.server = HttpServer()
        self.server.route("/metrics", Custom(self._serve))

    @property
    def port(self) -> int:
        return self.server.port

    def set(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            self._values[(name, tuple(sorted(labels.items())))] = value

    def text(self) -> str:
        with self._lock:
            items = sorted(self._values.items())
        lines = []
        for (name, labels), value in items:
            pairs = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
            shown = _number(value)
            lines.append(f"{name}{{{pairs}}} {shown}" if pairs else f"{name} {shown}")
        return "\n".join(lines) + "\n"

    def _serve(self, h: Handler) -> None:
        body = self.text().encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; version=0.0.4")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


@dataclass
class Prometheus:
    port: int
    workdir: Path
    exporter: Exporter
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def query(self, expr: str) -> Any:
        """The `data.result` of an instant query (raises on an error answer)."""
        q = urllib.parse.urlencode({"query": expr})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{q}", timeout=5) as resp:
            return json.loads(resp.read())["data"]["result"]

    def value(self, expr: str) -> float | None:
        result = self.query(expr)
        if isinstance(result, list):
            return float(result[0]["value"][1]) if result else None
        return float(result[1])

    def wait_value(self, expr: str, expected: float, timeout: float = 10.0) -> None:
        """Until Prometheus has scraped `expected` for `expr`."""
        def seen() -> bool:
            value = self.value(expr)
            return value is not None and (value == expected
                                          or (math.isnan(value) and math.isnan(expected)))

        wait_until(seen, timeout=timeout, interval=0.1,
                   what=f"prometheus to see {expr} = {expected}")

    def stop(self) -> None:
        terminate(self.process)
        self.exporter.server.stop()


def start_prometheus(workdir: Path) -> Prometheus:
    binary = available()
    assert binary is not None
    workdir.mkdir(parents=True, exist_ok=True)
    exporter = Exporter()
    (workdir / "prometheus.yml").write_text(CONFIG.replace("{port}", str(exporter.port)))
    port = free_port()
    log = workdir / "prometheus.log"
    proc = spawn(
        [binary, f"--config.file={workdir / 'prometheus.yml'}",
         f"--web.listen-address=127.0.0.1:{port}",
         f"--storage.tsdb.path={workdir / 'data'}"],
        log, stdin=subprocess.DEVNULL)
    prom = Prometheus(port, workdir, exporter, proc)

    def ready() -> None:
        with urllib.request.urlopen(f"{prom.url}/-/ready", timeout=2):
            pass

    wait_ready("prometheus", proc, log, ready, 20, prom.stop)
    return prom
