"""Blinka's ``microcontroller`` over linuxhw: ``Pin`` (:class:`linuxhw.compat.circuitpython.Pin`), the
``pin`` submodule (the board's pins and ports) and ``delay_us``."""

from __future__ import annotations

import time

from linuxhw.compat.blinka.microcontroller import pin
from linuxhw.compat.circuitpython import Pin

__all__ = ["Pin", "delay_us", "pin"]


def delay_us(delay: float) -> None:
    """Sleep ``delay`` microseconds."""
    time.sleep(delay / 1e6)
