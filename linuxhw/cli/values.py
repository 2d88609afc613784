"""Parsing command-line values: integers as i2c-tools take them, byte sizes, durations, on/off words.

Each parser raises :class:`UsageError` naming what was expected, so a typo exits with status 2.
"""

from __future__ import annotations

import argparse
import re
from typing import Callable, TypeVar

from linuxhw.cli.errors import UsageError

T = TypeVar("T")

_SIZE = re.compile(r"(?i)^\s*(0x[0-9a-f]+|\d+)\s*([kmg]i?b?|b)?\s*$")
_SIZE_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
_DURATION = re.compile(r"(?i)^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|ms|s)?\s*$")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, None: 1.0}
_TRUE = ("1", "active", "on", "true", "high")
_FALSE = ("0", "inactive", "off", "false", "low")


def parse_int(text: str, what: str, low: int = 0, high: int | None = None) -> int:
    """``0x1c``, ``28``, ``0o34``, ``0b11100`` (what strtoul(…, 0) takes, leading zeros read as decimal)."""
    try:
        value = int(text, 0)
    except ValueError:
        try:
            value = int(text, 10)
        except ValueError:
            raise UsageError(f"{what} must be an integer (decimal or 0x hex), not {text!r}") from None
    if value < low or (high is not None and value > high):
        span = f"{low:#x}..{high:#x}" if high is not None else f">= {low}"
        raise UsageError(f"{what} must be {span}, not {text}")
    return value


def parse_size(text: str, what: str = "size") -> int:
    """``4096``, ``0x1000``, ``4K``, ``1M``, ``2MiB`` -> bytes (binary units)."""
    match = _SIZE.match(text)
    if not match:
        raise UsageError(f"{what} must be a byte count such as 4096, 0x1000, 64K or 1M, not {text!r}")
    number, unit = match.groups()
    return int(number, 0) * _SIZE_UNITS[(unit or "")[:1].lower()]


def parse_duration(text: str, what: str = "duration") -> float:
    """``0.005``, ``5ms``, ``100us``, ``2s`` -> seconds."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"{what} must be a time such as 5ms, 100us or 0.5 (seconds), not {text!r}")
    number, unit = match.groups()
    return float(number) * _DURATION_UNITS[unit.lower() if unit else None]


def parse_level(text: str, what: str = "value") -> int:
    """1/0, active/inactive, on/off, true/false, high/low -> 1 or 0 (logical levels)."""
    word = text.strip().lower()
    if word in _TRUE:
        return 1
    if word in _FALSE:
        return 0
    raise UsageError(f"{what} must be 1/0, active/inactive, on/off or true/false, not {text!r}")


def argument_type(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` as an argparse ``type=``: its UsageError message becomes argparse's own error text."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert
