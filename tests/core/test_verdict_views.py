"""The color panel never shows a healthy OK for a color nothing checks."""

from __future__ import annotations

import io

from rich.console import Console

from tui.core.config import parse_config
from tui.core.model import ColorReading, ColorResult, utcnow
from tui.core.store import Store
from tui.core.verdict import Exit, verdict
from tui.core.views import color_view
from widgets.color import ColorPanel


def test_a_color_without_services_shows_no_checks() -> None:
    config = parse_config('[environment]\nname = "t"\n[color]\n[[color.sources]]\n'
                          'kind = "state_file"\npath = "state"\n')
    store = Store()
    store.put_color(ColorResult("blue", "green", (ColorReading("state", "blue"),), utcnow()), 30)
    view = color_view(config, store)
    assert view is not None and [c.state for c in view.columns] == [None, None]
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(ColorPanel()._table(view))
    text = out.getvalue()
    assert text.count("no checks") == 2 and "OK" not in text
    # the color source alone is checked: its reading is all there is, and it is fine
    assert verdict(config, store).code is Exit.OK


def test_maintenance_config_errors_name_the_key() -> None:
    import pytest

    from tui.core.config import ConfigError

    base = ('[environment]\nname = "t"\n[[services]]\nname = "api"\n'
            'url = "http://127.0.0.1:9/"\n[maintenance]\n')
    with pytest.raises(ConfigError) as err:
        parse_config(base + 'action = "nope"\n')
    assert "maintenance.pattern: is required with a status command" in err.value.render()
    with pytest.raises(ConfigError) as err:
        parse_config(base + 'services = ["apii"]\naction = "nope"\npattern = "ON"\n')
    shown = err.value.render()
    assert "maintenance.services[0]: no service named 'apii'" in shown
    assert "maintenance.action: no action named 'nope'" in shown
