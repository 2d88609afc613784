"""Edge-event records decoded in one C call, and lost events counted from request-wide seqnos."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest

from linuxhw import EventsLostWarning, _fastpath
from linuxhw._uapi import ffi, lib
from linuxhw.gpio import EdgeEvent, EdgeType
from linuxhw.gpio._edge_events import RECORD, decode_edge_events
from linuxhw.gpio.request import LineRequest


def records(*fields: tuple[int, int, int, int, int]) -> object:
    """A cdata array of gpio_v2_line_event holding (timestamp, id, offset, seqno, line_seqno) each,
    with the padding filled so that a decoder reading it would show."""
    buffer = ffi.new(f"{RECORD}[]", len(fields))
    for record, (timestamp, kind, offset, seqno, line_seqno) in zip(buffer, fields):
        record.timestamp_ns, record.id, record.offset = timestamp, kind, offset
        record.seqno, record.line_seqno = seqno, line_seqno
        for i in range(len(record.padding)):
            record.padding[i] = 0xFFFFFFFF
    return buffer


def test_every_field_decodes_at_its_compiled_offset() -> None:
    rising, falling = lib.GPIO_V2_LINE_EVENT_RISING_EDGE, lib.GPIO_V2_LINE_EVENT_FALLING_EDGE
    buffer = records((2**63 + 5, rising, 63, 2**32 - 1, 7), (1, falling, 0, 1, 1), (9, rising, 9, 9, 9))
    assert decode_edge_events(buffer, 2) == [
        EdgeEvent(EdgeType.RISING, 2**63 + 5, 63, 2**32 - 1, 7),
        EdgeEvent(EdgeType.FALLING, 1, 0, 1, 1),
    ]
    assert decode_edge_events(buffer, 0) == []
    event = decode_edge_events(buffer, 1)[0]
    assert type(event) is EdgeEvent and event.line_offset == 63 and event.type is EdgeType.RISING


def test_an_unknown_event_id_is_named() -> None:
    with pytest.raises(ValueError, match="99 is not a valid EdgeType"):
        decode_edge_events(records((1, 1, 0, 1, 1), (1, 99, 0, 2, 2)), 2)
    with pytest.raises(ValueError, match="0 is not a valid EdgeType"):
        decode_edge_events(records((1, 0, 0, 1, 1)), 1)


def test_the_decoder_refuses_more_records_than_the_buffer_holds() -> None:
    with pytest.raises(ValueError, match="more records than the buffer holds"):
        _fastpath.edge_events(bytes(ffi.sizeof(RECORD)), 2, EdgeEvent, (None, EdgeType.RISING))
    with pytest.raises(TypeError, match="tuple subclass"):
        _fastpath.edge_events(bytes(ffi.sizeof(RECORD)), 1, dict, (None, EdgeType.RISING))


def counting_request() -> SimpleNamespace:
    """The state LineRequest._check_sequence keeps, without a kernel request behind it."""
    return SimpleNamespace(_sequence=_fastpath.EdgeSequence(), on_lost="warn", chip_path="/dev/gpiochip9")


def batch(*seqnos: int) -> list[EdgeEvent]:
    return [EdgeEvent(EdgeType.RISING, 0, 0, seqno, seqno) for seqno in seqnos]


def test_lost_events_are_the_gaps_in_seqno_across_batches() -> None:
    request = counting_request()
    LineRequest._check_sequence(request, batch(1, 2))  # type: ignore[arg-type]
    with pytest.warns(EventsLostWarning, match="3 edge event"):
        LineRequest._check_sequence(request, batch(4, 7))  # type: ignore[arg-type]
    assert request._sequence.lost == 3


def test_lines_reaching_the_buffer_out_of_seqno_order_lose_nothing() -> None:
    request = counting_request()
    with warnings.catch_warnings():
        warnings.simplefilter("error", EventsLostWarning)
        LineRequest._check_sequence(request, batch(2, 1, 3))  # type: ignore[arg-type]
        LineRequest._check_sequence(request, batch(5, 4))  # type: ignore[arg-type]
    assert request._sequence.lost == 0


def test_a_sequence_counts_what_each_batch_lost_once() -> None:
    """EdgeSequence, the one count of both reads (Python and C): the loss is reported with the batch after
    the gap, and not again."""
    sequence = _fastpath.EdgeSequence()
    assert sequence.count(2, 2) == 0
    assert sequence.count(2, 7) == 3  # seqnos 3..5 never arrived
    assert sequence.count(1, 8) == 0
    assert sequence.count(0, 0) == 0  # an empty batch changes nothing
    assert (sequence.events_read, sequence.max_seqno, sequence.lost) == (5, 8, 3)


def test_a_sequence_refuses_what_is_not_a_count() -> None:
    sequence = _fastpath.EdgeSequence()
    with pytest.raises(ValueError, match="count must be >= 0"):
        sequence.count(-1, 0)
    with pytest.raises(OverflowError):
        sequence.count(1, -1)
    with pytest.raises(TypeError, match="count\\(\\) takes 2 arguments"):
        sequence.count(1)  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        sequence.events_read = 0  # type: ignore[misc]
    with pytest.raises(TypeError, match="no arguments"):
        _fastpath.EdgeSequence(0)  # type: ignore[call-arg]
