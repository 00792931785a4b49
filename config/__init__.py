"""The one home of every setting: defaults in `defaults.toml`, overrides from a file and
from the environment, validated once into a frozen `Settings`."""

from config.settings import (
    DEFAULTS_PATH,
    SPECS,
    ConfigError,
    Settings,
    Spec,
    load_settings,
)

__all__ = ["DEFAULTS_PATH", "SPECS", "ConfigError", "Settings", "Spec", "load_settings"]
