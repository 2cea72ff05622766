"""Typed, frozen, strictly validated configuration."""

from .errors import ConfigError, ConfigIssue
from .loader import find_config, load_config, parse_config, permission_warnings, search_paths
from .schema import Config, Defaults, Environment, Host

__all__ = [
    "Config",
    "ConfigError",
    "ConfigIssue",
    "Defaults",
    "Environment",
    "Host",
    "find_config",
    "load_config",
    "parse_config",
    "permission_warnings",
    "search_paths",
]
