"""Blinka's ``microcontroller.pin`` over linuxhw: the current board's pins (the names ``board`` has), and
``i2cPorts`` / ``spiPorts`` / ``uartPorts`` as Blinka's busio reads them (``uartPorts`` is empty: linuxhw
has no UART face). Like ``board``'s, the names are the current board's at each access."""

from typing import Any as _Any

from linuxhw import boards as _boards
from linuxhw.compat.blinka import pins as _pins
from linuxhw.compat.circuitpython import Pin  # noqa: F401 (microcontroller.pin.Pin, as Blinka has it)

uartPorts: tuple[_Any, ...] = ()


def _names(board: _boards.Board) -> dict[str, object]:
    """``board``'s pins and its I2C and SPI ports."""
    return {**_pins.board_pins(board), "i2cPorts": _pins.i2c_ports(board), "spiPorts": _pins.spi_ports(board)}


_pin_names = _pins.BoardNames(__name__, _names)
_pin_names.names()  # an unknown board fails the import, as Blinka's does
__getattr__ = _pin_names.getattr


def __dir__() -> list[str]:
    return _pin_names.dir(globals())
