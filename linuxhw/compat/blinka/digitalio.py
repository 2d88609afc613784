"""Blinka's ``digitalio`` over linuxhw: ``DigitalInOut(board.D17)`` (or a line name, or ``(chip, offset)``)
and its ``Direction``, ``Pull`` and ``DriveMode``, from :mod:`linuxhw.compat.circuitpython`."""

from linuxhw.compat.circuitpython import DigitalInOut, Direction, DriveMode, Pull

__all__ = ["DigitalInOut", "Direction", "DriveMode", "Pull"]
