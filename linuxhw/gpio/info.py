"""Frozen records decoded from the kernel's structs: chip info, line info, edge and info events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from linuxhw._uapi import ffi, lib
from linuxhw.gpio.enums import Bias, Clock, Direction, Drive, Edge, EdgeType, InfoChangeType

__all__ = ["ChipInfo", "EdgeEvent", "InfoEvent", "LineInfo"]


@dataclass(frozen=True)
class ChipInfo:
    """A GPIO chip: kernel name (gpiochipN), label (driver's name for it) and line count."""

    name: str
    label: str
    num_lines: int


@dataclass(frozen=True)
class LineInfo:
    """What the kernel says about one line right now."""

    offset: int
    name: str
    consumer: str
    used: bool
    direction: Direction
    active_low: bool
    bias: Bias
    drive: Drive
    edge: Edge
    debounce_period: float
    event_clock: Clock

    @property
    def debounced(self) -> bool:
        """True when the kernel debounces this line."""
        return self.debounce_period > 0


class EdgeEvent(NamedTuple):
    """One edge seen by the kernel. ``seqno`` counts events of the request, ``line_seqno`` of the line.

    A named tuple rather than a frozen dataclass: reads return hundreds at a time, and a tuple
    can be built in C (see ``gpio._edge_events``) for a fraction of a dataclass instance's cost.
    """

    type: EdgeType
    timestamp_ns: int
    line_offset: int
    seqno: int
    line_seqno: int


@dataclass(frozen=True)
class InfoEvent:
    """A watched line was requested, released or reconfigured; ``info`` is its state after the change."""

    type: InfoChangeType
    timestamp_ns: int
    info: LineInfo


def text(field: Any) -> str:
    """A NUL-terminated char array from a struct as str."""
    return ffi.string(field).decode("utf-8", "replace")  # type: ignore[no-any-return]


def _bias(flags: int) -> Bias:
    if flags & lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP:
        return Bias.PULL_UP
    if flags & lib.GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN:
        return Bias.PULL_DOWN
    if flags & lib.GPIO_V2_LINE_FLAG_BIAS_DISABLED:
        return Bias.DISABLED
    return Bias.UNKNOWN


def _drive(flags: int) -> Drive:
    if flags & lib.GPIO_V2_LINE_FLAG_OPEN_DRAIN:
        return Drive.OPEN_DRAIN
    if flags & lib.GPIO_V2_LINE_FLAG_OPEN_SOURCE:
        return Drive.OPEN_SOURCE
    return Drive.PUSH_PULL


def _edge(flags: int) -> Edge:
    rising = bool(flags & lib.GPIO_V2_LINE_FLAG_EDGE_RISING)
    falling = bool(flags & lib.GPIO_V2_LINE_FLAG_EDGE_FALLING)
    if rising and falling:
        return Edge.BOTH
    return Edge.RISING if rising else Edge.FALLING if falling else Edge.NONE


def _clock(flags: int) -> Clock:
    if flags & lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME:
        return Clock.REALTIME
    if flags & lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE:
        return Clock.HTE
    return Clock.MONOTONIC


def decode_line_info(info: Any) -> LineInfo:
    """Decode a ``struct gpio_v2_line_info``."""
    flags = info.flags
    debounce_us = 0
    for i in range(info.num_attrs):
        if info.attrs[i].id == lib.GPIO_V2_LINE_ATTR_ID_DEBOUNCE:
            debounce_us = info.attrs[i].debounce_period_us
    if flags & lib.GPIO_V2_LINE_FLAG_OUTPUT:
        direction = Direction.OUTPUT
    elif flags & lib.GPIO_V2_LINE_FLAG_INPUT:
        direction = Direction.INPUT
    else:
        direction = Direction.AS_IS
    return LineInfo(
        offset=info.offset,
        name=text(info.name),
        consumer=text(info.consumer),
        used=bool(flags & lib.GPIO_V2_LINE_FLAG_USED),
        direction=direction,
        active_low=bool(flags & lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW),
        bias=_bias(flags),
        drive=_drive(flags),
        edge=_edge(flags),
        debounce_period=debounce_us / 1_000_000,
        event_clock=_clock(flags),
    )


def decode_info_event(changed: Any) -> InfoEvent:
    """Decode a ``struct gpio_v2_line_info_changed``."""
    return InfoEvent(
        type=InfoChangeType(changed.event_type),
        timestamp_ns=changed.timestamp_ns,
        info=decode_line_info(changed.info),
    )
