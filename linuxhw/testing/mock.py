"""MockHardware: a fresh mock board per test, with the kernel simulators' devices and any Python model."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from linuxhw.mock import Board, I2cTarget, Loopback, SerialFlash, SpiTarget, attach_reference_models
from linuxhw.testing.hardware import Hardware, I2cRegisters, LineControl

__all__ = ["MockHardware"]


class MockHardware(Hardware):
    """Simulated hardware on a :class:`linuxhw.mock.Board` (``board``: a new empty one unless given, e.g.
    ``mock.demo_board()`` or your own with its parts); nothing touches the kernel.

    Beyond the shared shape it takes Python device models (``add_i2c_device``, ``add_spi_device``):
    ``linuxhw.mock`` has EEPROMs, register chips, a BME280, an SSD1306, a serial flash, an MCP3008,
    and :class:`linuxhw.mock.I2cTarget` / :class:`linuxhw.mock.SpiTarget` to write your own.
    """

    name = "mock"

    def __init__(self, board: Board | None = None) -> None:
        self.board = Board() if board is None else board
        super().__init__(self.board)
        self._i2c_bus: Any = None
        self._i2c_sim: str | None = None
        self._spi_sim: tuple[str, str] | None = None

    def _make_chip(
        self, num_lines: int, label: str, names: dict[int, str], hogs: dict[int, tuple[str, str]]
    ) -> LineControl:
        chip: LineControl = self.board.add_gpio_chip(num_lines, label=label, names=names, hogs=hogs)
        return chip

    def add_i2c_registers(self, addresses: Sequence[int]) -> I2cRegisters:
        stub = self.board.add_i2c_stub(list(addresses))
        return I2cRegisters(self.board, stub.dev_path, addresses)

    def add_i2c_device(self, address: int, model: I2cTarget, *, ten_bit: bool = False) -> str:
        """Put a device model on this hardware's I2C bus (one bus with plain I2C transfers, made on first
        use); return the bus's ``/dev/i2c-N``."""
        if self._i2c_bus is None:
            self._i2c_bus = self.board.add_i2c_bus("linuxhw test i2c bus")
        self._i2c_bus.attach(address, model, ten_bit=ten_bit)
        return str(self._i2c_bus.dev_path)

    def add_spi_device(self, model: SpiTarget, *, max_speed_hz: int | None = None) -> str:
        """A spidev device (on an SPI controller of its own) whose wire is ``model``; return its path."""
        device = self.board.add_spi_bus().add_device(0, model, max_speed_hz=max_speed_hz)
        return str(device.dev_path)

    def i2c_sim(self) -> str:
        if self._i2c_sim is None:
            self._i2c_sim = attach_reference_models(self.board.add_i2c_bus("linuxhw i2c simulator")).dev_path
        return self._i2c_sim

    def spi_sim(self) -> tuple[str, str]:
        if self._spi_sim is None:
            bus = self.board.add_spi_bus()
            loop = bus.add_device(0, Loopback())
            flash = bus.add_device(1, SerialFlash(), max_speed_hz=25_000_000)
            self._spi_sim = (loop.dev_path, flash.dev_path)
        return self._spi_sim

    def open_handles(self) -> int:
        return self.board.open_files()

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
        """Block until ``condition()`` holds after some open, close or ioctl (see ``Board.wait_for``)."""
        self.board.wait_for(condition, what, timeout)

    def observe(self, callback: Callable[[], None]) -> contextlib.AbstractContextManager[None]:
        """Call ``callback()`` after every open, close and ioctl inside the block (see ``Board.observe``)."""
        return self.board.observe(callback)
