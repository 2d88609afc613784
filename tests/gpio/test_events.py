"""Conformance: edge events — order, sequence numbers, clocks, overflow, debounce, asyncio."""

from __future__ import annotations

import asyncio
import selectors
import time

import pytest

from linuxhw import EventsLostError, EventsLostWarning, gpio
from linuxhw.gpio import Edge, EdgeType, LineSettings
from tests.conftest import GpioSimulator, SimChip
from tests.waiting import DEADLINE, read_edge_events

RISING, FALLING = EdgeType.RISING, EdgeType.FALLING


def edges(edge: Edge = Edge.BOTH, **changes: object) -> LineSettings:
    return LineSettings(direction=gpio.Direction.INPUT, edge=edge).replace(**changes)


def drive(chip: SimChip, offset: int, level: int) -> None:
    """Set a line's pull. The edge event is queued when this returns: the mock queues it under the
    board lock, and in the kernel tier (one guest CPU, see tests/conftest.py) gpio-sim's interrupt
    thread, a real-time thread, runs before the writing process returns to user space."""
    chip.set_pull(offset, level)


def toggle(chip: SimChip, offset: int, times: int) -> None:
    """Drive ``times`` separate edges onto an input line, starting from its current level."""
    level = chip.get_value(offset)
    for _ in range(times):
        level ^= 1
        drive(chip, offset, level)


def test_events_arrive_in_order_with_sequence_numbers(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    with gpio.request_lines(sim.path(chip), {(0, 1): edges()}) as req:
        before = time.monotonic_ns()
        drive(chip, 0, 1)
        drive(chip, 1, 1)
        drive(chip, 0, 0)
        assert req.wait_edge_events(DEADLINE)
        events = read_edge_events(req, 3)
        after = time.monotonic_ns()
        assert [(e.type, e.line_offset) for e in events] == [(RISING, 0), (RISING, 1), (FALLING, 0)]
        assert [e.seqno for e in events] == [1, 2, 3]
        assert [e.line_seqno for e in events] == [1, 1, 2]
        stamps = [e.timestamp_ns for e in events]
        assert before <= stamps[0] <= stamps[1] <= stamps[2] <= after
        assert req.lost_events == 0
        assert not req.wait_edge_events(0.05)


def test_many_events_come_from_one_read(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges()}) as req:
        toggle(chip, 0, 10)
        assert [e.seqno for e in read_edge_events(req, 1)] == [1]
        batch = req.read_edge_events()
        assert len(batch) == 9  # one was taken above; the other nine come in a single read()
        assert [e.seqno for e in batch] == list(range(2, 11))


def test_rising_and_falling_only(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges(Edge.RISING), 1: edges(Edge.FALLING)}) as req:
        toggle(chip, 0, 4)
        toggle(chip, 1, 4)
        got = [(e.line_offset, e.type) for e in read_edge_events(req, 4)]
        assert got == [(0, RISING), (0, RISING), (1, FALLING), (1, FALLING)]
        assert not req.wait_edge_events(0.05)


def test_active_low_edges_are_logical(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges(Edge.RISING, active_low=True)}) as req:
        drive(chip, 0, 1)  # logical 1 -> 0: not a rising edge
        drive(chip, 0, 0)  # logical 0 -> 1: rising
        assert [e.type for e in read_edge_events(req, 1)] == [RISING]
        assert not req.wait_edge_events(0.05)


def test_realtime_clock(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges(event_clock=gpio.Clock.REALTIME)}) as req:
        before = time.time_ns()
        drive(chip, 0, 1)
        (event,) = read_edge_events(req, 1)
        assert before - 10**9 <= event.timestamp_ns <= time.time_ns()


def test_overflow_drops_oldest_and_is_counted_exactly(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges()}, event_buffer_size=4) as req:
        toggle(chip, 0, 10)
        events = req.read_edge_events()
        assert [e.seqno for e in events] == [7, 8, 9, 10]  # the oldest six were dropped
        assert req.lost_events == 6
        drive(chip, 0, 1)
        assert [e.seqno for e in read_edge_events(req, 1)] == [11]
        assert req.lost_events == 6


