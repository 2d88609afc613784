"""Blinka's ``microcontroller.pin`` over linuxhw: the current board's pins (the names ``board`` has), and
``i2cPorts`` / ``spiPorts`` / ``uartPorts`` as Blinka's busio reads them (``uartPorts`` is empty: linuxhw
has no UART face)."""

from typing import Any as _Any

from linuxhw.compat.blinka import pins as _pins
from linuxhw.compat.circuitpython import Pin  # noqa: F401 (microcontroller.pin.Pin, as Blinka has it)

_board = _pins.current_board()
globals().update(_pins.board_pins(_board))

i2cPorts = _pins.i2c_ports(_board)
spiPorts = _pins.spi_ports(_board)
uartPorts: tuple[_Any, ...] = ()
