"""Conformance: a GPIO chip taken away while in use (gpio-sim ``live`` = 0; the mock's remove()).

The kernel (gpiolib-cdev) answers ENODEV to every call on the chip's and its requests' fds and
wakes their pollers with POLLHUP|POLLERR; linuxhw raises DeviceRemovedError, close() still works.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable

import pytest

from linuxhw import DeviceNotFoundError, DeviceRemovedError, gpio
from linuxhw.gpio import Direction, Edge, LineSettings
from tests.blocked import BlockedCall, no_fd_leaks
from tests.conftest import GpioSimulator
from tests.waiting import DEADLINE

OUT = LineSettings(direction=Direction.OUTPUT)
EDGES = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)


def assert_removed(error: object, path: str) -> None:
    assert isinstance(error, DeviceRemovedError), repr(error)
    assert isinstance(error, DeviceNotFoundError)  # what code written before it caught
    assert (error.errno, error.filename) == (errno.ENODEV, path)
    assert "close() this handle" in str(error)


def test_request_calls_fail_with_device_removed(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    path = sim.path(chip)
    with no_fd_leaks():
        request = gpio.request_lines(path, {0: OUT, 1: EDGES})
        request.set_value(0, 1)
        sim.remove(chip)
        calls: dict[str, Callable[[], object]] = {
            "get_value": lambda: request.get_value(1),
            "set_value": lambda: request.set_value(0, 0),
            "get_values": request.get_values,
            "set_bits": lambda: request.set_bits(1),
            "reconfigure": lambda: request.reconfigure({0: LineSettings(direction=Direction.INPUT)}),
            "read_edge_events": lambda: request.read_edge_events(timeout=0),
        }
        for name, call in calls.items():
            with pytest.raises(DeviceRemovedError) as caught:
                call()
            assert_removed(caught.value, path)
            assert caught.value.operation, name
        request.close()
        request.close()
        with pytest.raises(DeviceNotFoundError) as gone:
            gpio.Chip(path)
        assert not isinstance(gone.value, DeviceRemovedError)  # no handle was open: the node is just absent
        assert gone.value.errno == errno.ENOENT


def test_chip_calls_fail_with_device_removed(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    path = sim.path(chip)
    with no_fd_leaks(), gpio.Chip(path) as handle:
        sim.remove(chip)
        calls = (lambda: handle.line_info(0), lambda: handle.watch_line_info(1), lambda: handle.request_lines({0: OUT}))
        for call in calls:
            with pytest.raises(DeviceRemovedError) as caught:
                call()
            assert_removed(caught.value, path)


def test_blocked_read_edge_events_wakes_up(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    path = sim.path(chip)
    with no_fd_leaks():
        request = gpio.request_lines(path, {2: EDGES})
        reader = BlockedCall(request.read_edge_events)  # no timeout: only the removal can end it
        reader.wait_blocked()
        sim.remove(chip)
        assert_removed(reader.outcome(), path)
        request.close()


def test_blocked_info_event_wait_wakes_up(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    path = sim.path(chip)
    with no_fd_leaks():
        handle = gpio.Chip(path)
        handle.watch_line_info(3)
        waiter = BlockedCall(handle.read_info_event)
        waiter.wait_blocked()
        sim.remove(chip)
        assert_removed(waiter.outcome(), path)
        handle.close()


def test_async_for_over_edge_events_ends_with_device_removed(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    path = sim.path(chip)

    async def main() -> tuple[list[int], BaseException | None]:
        request = gpio.request_lines(path, {1: EDGES})
        seen: list[int] = []
        first = asyncio.Event()

        async def listen() -> None:
            async for event in request.edge_events():
                seen.append(event.line_offset)
                first.set()

        task = asyncio.create_task(listen())
        chip.set_pull(1, 1)
        await asyncio.wait_for(first.wait(), DEADLINE)
        sim.remove(chip)  # while the loop waits for the fd to be readable again
        done, _ = await asyncio.wait({task}, timeout=DEADLINE)
        assert done == {task}, "the async for was not woken up"
        request.close()
        return seen, task.exception()

    with no_fd_leaks():
        seen, failure = asyncio.run(main())
    assert seen == [1]
    assert_removed(failure, path)
