"""Decoding a read()'s worth of struct gpio_v2_line_event records into EdgeEvents in one pass.

The records are unpacked by ``struct.iter_unpack`` (C) with a format laid out from the compiled
header's offsets, and each EdgeEvent is a tuple built without a Python ``__init__``: this is the
per-event cost of reading many events at once.
"""

from __future__ import annotations

import struct
from typing import Any

from linuxhw._uapi import ffi
from linuxhw.gpio.enums import EdgeType
from linuxhw.gpio.info import EdgeEvent

__all__ = ["RECORD", "decode_edge_events"]

RECORD = "struct gpio_v2_line_event"
_FIELDS = (("timestamp_ns", "Q"), ("id", "I"), ("offset", "I"), ("seqno", "I"), ("line_seqno", "I"))


def record_format(ctype: str, fields: tuple[tuple[str, str], ...]) -> struct.Struct:
    """A native-order struct.Struct for ``fields`` of ``ctype`` at the offsets cffi compiled (padding
    skipped), checked field by field against the C sizes so a header change cannot go unnoticed."""
    compiled = dict(ffi.typeof(ctype).fields)
    layout, position = "=", 0
    for name, code in fields:
        field = compiled[name]
        size = struct.calcsize("=" + code)
        if field.offset < position or ffi.sizeof(field.type) != size:
            raise AssertionError(f"{ctype}.{name} does not match struct code {code!r} at offset {field.offset}")
        layout += f"{field.offset - position}x{code}" if field.offset > position else code
        position = field.offset + size
    layout += f"{ffi.sizeof(ctype) - position}x"
    return struct.Struct(layout)


_UNPACK = record_format(RECORD, _FIELDS).iter_unpack
_EDGE_TYPES = {edge_type.value: edge_type for edge_type in EdgeType}
_RECORD_SIZE = ffi.sizeof(RECORD)
_new_tuple = tuple.__new__


def decode_edge_events(buffer: Any, count: int) -> list[EdgeEvent]:
    """The first ``count`` records of ``buffer`` (a cdata array of gpio_v2_line_event) as EdgeEvents."""
    data = ffi.buffer(buffer, count * _RECORD_SIZE)
    types = _EDGE_TYPES
    try:
        return [
            _new_tuple(EdgeEvent, (types[kind], timestamp, offset, seqno, line_seqno))
            for timestamp, kind, offset, seqno, line_seqno in _UNPACK(data)
        ]
    except KeyError as exc:
        EdgeType(exc.args[0])  # raises ValueError naming the unknown event id
        raise
