"""A real Prometheus Alertmanager (Debian `prometheus-alertmanager`) on a loopback port.

Started as docs say: `--cluster.listen-address=` (no gossip), a temp storage path and a config
whose only receiver drops notifications. Alerts are POSTed to `/api/v2/alerts` as Prometheus
does (`post`); `silence` creates one through the API.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.infra.common import free_port, spawn, terminate, wait_ready

BINARY = "prometheus-alertmanager"
CONFIG = """\
route:
  receiver: "null"
  group_wait: 1h
receivers:
  - name: "null"
inhibit_rules:
  - source_matchers: ['alertname="Inhibitor"']
    target_matchers: ['inhibited="yes"']
"""


def available() -> str | None:
    """The binary's path, None when it is not installed."""
    return shutil.which(BINARY)


@dataclass
class Alertmanager:
    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            text = resp.read()
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text.decode(errors="replace")

    def post(self, *alerts: dict[str, Any]) -> None:
        """POST alerts: each `{"labels": {...}, "annotations": {...}}` (startsAt optional)."""
        self._call("POST", "/api/v2/alerts", list(alerts))

    def resolve(self, *labels: dict[str, str]) -> None:
        """Resolve alerts by their labels (endsAt in the past, as Prometheus does)."""
        past = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat()
        self.post(*({"labels": lab, "endsAt": past} for lab in labels))

    def alerts(self) -> list[dict[str, Any]]:
        return self._call("GET", "/api/v2/alerts")  # type: ignore[no-any-return]

    def silence(self, matchers: dict[str, str], comment: str = "test") -> str:
        now = dt.datetime.now(dt.UTC)
        body = {"matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True}
                             for k, v in matchers.items()],
                "startsAt": now.isoformat(), "endsAt": (now + dt.timedelta(hours=1)).isoformat(),
                "createdBy": "tests", "comment": comment}
        return str(self._call("POST", "/api/v2/silences", body)["silenceID"])

    def stop(self) -> None:
        terminate(self.process)


def start_alertmanager(workdir: Path) -> Alertmanager:
    binary = available()
    assert binary is not None
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "am.yml").write_text(CONFIG)
    port = free_port()
    log = workdir / "am.log"
    proc = spawn(
        [binary, f"--config.file={workdir / 'am.yml'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
         f"--storage.path={workdir / 'data'}"],
        log)
    am = Alertmanager(port, workdir, proc)
    wait_ready("alertmanager", proc, log, lambda: am._call("GET", "/-/ready"), 15, am.stop)
    return am
