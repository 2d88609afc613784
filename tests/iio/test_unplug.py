"""A device removed mid-capture (its driver unbound: the dummy's configfs directory removed): reads
waiting and new ones are DeviceRemovedError, close() still works, nothing leaks."""

from __future__ import annotations

import asyncio
import threading

import pytest

from linuxhw import iio
from linuxhw.errors import DeviceRemovedError
from tests.iio.conftest import IioWorld
from tests.waiting import DEADLINE


def test_a_waiting_read_wakes_with_removed(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name
    capture = device.capture(["voltage0"])
    outcome: list[BaseException] = []
    waiting = threading.Event()

    def reader() -> None:
        waiting.set()
        try:
            capture.read(timeout=DEADLINE)
        except BaseException as exc:  # the test looks at what it was
            outcome.append(exc)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    assert waiting.wait(DEADLINE)
    world.unplug()
    thread.join(DEADLINE)
    assert not thread.is_alive(), "the read did not end when the device went away"
    assert len(outcome) == 1 and isinstance(outcome[0], DeviceRemovedError), outcome
    with pytest.raises(DeviceRemovedError, match="read scans failed"):
        capture.read(timeout=0)
    capture.close()
    capture.close()


def test_an_async_read_ends_with_removed(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name

    async def main(capture: iio.Capture) -> None:
        reading = asyncio.ensure_future(capture.read_async(timeout=DEADLINE))
        await asyncio.sleep(0)
        world.unplug()
        with pytest.raises(DeviceRemovedError):
            await asyncio.wait_for(reading, DEADLINE)

    with device.capture(["voltage0"]) as capture:
        asyncio.run(main(capture))
