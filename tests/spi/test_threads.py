"""Threads sharing one SPI device: transfer(), write(), read(), messages of several transfers and
submit() side by side on the loopback, each answer checked; close() from one thread while others
transfer."""

from __future__ import annotations

import os
from collections.abc import Callable

from linuxhw import spi
from linuxhw.spi import Transfer
from tests.spi.conftest import SpiWorld
from tests.threads import close_amid_calls, no_fd_leak, run_together

ROUNDS = 40  # per worker: modest, the kernel tier runs on one emulated CPU


def test_threads_share_one_device(world: SpiWorld) -> None:
    with no_fd_leak(), spi.Device(world.loopback_path, max_speed_hz=1_000_000) as loopback:

        def duplex(size: int) -> Callable[[], None]:
            def work() -> None:
                for _ in range(ROUNDS):
                    data = os.urandom(size)
                    assert loopback.transfer(data) == data
                    assert loopback.transfer(bytearray(data)) == data

            return work

        def message() -> None:
            for i in range(ROUNDS):
                parts = [Transfer(bytes([i, k]) * 3, rx=True) for k in range(3)]
                loopback.transfer(parts)
                assert [bytes(part.rx) for part in parts] == [bytes([i, k]) * 3 for k in range(3)]  # type: ignore[arg-type]

        def half_duplex() -> None:
            for i in range(ROUNDS):
                loopback.write(bytes([i]) * 5)
                assert loopback.read(5) == bytes(5)  # nothing sent: the loopback echoes zeros

        def queued() -> None:
            sent = [os.urandom(6) for _ in range(ROUNDS)]
            transfers = [Transfer(data, rx=True) for data in sent]
            futures = [loopback.submit(transfer) for transfer in transfers]
            assert [future.result(30) for future in futures] == [6] * ROUNDS
            assert [bytes(t.rx) for t in transfers] == sent  # type: ignore[arg-type]

        run_together(
            {
                "transfer 4": duplex(4),
                "transfer 100": duplex(100),
                "message": message,
                "write/read": half_duplex,
                "submit": queued,
            }
        )


def test_close_while_other_threads_transfer(world: SpiWorld) -> None:
    """Each call answers right or raises ClosedError; the fd is closed once, nothing leaks."""
    with no_fd_leak():
        loopback = spi.Device(world.loopback_path, max_speed_hz=1_000_000)

        def echo() -> None:
            data = os.urandom(8)
            assert loopback.transfer(data) == data
            part = Transfer(data, rx=True)
            loopback.transfer([part])
            assert bytes(part.rx) == data  # type: ignore[arg-type]

        close_amid_calls(loopback, {"closer": echo, "other": echo}, ROUNDS)
