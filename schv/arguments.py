"""Command-line values with bounds. A bad one is argparse's usage error: one line, exit 2.

A value that overrides a setting (`schv query --timeout` for `query.timeout`) is checked
by that setting's own declaration in config.SPECS, so both agree on what is allowed.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from config.settings import ConfigError, parse_setting


def whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value

    return parse


def seconds(high: float, *, zero: bool = False) -> Callable[[str], float]:
    """Seconds: finite, above 0 (or from 0 when `zero`), at most `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
        low_ok = value >= 0 if zero else value > 0
        if not math.isfinite(value) or not low_ok or value > high:
            lower = "at least 0" if zero else "greater than 0"
            raise argparse.ArgumentTypeError(
                f"must be {lower} and at most {high:g} seconds, got {text!r}"
            )
        return value

    return parse


def setting(dotted: str) -> Callable[[str], Any]:
    """A value for the setting `dotted`, converted and checked as the setting is."""

    def parse(text: str) -> Any:
        try:
            return parse_setting(dotted, text)
        except ConfigError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse
