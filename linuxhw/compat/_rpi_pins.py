"""Where RPi.GPIO's channel numbers lead, and which way a line not set up here is going.

On a board linuxhw.boards knows, BOARD ``n`` is physical pin ``n`` of its main header and BCM ``n`` is
the SoC's GPIO ``n`` (offset ``n`` of its GPIO chips in order: ``pinctrl-bcm2711``'s on a Pi 4), found
by chip label as :func:`linuxhw.boards.locate` finds them. Elsewhere BCM ``n`` is the line named
``GPIO<n>`` of the chip with the most such lines (the mock demo board, a gpio-sim bank named so), and
BOARD numbers do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from linuxhw import boards, gpio
from linuxhw._kernel import Backend, get_backend
from linuxhw.compat._gpio_names import find_gpio_chip, gpio_lines
from linuxhw.gpio import Direction

__all__ = ["BCM_CHANNELS", "INVALID_CHANNEL", "Header", "Line"]

INVALID_CHANNEL = "The channel sent is invalid on a Raspberry Pi"
BCM_CHANNELS = range(54)  # the BCM283x's GPIO numbers, all RPi.GPIO accepts in BCM mode
IN, OUT = 1, 0  # RPi.GPIO's function constants


@dataclass(frozen=True)
class Line:
    """One line a channel leads to."""

    chip_path: str
    chip_label: str
    offset: int
    name: str
    bcm: int | None  # the SoC's GPIO number, where known


class Header:
    """The lines behind the channel numbers on the board in use, its chips opened on first use and closed
    by ``close()``. ``board`` is what linuxhw.boards says the board is (None: it does not know)."""

    def __init__(self, backend: Backend | None = None) -> None:
        self.backend = backend or get_backend()
        try:
            self.board = boards.current(self.backend)
        except LookupError as exc:  # a $LINUXHW_BOARD linuxhw does not know
            raise RuntimeError(str(exc)) from None
        self._chips: dict[str, gpio.Chip] = {}
        self._named: tuple[gpio.Chip, dict[str, int]] | None = None  # without a board: the GPIO<n> chip
        self._lines: dict[tuple[str, int], Line] = {}

    def close(self) -> None:
        for chip in self._chips.values():
            chip.close()
        self._chips.clear()
        if self._named is not None:
            self._named[0].close()
            self._named = None

    def chip(self, line: Line) -> gpio.Chip:
        """The open chip of a line."""
        if self._named is not None and self._named[0].path == line.chip_path:
            return self._named[0]
        chip = self._chips.get(line.chip_path)
        if chip is None:
            chip = self._chips[line.chip_path] = gpio.Chip(line.chip_path, backend=self.backend)
        return chip

    # -- numbering --------------------------------------------------------------------------------

    def board_pin(self, number: int) -> Line:
        """The line of physical pin ``number`` of the main header; ValueError for a pin that is none."""
        found = self._lines.get(("BOARD", number))
        if found is None:
            if self.board is None:
                raise RuntimeError("BOARD numbering needs a board linuxhw knows: set LINUXHW_BOARD")
            try:
                pin = self.board.board_number(number)
            except ValueError:
                raise ValueError(INVALID_CHANNEL) from None
            if pin.line is None:
                raise ValueError(INVALID_CHANNEL)
            found = self._lines[("BOARD", number)] = self._locate(pin.line, pin.gpio)
        return found

    def bcm(self, number: int) -> Line:
        """The line of BCM channel ``number``; ValueError when the board has none."""
        if number not in BCM_CHANNELS:
            raise ValueError(INVALID_CHANNEL)
        found = self._lines.get(("BCM", number))
        if found is None:
            found = self._lines[("BCM", number)] = self._soc_line(number) if self.board else self._named_line(number)
        return found

    def _soc_line(self, number: int) -> Line:
        assert self.board is not None
        first = 0
        for layout in self.board.gpio_chips:
            if number < first + layout.num_lines:
                offset = number - first
                return self._locate(boards.LineRef(layout.label, layout.names[offset], offset), number)
            first += layout.num_lines
        raise ValueError(f"{INVALID_CHANNEL}: the {self.board.model} has no GPIO{number}")

    def _locate(self, ref: boards.LineRef, bcm: int | None) -> Line:
        try:
            where = boards.locate(ref, self.backend)
        except LookupError as exc:
            model = self.board.model if self.board else "board"
            raise RuntimeError(f"this is not the {model} linuxhw took it for: {exc}") from None
        return Line(where.chip_path, where.chip_label, where.offset, where.name, bcm)

    def _named_line(self, number: int) -> Line:
        if self._named is None:
            try:
                chip = find_gpio_chip(self.backend)
            except LookupError as exc:
                raise RuntimeError(f"This module can only be run on a Raspberry Pi!: {exc}") from None
            self._named = (chip, gpio_lines(chip))
        chip, names = self._named
        name = f"GPIO{number}"
        offset = names.get(name)
        if offset is None:
            raise ValueError(f"{INVALID_CHANNEL}: {chip.label} has no line named {name}")
        return Line(chip.path, chip.label, offset, name, number)

    # -- what a line does -------------------------------------------------------------------------

    def function(self, line: Line) -> int:
        """A line's function as RPi.GPIO's gpio_function() tells it, for a line this process has not set
        up: OUT or IN as the kernel reports it (the character device does not tell a pin's function)."""
        return OUT if self.chip(line).line_info(line.offset).direction is Direction.OUTPUT else IN
