"""The metrics panel in the app: composed when `[[metrics]]` is configured, rendered from the
store in the app's render pass (`metrics_flush`). The rows' states reach the banner through
the verdict (`tui/core/verdict.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from textual.widget import Widget

from tui.core.metrics import metric_views
from tui.core.model import utcnow
from tui.features.base import WarroomBase
from widgets.metrics import MetricsPanel


class MetricsMixin(WarroomBase):
    """Mixed into `WarroomApp`: the metrics panel."""

    def compose_metrics(self) -> Iterator[Widget]:
        if self.config.metrics:
            yield MetricsPanel()

    def metrics_flush(self, now: dt.datetime | None = None) -> None:
        """Render the metric rows (call inside the app's batch_update)."""
        if not self.config.metrics:
            return
        now = now or utcnow()
        views = metric_views(self.config, self.store, now)
        for panel in self.panels(MetricsPanel):
            panel.show(views, now)
