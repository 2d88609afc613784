"""The chip whose lines are named ``GPIO<n>``: how the GPIO faces find a board's header bank by
label and names, never by chip number (a Raspberry Pi 5 renumbered its chips)."""

from __future__ import annotations

import re

from linuxhw import gpio
from linuxhw._kernel import Backend

__all__ = ["GPIO_NAME", "find_gpio_chip", "gpio_lines"]

GPIO_NAME = re.compile(r"GPIO(\d+)")


def gpio_lines(chip: gpio.Chip) -> dict[str, int]:
    """``{"GPIO<n>": offset}`` for the chip's lines named that way."""
    return {info.name: info.offset for info in chip.line_infos() if GPIO_NAME.fullmatch(info.name)}


def find_gpio_chip(backend: Backend | None = None) -> gpio.Chip:
    """Open the chip with the most lines named GPIO<n> (the SoC's header bank on a Pi); LookupError
    when no chip has any."""
    best: tuple[int, str] | None = None
    for info in gpio.chips(backend):
        with gpio.Chip(info.name, backend=backend) as chip:
            count = len(gpio_lines(chip))
        if count and (best is None or count > best[0]):
            best = (count, info.name)
    if best is None:
        raise LookupError("no GPIO chip has lines named GPIO<n>")
    return gpio.Chip(best[1], backend=backend)
