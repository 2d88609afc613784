"""Adafruit Blinka's modules over linuxhw, one plain module per name a script imports:
:mod:`~linuxhw.compat.blinka.board` (the board's pins as Blinka names them, ``board.I2C()``,
``board.SPI()``), :mod:`~linuxhw.compat.blinka.busio` (``I2C(scl, sda)``, ``SPI(clock, MOSI, MISO)``),
:mod:`~linuxhw.compat.blinka.digitalio`, :mod:`~linuxhw.compat.blinka.microcontroller` (with its
``pin`` submodule) and :mod:`~linuxhw.compat.blinka.micropython`. Making a script's own ``import board``
reach them is ``linuxhw run``'s job; importing this package imports none of them.

The buses and lines are linuxhw's (:mod:`linuxhw.compat.circuitpython`), the pins those of the board
:func:`linuxhw.boards.current` names (``$LINUXHW_BOARD`` or the device tree), found when ``board`` or
``microcontroller.pin`` is first imported. Where Blinka's maps are inconsistent, these follow the
board's wiring: on a BeagleBone Blinka's ``MOSI_1`` is SPI1's D0 while its port table (and the
hardware) has D1 as MOSI; here ``MOSI_1`` is P9_30 (D1) and ``MISO_1`` P9_29 (D0), so
``busio.SPI(board.SCK_1, board.MOSI_1, board.MISO_1)`` opens SPI1. Blinka's BeagleBone on-board LEDs
(``LED_USR0``..) are not header pins and are left out.
"""
