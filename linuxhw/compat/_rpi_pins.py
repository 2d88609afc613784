"""Where RPi.GPIO's channel numbers lead: BCM ``n`` is the line named ``GPIO<n>`` of the board's
header chip (found by label and names, as the gpiozero face finds it)."""

from __future__ import annotations

from dataclasses import dataclass

from linuxhw import gpio
from linuxhw.compat._gpio_names import find_gpio_chip, gpio_lines

__all__ = ["BCM_CHANNELS", "INVALID_CHANNEL", "Header", "Line"]

INVALID_CHANNEL = "The channel sent is invalid on a Raspberry Pi"
BCM_CHANNELS = range(54)  # the BCM283x's GPIO numbers, all RPi.GPIO accepts in BCM mode


@dataclass(frozen=True)
class Line:
    """One line a channel leads to."""

    chip: str  # the chip's label
    offset: int
    name: str
    bcm: int | None  # n, for a line named GPIO<n>


class Header:
    """The lines behind the channel numbers, on chips opened on first use and closed by ``close()``."""

    def __init__(self) -> None:
        self._chip: gpio.Chip | None = None
        self._names: dict[str, int] = {}

    def chip(self) -> gpio.Chip:
        """The header's chip: the one with the most lines named GPIO<n>."""
        if self._chip is None:
            try:
                self._chip = find_gpio_chip()
            except LookupError as exc:
                raise RuntimeError(f"This module can only be run on a Raspberry Pi!: {exc}") from None
            self._names = gpio_lines(self._chip)
        return self._chip

    def bcm(self, number: int) -> Line:
        """The line of BCM channel ``number``; ValueError when the board has none."""
        if number not in BCM_CHANNELS:
            raise ValueError(INVALID_CHANNEL)
        chip, name = self.chip(), f"GPIO{number}"
        offset = self._names.get(name)
        if offset is None:
            raise ValueError(f"{INVALID_CHANNEL}: {chip.label} has no line named {name}")
        return Line(chip.label, offset, name, number)

    def close(self) -> None:
        if self._chip is not None:
            self._chip.close()
            self._chip = None
