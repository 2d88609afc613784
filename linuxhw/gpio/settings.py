"""LineSettings: how one line is requested, validated with the kernel's own rules before any ioctl."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta

from linuxhw._uapi import lib
from linuxhw.gpio.enums import Bias, Clock, Direction, Drive, Edge

__all__ = ["LineSettings"]

MAX_DEBOUNCE_US = 0xFFFFFFFF


def _check_enum(name: str, value: object, kind: type) -> None:
    if not isinstance(value, kind):
        allowed = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)  # type: ignore[attr-defined]
        raise TypeError(f"{name} must be one of {allowed}, not {value!r}")


@dataclass(frozen=True)
class LineSettings:
    """Settings for one line of a request.

    ``debounce_period`` is in seconds (or a timedelta) with microsecond resolution;
    ``output_value`` is the logical value an output starts with (default 0).
    """

    direction: Direction = Direction.AS_IS
    edge: Edge = Edge.NONE
    bias: Bias = Bias.AS_IS
    drive: Drive = Drive.PUSH_PULL
    active_low: bool = False
    debounce_period: float | timedelta = 0.0
    event_clock: Clock = Clock.MONOTONIC
    output_value: int | None = None

    def __post_init__(self) -> None:
        _check_enum("direction", self.direction, Direction)
        _check_enum("edge", self.edge, Edge)
        _check_enum("bias", self.bias, Bias)
        _check_enum("drive", self.drive, Drive)
        _check_enum("event_clock", self.event_clock, Clock)
        if not isinstance(self.active_low, bool):
            raise TypeError(f"active_low must be a bool, not {self.active_low!r}")
        period = self.debounce_period
        if isinstance(period, timedelta):
            period = period.total_seconds()
        if isinstance(period, bool) or not isinstance(period, (int, float)):
            raise TypeError(f"debounce_period must be seconds (float) or a timedelta, not {period!r}")
        if not 0 <= period * 1e6 <= MAX_DEBOUNCE_US:
            raise ValueError(f"debounce_period must be between 0 and {MAX_DEBOUNCE_US} µs, not {period!r} s")
        object.__setattr__(self, "debounce_period", float(period))
        if self.bias is Bias.UNKNOWN:
            raise ValueError("bias=Bias.UNKNOWN only describes line info; request AS_IS, DISABLED or a pull")
        if self.output_value is not None and self.output_value not in (0, 1):
            raise ValueError(f"output_value must be 0, 1 or None, not {self.output_value!r}")
        self._check_kernel_rules()

    def _check_kernel_rules(self) -> None:
        """The combinations gpiolib-cdev rejects with EINVAL, said in words."""
        if self.edge is not Edge.NONE and self.direction is not Direction.INPUT:
            raise ValueError(f"edge={self.edge.name} needs direction=INPUT: the kernel detects edges on inputs only")
        if self.debounce_period and self.direction is not Direction.INPUT:
            raise ValueError("debounce_period needs direction=INPUT: the kernel debounces inputs only")
        if self.drive is not Drive.PUSH_PULL and self.direction is not Direction.OUTPUT:
            raise ValueError(f"drive={self.drive.name} needs direction=OUTPUT")
        if self.bias is not Bias.AS_IS and self.direction is Direction.AS_IS:
            raise ValueError(f"bias={self.bias.name} needs an explicit direction (INPUT or OUTPUT), not AS_IS")
        if self.output_value is not None and self.direction is not Direction.OUTPUT:
            raise ValueError("output_value applies to direction=OUTPUT only")

    @property
    def _seconds(self) -> float:
        period = self.debounce_period  # always a float after __post_init__
        return period.total_seconds() if isinstance(period, timedelta) else float(period)

    @property
    def debounce_us(self) -> int:
        """The debounce period as the kernel takes it, in microseconds."""
        return round(self._seconds * 1_000_000)

    def replace(self, **changes: object) -> LineSettings:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def to_flags(self) -> int:
        """The GPIO_V2_LINE_FLAG_* bits for these settings."""
        flags: int = _DIRECTION_FLAGS[self.direction] | _EDGE_FLAGS[self.edge] | _BIAS_FLAGS[self.bias]
        flags |= _DRIVE_FLAGS[self.drive] | _CLOCK_FLAGS[self.event_clock]
        if self.active_low:
            flags |= lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW
        return flags


_DIRECTION_FLAGS = {
    Direction.AS_IS: 0,
    Direction.INPUT: lib.GPIO_V2_LINE_FLAG_INPUT,
    Direction.OUTPUT: lib.GPIO_V2_LINE_FLAG_OUTPUT,
}
_EDGE_FLAGS = {
    Edge.NONE: 0,
    Edge.RISING: lib.GPIO_V2_LINE_FLAG_EDGE_RISING,
    Edge.FALLING: lib.GPIO_V2_LINE_FLAG_EDGE_FALLING,
    Edge.BOTH: lib.GPIO_V2_LINE_FLAG_EDGE_RISING | lib.GPIO_V2_LINE_FLAG_EDGE_FALLING,
}
_BIAS_FLAGS = {
    Bias.AS_IS: 0,
    Bias.UNKNOWN: 0,
    Bias.DISABLED: lib.GPIO_V2_LINE_FLAG_BIAS_DISABLED,
    Bias.PULL_UP: lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP,
    Bias.PULL_DOWN: lib.GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN,
}
_DRIVE_FLAGS = {
    Drive.PUSH_PULL: 0,
    Drive.OPEN_DRAIN: lib.GPIO_V2_LINE_FLAG_OPEN_DRAIN,
    Drive.OPEN_SOURCE: lib.GPIO_V2_LINE_FLAG_OPEN_SOURCE,
}
_CLOCK_FLAGS = {
    Clock.MONOTONIC: 0,
    Clock.REALTIME: lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME,
    Clock.HTE: lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE,
}
