"""Decoding a read()'s worth of struct gpio_v2_line_event records into EdgeEvents in one C call.

This is the per-event cost of reading many events at once, so the records become EdgeEvent
tuples in ``linuxhw._fastpath`` (laid out by the kernel's own header), with no Python per event.
"""

from __future__ import annotations

from typing import Any

from linuxhw import _fastpath
from linuxhw._uapi import ffi
from linuxhw.gpio.enums import EdgeType
from linuxhw.gpio.info import EdgeEvent

__all__ = ["EDGE_TYPES", "RECORD", "decode_edge_events"]

RECORD = "struct gpio_v2_line_event"
_RECORD_SIZE = ffi.sizeof(RECORD)
# EdgeType by kernel event id (the index); None where the kernel defines no id.
EDGE_TYPES = tuple(
    next((edge_type for edge_type in EdgeType if edge_type.value == i), None)
    for i in range(max(edge_type.value for edge_type in EdgeType) + 1)
)


def decode_edge_events(buffer: Any, count: int) -> list[EdgeEvent]:
    """The first ``count`` records of ``buffer`` (a cdata array of gpio_v2_line_event) as EdgeEvents."""
    return _fastpath.edge_events(ffi.buffer(buffer, count * _RECORD_SIZE), count, EdgeEvent, EDGE_TYPES)
