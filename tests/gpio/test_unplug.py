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
from tests.conftest import GpioSimulator
from tests.unplugging import BlockedCall, assert_each_removed, assert_removed, no_fd_leaks
from tests.waiting import DEADLINE

OUT = LineSettings(direction=Direction.OUTPUT)
EDGES = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)


def test_request_calls_fail_with_device_removed(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    path = sim.path(chip)
    with no_fd_leaks():
        request = gpio.request_lines(path, {0: OUT, 1: EDGES})
        request.set_value(0, 1)
        sim.remove(chip)
        calls: dict[str, Callable[[], object]] = {
            "get_value": lambda: request.get_value(1),  # the C fast path on the kernel
            "set_value": lambda: request.set_value(0, 0),  # likewise
            "get_values": request.get_values,
            "set_bits": lambda: request.set_bits(1),
            "reconfigure": lambda: request.reconfigure({0: LineSettings(direction=Direction.INPUT)}),
            "read_edge_events": lambda: request.read_edge_events(timeout=0),  # likewise
        }
        assert_each_removed(calls, errno.ENODEV, path)
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
        calls = {
            "line_info": lambda: handle.line_info(0),
            "watch_line_info": lambda: handle.watch_line_info(1),
            "request_lines": lambda: handle.request_lines({0: OUT}),
        }
        assert_each_removed(calls, errno.ENODEV, path)


@pytest.mark.parametrize("wait", ["read_edge_events", "read_info_event"])
def test_a_blocked_wait_wakes_up(sim: GpioSimulator, wait: str) -> None:
    chip = sim.add_chip(4)
    path = sim.path(chip)
    with no_fd_leaks():
        if wait == "read_edge_events":
            handle: gpio.LineRequest | gpio.Chip = gpio.request_lines(path, {2: EDGES})
        else:
            handle = gpio.Chip(path)
            handle.watch_line_info(3)
        waiter = BlockedCall(getattr(handle, wait))  # no timeout: only the removal can end it
        waiter.wait_blocked()
        sim.remove(chip)
        assert_removed(waiter.outcome(), errno.ENODEV, path)
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
    assert_removed(failure, errno.ENODEV, path)
