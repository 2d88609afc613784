"""Blinka's ``board`` over linuxhw: the pins of the board :func:`linuxhw.boards.current` names
(``$LINUXHW_BOARD`` or the device tree), as Blinka names them (``board.D17``, ``board.SDA``,
``board.P9_12``: :mod:`linuxhw.compat.blinka.pins`), and ``I2C()`` / ``SPI()`` on its first buses,
where it has them (a new bus object each call, as Blinka's). Importing it on a board linuxhw does not
know raises NotImplementedError naming ``$LINUXHW_BOARD``, as Blinka's does."""

from linuxhw.compat.blinka import busio as _busio
from linuxhw.compat.blinka import pins as _pins

_board = _pins.current_board()
_names = _pins.board_pins(_board)
globals().update(_names)

if "SDA" in _names:

    def I2C() -> _busio.I2C:
        """The board's I2C bus on SCL and SDA."""
        return _busio.I2C(_names["SCL"], _names["SDA"])


if "MISO" in _names:

    def SPI() -> _busio.SPI:
        """The board's SPI bus on SCLK, MOSI and MISO."""
        return _busio.SPI(_names["SCLK"], _names["MOSI"], _names["MISO"])
