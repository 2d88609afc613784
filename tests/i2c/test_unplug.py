"""Conformance: an I2C adapter disconnected while a Bus is open (the project's simulator module's
``unplugged`` switch, which acts out a USB-I2C adapter's disconnect; the mock's remove_device).

Its transfers then fail with ENODEV; linuxhw raises DeviceRemovedError, not NoAckError, because
the adapter's node has gone, while i2c-stub's ENODEV for an address nobody answers stays a NAK.
"""

from __future__ import annotations

import asyncio
import errno
import threading
from concurrent.futures import Future
from typing import Any

import pytest

from linuxhw import DeviceNotFoundError, DeviceRemovedError, NoAckError, i2c
from tests.i2c.conftest import I2cWorld
from tests.unplugging import assert_each_removed, assert_removed, no_fd_leaks
from tests.waiting import DEADLINE


def test_calls_after_unplug_raise_device_removed(world: I2cWorld) -> None:
    with no_fd_leaks():
        bus = world.sim_bus()
        path = bus.path
        sensor = bus.device(0x1C)
        assert sensor.read_byte_data(0x0F) == 0x6A
        with pytest.raises(NoAckError):
            bus.device(0x3D).read_byte()  # a NAK while the adapter is there
        with world.sim_unplugged(bus):
            calls = {
                "read_byte_data": lambda: sensor.read_byte_data(0x0F),  # the C fast path on the kernel
                "read_word_data": lambda: sensor.read_word_data(0x0F),
                "write_byte_data": lambda: sensor.write_byte_data(0x10, 1),
                "read_block_data": lambda: sensor.read_block_data(0xA0),
                "read": lambda: sensor.read(2),
                "write": lambda: sensor.write(b"\x10"),
                "transfer": lambda: bus.transfer(i2c.Message.write(0x50, b"\x00"), i2c.Message.read(0x50, 1)),
                "absent address": lambda: bus.device(0x3D).read_byte(),  # no NAK now: the adapter is gone
            }
            assert_each_removed(calls, errno.ENODEV, path)
            with pytest.raises(DeviceRemovedError):
                bus.scan()
            with pytest.raises((DeviceNotFoundError, LookupError)):
                world.sim_bus()
            bus.close()
            bus.close()


def test_queued_calls_fail_with_device_removed(world: I2cWorld) -> None:
    with no_fd_leaks():
        bus = world.sim_bus()
        sensor = bus.device(0x1C)
        gate = threading.Event()
        holding = bus.submit(gate.wait, DEADLINE)  # the worker waits here: what follows stays queued
        queued: list[Future[Any]] = [
            bus.submit(sensor.read_byte_data, 0x0F),
            bus.submit(sensor.write_byte_data, 0x10, 2),
        ]

        async def main() -> list[BaseException | None]:
            tasks = [
                asyncio.ensure_future(sensor.read_byte_data_async(0x0F)),
                asyncio.ensure_future(bus.transfer_async(i2c.Message.write(0x50, b"\x00"))),
            ]
            await asyncio.sleep(0)  # each task has queued its call
            with world.sim_unplugged(bus):
                gate.set()
                done, _ = await asyncio.wait(tasks, timeout=DEADLINE)
                assert len(done) == len(tasks)
                return [task.exception() for task in tasks]

        failures = asyncio.run(main())
        bus.close()
        assert holding.result() is True
        for failure in [future.exception(DEADLINE) for future in queued] + failures:
            assert_removed(failure, errno.ENODEV, bus.path)


def test_i2c_stub_nak_stays_a_nak(world: I2cWorld) -> None:
    # i2c-stub answers ENODEV for an address it does not simulate: the same errno as a removed device.
    with world.stub_bus() as bus, pytest.raises(NoAckError) as caught:
        bus.device(0x33).read_byte()
    assert caught.value.errno == errno.ENODEV
    assert not isinstance(caught.value, DeviceRemovedError)


def test_mock_i2c_stub_removal_is_refused_while_a_bus_is_open(world: I2cWorld) -> None:
    # As rmmod i2c-stub is in the kernel (tests/kernel/test_unplug_kernel.py): EBUSY, and the bus keeps working.
    if world.board is None:
        pytest.skip("the kernel's refusal is tested with rmmod in tests/kernel/test_unplug_kernel.py")
    with world.stub_bus() as bus:
        with pytest.raises(OSError, match="in use") as refused:
            world.board.remove_device(bus.path)
        assert refused.value.errno == errno.EBUSY
        bus.device(0x1C).write_byte_data(0x20, 0x5A)
        assert bus.device(0x1C).read_byte_data(0x20) == 0x5A
    world.board.remove_device(bus.path)  # nothing holds it now
    with pytest.raises(DeviceNotFoundError):
        world.stub_bus()
