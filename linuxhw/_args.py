"""Argument checks shared by the public API: each raises TypeError or ValueError naming the argument."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

POLL_MAX_MS = 2**31 - 1  # poll(2) takes an int of milliseconds


# Each check first lets the everyday argument (an exact int, a dict) through with one class test: they
# run on hot paths, where an isinstance() against an ABC or a message built up front costs more than
# the ioctl's own Python overhead.


def check_int(value: Any, name: str) -> int:
    """An int that is not a bool (True is no count, offset or mask)."""
    if value.__class__ is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {value!r}")
    return value


def check_mapping(value: Any, name: str) -> Mapping[Any, Any]:
    """A mapping such as ``{line: value}``."""
    if value.__class__ is dict:
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping (e.g. a dict), not {value!r}")
    return value


def check_bit(value: Any, what: str, line: Any) -> int:
    """A logical line value: 0 or 1 (an int or a bool). ``what`` names it, with ``{}`` for ``line``
    (formatted only when the value is wrong)."""
    if value.__class__ is int and 0 <= value <= 1:
        return value
    if not isinstance(value, int) or value not in (0, 1):
        raise ValueError(f"{what.format(repr(line))} must be 0 or 1, not {value!r}")
    return int(value)


def poll_timeout(timeout: Any) -> int | None:
    """poll(2)'s timeout in ms for ``timeout`` seconds: None waits forever, a negative one not at all,
    one longer than poll can wait (~24.8 days, or infinity) waits that long."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be seconds (int or float) or None, not {timeout!r}")
    if math.isnan(timeout):  # inf is fine: capped below
        raise ValueError("timeout must be seconds or None, not nan")
    return math.ceil(min(max(0.0, timeout) * 1000, POLL_MAX_MS))
