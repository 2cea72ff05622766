"""The real Prometheus the metrics tests share: started once per session on a loopback port,
scraping the tests' exporter every second; killed at the end. Each test uses its own metric
names (the exporter is shared)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.infra import prometheus as infra_prom
from tests.infra.common import require


@pytest.fixture(scope="session")
def _prometheus_session(tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[infra_prom.Prometheus | None]:
    if infra_prom.available() is None:
        yield None
        return
    prom = infra_prom.start_prometheus(tmp_path_factory.mktemp("prometheus"))
    try:
        yield prom
    finally:
        prom.stop()


@pytest.fixture
def prometheus(_prometheus_session: infra_prom.Prometheus | None) -> infra_prom.Prometheus:
    """A running Prometheus (CI=true: a missing binary fails, else skips)."""
    require("prometheus", _prometheus_session is not None,
            "binary not installed (apt-get install prometheus)")
    assert _prometheus_session is not None
    return _prometheus_session
