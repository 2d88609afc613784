"""SPI traffic on the project's simulator: loopback transfers of any size and several-transfer messages,
sync, queued with submit() (FIFO order and callbacks checked) and awaited; the flash's JEDEC ID."""

from __future__ import annotations

import contextlib
import functools
import random
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, cast

from linuxhw import spi
from linuxhw.testing.hardware import Hardware
from linuxhw.testing.mock import MockHardware

from .core import DEADLINE, Workload, expect

JEDEC_ID = b"\xef\x40\x11"
MAX_MESSAGE = 3000  # bytes per message, under spidev's default bufsiz with the DMA alignment rounding
QUEUED = 4  # messages submitted at once


class SpiTraffic(Workload):
    name = "spi"

    def __init__(self, rng: random.Random, handles: contextlib.ExitStack, hw: Hardware) -> None:
        super().__init__(rng, handles)
        loopback, flash = hw.spi_sim()
        self.loopback = self.hold(spi.Device(loopback))
        self.flash = self.hold(spi.Device(flash))
        # The mock logs what reached each wire, for tests to read and clear; the soak clears it after each round.
        self.wire_logs = (
            [cast(Any, d).bus.records for d in hw.board.devices("spidev")] if isinstance(hw, MockHardware) else []
        )

    def mix(self) -> Sequence[tuple[Callable[[], object], int]]:
        return [(self.duplex, 3), (self.message, 1), (self.submitted, 1), (self.awaited, 1), (self.jedec_id, 1)]

    async def round(self) -> None:
        await super().round()
        for log in self.wire_logs:
            log.clear()

    def duplex(self) -> None:
        data = self.rng.randbytes(self.rng.randrange(1, MAX_MESSAGE))
        expect(self.loopback.transfer(data), data, f"{len(data)} bytes looped back")

    def _message(self) -> tuple[spi.Message, list[tuple[bytes, bytearray]]]:
        """Up to 4 transfers, each with its own rx: what each must read back."""
        pairs = []
        for _ in range(self.rng.randrange(1, 5)):
            tx = self.rng.randbytes(self.rng.randrange(1, MAX_MESSAGE // 4))
            pairs.append((tx, bytearray(len(tx))))
        message = spi.Message([spi.Transfer(tx, rx, cs_change=self.rng.random() < 0.5) for tx, rx in pairs])
        return message, pairs

    @staticmethod
    def _check(pairs: list[tuple[bytes, bytearray]], what: str) -> None:
        for index, (tx, rx) in enumerate(pairs):
            expect(bytes(rx), tx, f"{what}, transfer {index}")

    def message(self) -> None:
        message, pairs = self._message()
        self.loopback.transfer(message)
        self._check(pairs, "message")

    def submitted(self) -> None:
        order: list[tuple[int, int]] = []
        queued: list[tuple[Future[int], list[tuple[bytes, bytearray]]]] = []
        for index in range(QUEUED):
            message, pairs = self._message()
            future = self.loopback.submit(message, functools.partial(self._completed, order, index))
            queued.append((future, pairs))
        for index, (future, pairs) in enumerate(queued):
            expect(future.result(timeout=DEADLINE), sum(len(tx) for tx, _ in pairs), f"bytes moved by message {index}")
            self._check(pairs, f"submitted message {index}")
        expect(order, [(index, 0) for index in range(QUEUED)], "callbacks: FIFO order, status 0")

    @staticmethod
    def _completed(order: list[tuple[int, int]], index: int, status: int) -> None:
        order.append((index, status))

    async def awaited(self) -> None:
        message, pairs = self._message()
        await self.loopback.transfer_async(message)
        self._check(pairs, "awaited message")

    def jedec_id(self) -> None:
        expect(self.flash.write_then_read(b"\x9f", 3), JEDEC_ID, "the flash's JEDEC ID")
