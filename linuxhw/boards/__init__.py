"""What board this is, and its headers as data: each physical pin's kernel line (chip label and line),
its bus functions, and the ``/dev`` node of each bus (Raspberry Pi J8/P1/P5, BeagleBone P8/P9).

>>> from linuxhw import boards
>>> pi = boards.get("raspberrypi-4b")
>>> pin = pi.pin("J8:11")                           # also "BOARD11", "GPIO17", "BCM17"
>>> pin.name, pin.line
('GPIO17', LineRef(chip_label='pinctrl-bcm2711', line_name='GPIO17', offset=17))
>>> pi.i2c[1].path, pi.i2c[1].sda.spec, pi.spi[0].path(1)
('/dev/i2c-1', 'J8:3', '/dev/spidev0.1')
>>> boards.get("beaglebone-black").pin("P9_12").line.chip_label
'gpio-32-63'

:func:`current` says which board this is (``$LINUXHW_BOARD``, else the device tree, read through the
backend so that a mock board can be a Pi); :func:`locate` finds a pin's line on the running system.
"""

from linuxhw.boards.catalog import get, identify, known
from linuxhw.boards.detect import BOARD_VARIABLE, current
from linuxhw.boards.lines import locate
from linuxhw.boards.lookup import UnknownPinError
from linuxhw.boards.model import Board, GpioChipLayout, Header, HeaderPin, I2cBus, LineRef, SpiBus

__all__ = [
    "BOARD_VARIABLE",
    "Board",
    "GpioChipLayout",
    "Header",
    "HeaderPin",
    "I2cBus",
    "LineRef",
    "SpiBus",
    "UnknownPinError",
    "current",
    "get",
    "identify",
    "known",
    "locate",
]
