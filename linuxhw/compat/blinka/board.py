"""Blinka's ``board`` over linuxhw: the pins of the board :func:`linuxhw.boards.current` names
(``$LINUXHW_BOARD`` or the device tree), as Blinka names them (``board.D17``, ``board.SDA``,
``board.P9_12``: :mod:`linuxhw.compat.blinka.pins`), and ``I2C()`` / ``SPI()`` on its first buses,
where it has them (a new bus object each call, as Blinka's). Importing it on a board linuxhw does not
know raises NotImplementedError, as Blinka's does. The names are the current board's at each access
(:class:`~linuxhw.compat.blinka.pins.BoardNames`), so another board later in the process needs no reimport."""

from linuxhw import boards as _boards
from linuxhw.compat.blinka import busio as _busio
from linuxhw.compat.blinka import pins as _pins


def _names(board: _boards.Board) -> dict[str, object]:
    """``board``'s pins, and I2C() / SPI() where it has SDA / MISO."""
    pins = _pins.board_pins(board)
    names: dict[str, object] = dict(pins)
    if "SDA" in pins:

        def I2C() -> _busio.I2C:
            """The board's I2C bus on SCL and SDA."""
            return _busio.I2C(pins["SCL"], pins["SDA"])

        names["I2C"] = I2C
    if "MISO" in pins:

        def SPI() -> _busio.SPI:
            """The board's SPI bus on SCLK, MOSI and MISO."""
            return _busio.SPI(pins["SCLK"], pins["MOSI"], pins["MISO"])

        names["SPI"] = SPI
    return names


_board_names = _pins.BoardNames(__name__, _names)
_board_names.names()  # an unknown board fails the import, as Blinka's board does
__getattr__ = _board_names.getattr


def __dir__() -> list[str]:
    return _board_names.dir(globals())