def test_overflow_warns_or_raises_when_asked(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges()}, event_buffer_size=2, on_lost="warn") as req:
        toggle(chip, 0, 5)
        with pytest.warns(EventsLostWarning, match="3 edge event"):
            assert len(req.read_edge_events()) == 2
    with gpio.request_lines(sim.path(chip), {0: edges()}, event_buffer_size=2, on_lost="raise") as req:
        toggle(chip, 0, 4)
        with pytest.raises(EventsLostError) as info:
            req.read_edge_events()
        assert info.value.lost == 2 and len(info.value.events) == 2 and req.lost_events == 2


def test_debounce_suppresses_a_glitch(sim: GpioSimulator) -> None:
    period = 0.2
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges(debounce_period=period)}) as req:
        for _ in range(5):
            start = time.monotonic()
            chip.set_pull(0, 1)
            chip.set_pull(0, 0)
            if time.monotonic() - start < period / 2:  # a glitch by construction: far shorter than the period
                assert req.read_edge_events(timeout=3 * period) == []
                break
            # A loaded machine spaced the two pulls as far as the period: that was no glitch. Let the
            # debouncer report whatever it saw, then try again.
            while req.read_edge_events(timeout=3 * period):
                pass
        else:
            pytest.fail(f"five tries could not pull the line up and down within {period / 2} s")
        drive(chip, 0, 1)
        assert [e.type for e in read_edge_events(req, 1)] == [RISING]
        assert req.get_value(0) == 1


def test_request_fd_works_with_selectors(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges()}) as req, selectors.DefaultSelector() as selector:
        selector.register(req, selectors.EVENT_READ)
        assert selector.select(0.05) == []
        drive(chip, 0, 1)
        assert [key.fileobj for key, _ in selector.select(DEADLINE)] == [req]
        req.read_edge_events()
        assert selector.select(0.05) == []


def test_events_are_kept_across_reconfigure(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.request_lines(sim.path(chip), {0: edges()}) as req:
        drive(chip, 0, 1)
        req.reconfigure({0: edges(Edge.FALLING)})
        drive(chip, 0, 0)
        drive(chip, 0, 1)
        got = [(e.type, e.seqno) for e in read_edge_events(req, 2)]
        assert got == [(RISING, 1), (FALLING, 2)]
        assert not req.wait_edge_events(0.05)


def test_asyncio_wait_and_iterate(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)

    async def scenario() -> None:
        with gpio.request_lines(sim.path(chip), {0: edges()}) as req:
            assert await req.wait_edge_event(timeout=0.05) is None
            loop = asyncio.get_running_loop()
            loop.call_later(0.05, chip.set_pull, 0, 1)
            event = await req.wait_edge_event(timeout=DEADLINE)
            assert event is not None and event.type is RISING
            loop.call_later(0.05, toggle, chip, 0, 3)
            got: list[EdgeType] = []
            async for edge in req.edge_events(timeout=DEADLINE):
                got.append(edge.type)
                if len(got) == 3:
                    break
            assert got == [FALLING, RISING, FALLING]

    asyncio.run(scenario())


def test_asyncio_info_events(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)

    async def scenario() -> None:
        with gpio.Chip(sim.path(chip)) as handle:
            handle.watch_line_info(0)
            asyncio.get_running_loop().call_later(0.05, lambda: handle.request_lines({0: None}).close())
            event = await handle.wait_info_event_async(timeout=DEADLINE)
            assert event is not None and event.type is gpio.InfoChangeType.REQUESTED
            event = await handle.wait_info_event_async(timeout=DEADLINE)
            assert event is not None and event.type is gpio.InfoChangeType.RELEASED
            assert await handle.wait_info_event_async(timeout=0.05) is None

    asyncio.run(scenario())
