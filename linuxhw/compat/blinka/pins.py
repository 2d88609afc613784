"""The current board's pins under Blinka's names, and its I2C/SPI ports as Blinka's ``microcontroller.pin``
lists them: shared by the ``board`` and ``microcontroller.pin`` faces.

The names follow Blinka's board modules (adafruit_blinka/board/raspberrypi/raspi_40pin.py,
raspi_1b_rev1.py, raspi_1b_rev2.py, raspi_5.py; beagleboard/beaglebone_black.py):

- a Raspberry Pi's header GPIOs are ``D<bcm>`` (those of the main header: P5 has none);
  a BeagleBone's are their header names (``P9_12``, ``P8_3``);
- ``SDA``/``SCL``: the first I2C bus's (I2C1 on pins 3/5; I2C0 on the rev 1 Model B; I2C2 on a BeagleBone);
- ``SCLK``/``SCK``, ``MOSI``, ``MISO``: SPI0's, and ``SCLK_1``/``SCK_1``, ``MOSI_1``, ``MISO_1`` SPI1's;
- ``CE0``, ``CE1``: SPI0's chip selects, then (where SPI0 has one, as on a BeagleBone) SPI1's first;
- ``TXD``/``TX``, ``RXD``/``RX``: the header's UART0 pins (Raspberry Pi).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from linuxhw import boards
from linuxhw.compat.circuitpython import Pin

__all__ = ["BoardNames", "board_pins", "current_board", "i2c_ports", "spi_ports"]


def current_board() -> boards.Board:
    """The board the faces describe (NotImplementedError, as Blinka's, where linuxhw does not know it)."""
    known = ", ".join(b.id for b in boards.known())
    try:
        board = boards.current()
    except LookupError:  # $LINUXHW_BOARD names no board: Blinka's "Board not supported" for a forced id
        chosen = os.environ.get(boards.BOARD_VARIABLE, "").strip()
        raise NotImplementedError(
            f"Board not supported {chosen} (${boards.BOARD_VARIABLE}): linuxhw knows {known}"
        ) from None
    if board is None:
        raise NotImplementedError(
            "linuxhw.boards cannot tell which board this is (the device tree names no board it knows): "
            f"set ${boards.BOARD_VARIABLE} to one of {known}"
        )
    return board


class BoardNames:
    """The names of a face module that depend on the board (``board.D17``, ``microcontroller.pin.i2cPorts``):
    made once per board object, and looked up on the current board at each access (the module's
    ``__getattr__`` / ``__dir__``), so a second board in the same process (a second test, ``linuxhw run``
    on another board) sees its own pins without importing the face again."""

    def __init__(self, module: str, make: Callable[[boards.Board], dict[str, object]]) -> None:
        self.module = module
        self._make = make
        self._made: dict[int, tuple[boards.Board, dict[str, object]]] = {}

    def names(self) -> dict[str, object]:
        """The current board's names (NotImplementedError where linuxhw does not know the board)."""
        board = current_board()
        made = self._made.get(id(board))
        if made is None or made[0] is not board:
            made = self._made[id(board)] = (board, self._make(board))
        return made[1]

    def getattr(self, name: str) -> object:
        """The module's ``__getattr__``: ``name`` on the current board; ``__all__`` (what ``from board
        import *`` takes) is every name the board has."""
        if name == "__all__":
            return sorted(self.names())
        if name.startswith("__"):  # probes such as __wrapped__ never ask which board this is
            raise AttributeError(f"module {self.module!r} has no attribute {name!r}")
        try:
            return self.names()[name]
        except KeyError:
            raise AttributeError(
                f"module {self.module!r} has no attribute {name!r} on the {current_board().model}"
            ) from None

    def dir(self, module_globals: dict[str, object]) -> list[str]:
        """The module's ``__dir__``: its own globals and the current board's names."""
        return sorted({*module_globals, *self.names()})


def board_pins(board: boards.Board) -> dict[str, Pin]:
    """Every name Blinka's ``board`` module has for ``board``'s pins -> the pin."""
    pins: dict[str, Pin] = {}
    for index, header in enumerate(board.headers):
        for pin in header.pins:
            if pin.line is None:
                continue
            if pin.gpio is not None and pin.name == f"GPIO{pin.gpio}":
                if index == board.main_header:
                    pins[f"D{pin.gpio}"] = Pin(pin)
            else:
                pins[pin.name] = Pin(pin)
            if index == board.main_header and "UART0_TXD" in pin.functions:
                pins["TXD"] = pins["TX"] = Pin(pin)
            if index == board.main_header and "UART0_RXD" in pin.functions:
                pins["RXD"] = pins["RX"] = Pin(pin)
    first_i2c = next(iter(board.i2c.values()), None)
    if first_i2c is not None:
        pins["SDA"], pins["SCL"] = Pin(first_i2c.sda), Pin(first_i2c.scl)
    selects: list[boards.HeaderPin] = []
    for suffix, spi in zip(("", "_1"), sorted(board.spi.values(), key=lambda bus: bus.number)):
        pins[f"SCLK{suffix}"] = pins[f"SCK{suffix}"] = Pin(spi.sclk)
        pins[f"MOSI{suffix}"], pins[f"MISO{suffix}"] = Pin(spi.mosi), Pin(spi.miso)
        selects += spi.chip_selects if not selects else spi.chip_selects[:1]
    for n, select in enumerate(selects[:2]):
        pins[f"CE{n}"] = Pin(select)
    return pins


def i2c_ports(board: boards.Board) -> tuple[tuple[int, Pin, Pin], ...]:
    """Blinka's ``i2cPorts``: (bus number, SCL, SDA) of every I2C bus on the headers."""
    return tuple((number, Pin(bus.scl), Pin(bus.sda)) for number, bus in board.i2c.items())


def spi_ports(board: boards.Board) -> tuple[tuple[int, Pin, Pin, Pin], ...]:
    """Blinka's ``spiPorts``: (bus number, SCLK, MOSI, MISO) of every SPI bus on the headers."""
    return tuple((number, Pin(bus.sclk), Pin(bus.mosi), Pin(bus.miso)) for number, bus in board.spi.items())
