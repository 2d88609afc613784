"""Conformance: spidev unbound from a device while it is open and while messages are queued.

spidev answers every call on an fd whose device has gone with ESHUTDOWN (and its node goes);
linuxhw raises DeviceRemovedError, for the synchronous calls, the C fast paths and every message
still queued; close() still works.
"""

from __future__ import annotations

import asyncio
import errno
import threading

from linuxhw import spi
from tests.spi.conftest import SpiWorld
from tests.unplugging import assert_each_removed, assert_removed, no_fd_leaks
from tests.waiting import DEADLINE


def test_calls_after_unbind_raise_device_removed(world: SpiWorld) -> None:
    path = world.loopback_path
    with no_fd_leaks():
        device = spi.Device(path, max_speed_hz=1_000_000)
        assert device.transfer(b"\x01\x02") == b"\x01\x02"
        with world.unbound(path):
            calls = {
                "transfer": lambda: device.transfer(b"\x01\x02"),  # the C fast path on the kernel
                "write": lambda: device.write(b"\x01"),  # likewise
                "read": lambda: device.read(2),
                "message": lambda: device.transfer([spi.Transfer(b"\x01"), spi.Transfer(rx=1)]),
                "write_then_read": lambda: device.write_then_read(b"\x9f", 3),
                "mode": lambda: setattr(device, "mode", spi.Mode.MODE_1),
            }
            assert_each_removed(calls, errno.ESHUTDOWN, path)
            device.close()
            device.close()


def test_queued_messages_fail_with_device_removed(world: SpiWorld) -> None:
    path = world.flash_path
    with no_fd_leaks():
        device = spi.Device(path, max_speed_hz=1_000_000)
        statuses: list[int] = []
        gate = threading.Event()
        started = threading.Event()

        def hold(status: int) -> None:  # the first message's callback holds the device: the rest stay queued
            started.set()
            gate.wait(DEADLINE)

        first = device.submit(spi.Transfer(b"\x9f\x00\x00\x00"), hold)

        async def main() -> list[BaseException | None]:
            queued = [asyncio.ensure_future(device.transfer_async(spi.Transfer(b"\x05\x00"))) for _ in range(2)]
            await asyncio.sleep(0)  # each task has submitted its message
            assert started.wait(DEADLINE)
            with world.unbound(path):
                gate.set()
                done, _ = await asyncio.wait(queued, timeout=DEADLINE)
                assert len(done) == len(queued)
                return [task.exception() for task in queued]

        later = device.submit(spi.Transfer(b"\x05\x00"), statuses.append)
        failures = asyncio.run(main())
        assert first.result(DEADLINE) == 4
        assert_removed(later.exception(DEADLINE), errno.ESHUTDOWN, path)
        assert statuses == [-errno.ESHUTDOWN]
        for failure in failures:
            assert_removed(failure, errno.ESHUTDOWN, path)
        device.close()
