"""IIO attribute values as text: what the core prints (iio_format_value) and what it parses
(iio_str_to_fixpoint), and ``_available`` lists in both of their forms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Union

__all__ = ["Available", "format_value", "parse_available", "parse_int", "parse_number"]

Number = Union[int, float]


def parse_number(text: str, what: str) -> float:
    """A value as the core prints it: ``7``, ``0.001220703``, ``-0.500000`` (IIO_VAL_INT, _PLUS_MICRO,
    _PLUS_NANO, FRACTIONAL...); ValueError naming ``what`` for anything else (several values, words)."""
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what} holds {text.strip()!r}, not one number") from None


def parse_int(text: str, what: str) -> int:
    """A raw value (an integer); ValueError naming ``what`` otherwise."""
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{what} holds {text.strip()!r}, not an integer") from None


def format_value(value: Number, what: str) -> str:
    """``value`` as iio_str_to_fixpoint() parses it: digits, one optional point, no exponent
    (``1e-05`` would be EINVAL); TypeError/ValueError naming ``what`` for a bool, NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number (int or float), not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Available:
    """An ``_available`` list: either ``values`` (the discrete ones a driver takes) or a ``[min step max]``
    range (``values`` empty). ``x in available`` says whether a driver would take ``x``."""

    values: tuple[float, ...] = ()
    minimum: float | None = None
    step: float | None = None
    maximum: float | None = None

    @property
    def is_range(self) -> bool:
        return self.minimum is not None

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.minimum is None or self.maximum is None or self.step is None:
            return any(math.isclose(value, v, rel_tol=1e-9, abs_tol=1e-12) for v in self.values)
        if not self.minimum <= value <= self.maximum:
            return False
        if self.step == 0:
            return True
        steps = (value - self.minimum) / self.step
        return math.isclose(steps, round(steps), abs_tol=1e-6)

    def __str__(self) -> str:
        if self.minimum is not None:
            return f"{self.minimum:g} to {self.maximum:g} in steps of {self.step:g}"
        return ", ".join(f"{v:g}" for v in self.values)


def parse_available(text: str, what: str) -> Available:
    """An ``_available`` attribute: ``"1 10 100"`` or the range form ``"[0 1 1023]"`` (IIO_AVAIL_RANGE)."""
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        parts = stripped[1:-1].split()
        if len(parts) != 3:
            raise ValueError(f"{what} holds {stripped!r}, not a range [min step max]")
        low, step, high = (parse_number(p, what) for p in parts)
        return Available(minimum=low, step=step, maximum=high)
    return Available(values=tuple(parse_number(p, what) for p in stripped.split()))
