"""`[[actions]]` / `[operator]` schema: strict, with every problem named by key path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tui.core.config import Config, ConfigError

ROLLBACK = {
    "name": "rollback", "key": "b", "argv": ["bluegreen.sh", "rollback", "--to={idle}"],
    "confirm": "typed", "confirm_target": "{idle}", "expect_color": "{idle}",
    "preflight": [{"check": "services", "color": "{idle}", "state": "OK"}, {"check": "fresh"}],
    "refresh": ["color", "services"],
}


def errors(make_config: Callable[..., Config], **data: Any) -> str:
    with pytest.raises(ConfigError) as info:
        make_config(**data)
    return info.value.render()


def test_valid_actions_load(make_config: Callable[..., Config]) -> None:
    config = make_config(actions=[ROLLBACK], operator={"arm_minutes": 5})
    (action,) = config.actions
    assert action.argv == ("bluegreen.sh", "rollback", "--to={idle}")
    assert action.preflight[0].color == "{idle}" and action.typed_target == "{idle}"
    assert config.operator.arm_minutes == 5


def test_duplicates_reserved_keys_and_unknown_host(make_config: Callable[..., Config]) -> None:
    text = errors(make_config, actions=[
        ROLLBACK, {**ROLLBACK, "key": "k"}, {"name": "two", "key": "b", "argv": ["true"]},
        {"name": "quit", "key": "q", "argv": ["true"]},
        {"name": "tmux", "key": "ctrl+b", "argv": ["true"]},
        {"name": "far", "key": "h", "argv": ["true"], "host": "nowhere"},
        {"name": "arm", "key": "o", "argv": ["true"]},
        {"name": "wrap", "key": "w", "argv": ["true"]},
    ])
    assert "actions[1].name: duplicate action name 'rollback'" in text
    assert "actions[2].key: duplicate action key 'b'" in text
    assert "actions[3].key: key 'q' is taken by an app binding" in text
    assert "actions[4].key: key 'ctrl+b'" in text
    assert "actions[5].host: unknown host 'nowhere'" in text
    assert "actions[6].key: key 'o' is taken by operator.arm_key" in text
    assert "actions[7].key: key 'w' is taken by an app binding" in text  # the logs' wrap key


def test_templates_and_shell_rules(make_config: Callable[..., Config]) -> None:
    text = errors(make_config, actions=[
        {"name": "a", "key": "a", "argv": ["echo", "{colour}"]},
        {"name": "b", "key": "b", "argv": ["echo {idle}"], "shell": True},
        {"name": "c", "key": "c", "argv": ["one", "two"], "shell": True},
        {"name": "d", "key": "d", "argv": ["x"], "env": {"BAD NAME": "v", "OK": "{idle"}},
        {"name": "e", "key": "e", "argv": ["x"], "refresh": ["colr"],
         "preflight": [{"check": "service", "name": "nope"}, {"check": "services"}]},
    ])
    assert "actions[0].argv[1]: unknown placeholder {colour}" in text
    assert "actions[1].argv[0]: placeholders are not allowed with shell = true" in text
    assert "actions[2].argv: with shell = true give exactly one item" in text
    assert "actions[3].env.BAD NAME: is not a valid environment variable name" in text
    assert "actions[3].env.OK: unbalanced brace" in text
    assert "actions[4].preflight[1].color: check = 'services' needs 'color' or 'group'" in text


def test_reference_rules_need_a_valid_rest(make_config: Callable[..., Config]) -> None:
    text = errors(make_config, actions=[
        {"name": "e", "key": "e", "argv": ["x"], "refresh": ["colr"],
         "preflight": [{"check": "service", "name": "nope"},
                       {"check": "services", "color": "purple"}]},
    ])
    assert "actions[0].refresh[0]: unknown refresh target 'colr'" in text
    assert "actions[0].preflight[0].name: no service named 'nope'" in text
    assert "actions[0].preflight[1].color: 'purple' is not one of the colors" in text


def test_unknown_keys_are_refused(make_config: Callable[..., Config]) -> None:
    text = errors(make_config, actions=[{**ROLLBACK, "shel": True}])
    assert "actions[0].shel: unknown key (did you mean 'shell'?)" in text
