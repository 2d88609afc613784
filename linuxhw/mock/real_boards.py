"""What a mock board shaped like a real one takes from linuxhw.boards' data (``Board.like`` builds it):
the board a name or model means, the header buses to make, and the mock line behind a header pin.

Such a board has the GPIO chips with the labels and line names the real board's kernel gives them, its
header I2C and SPI buses on their real numbers, and the device tree's ``model`` and ``compatible``, so
``boards.current()`` on the mock finds the board and every header pin resolves to its line. No part is
on the buses (each spidev chip select has nothing wired: MISO reads 0xff); attach your own
(``board.device("/dev/i2c-1").attach(0x76, mock.Bme280())``, ``board.device("/dev/spidev0.0").attach(...)``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

from linuxhw.boards.catalog import get, known
from linuxhw.boards.model import Board as Layout
from linuxhw.mock.gpio import MockGpioChip

if TYPE_CHECKING:
    from linuxhw.mock.board import Board

__all__ = ["Jumper", "chosen", "header_line", "raspberry_pi_id", "resolve"]

Jumper = tuple[str, str]
"""Two header pins wired together, each as ``linuxhw.boards`` names pins: ``("BOARD16", "BOARD22")``,
``("J8:16", "GPIO25")``, ``("P9_12", "P8_07")``."""

_PI_PREFIX = "raspberrypi-"


def _model_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("+", "plus"))


def raspberry_pi_models() -> dict[str, str]:
    """The Raspberry Pi models linuxhw.boards knows, as ``raspberry_pi(model=)`` takes them (``4b``,
    ``5``, ``zero-2w``...) -> board id."""
    return {b.id[len(_PI_PREFIX) :]: b.id for b in known() if b.id.startswith(_PI_PREFIX)}


def raspberry_pi_id(model: str) -> str:
    """The board id of a Raspberry Pi model: ``"4b"``, ``"5"``, ``"3b+"``, ``"zero2w"``, ``"Zero 2 W"``
    or the id itself; ValueError naming the models known otherwise."""
    models = raspberry_pi_models()
    if isinstance(model, str):
        key = _model_key(model.strip().lower().removeprefix(_PI_PREFIX))
        for name, board_id in models.items():
            if _model_key(name) == key:
                return board_id
    raise ValueError(f"model must be one of the Raspberry Pis linuxhw knows: {', '.join(models)}; not {model!r}")


def resolve(layout: Layout | str) -> Layout:
    """The linuxhw.boards Board that ``layout`` is or names (an id: ``"raspberrypi-5"``)."""
    if isinstance(layout, str):
        return get(layout)
    if not isinstance(layout, Layout):
        raise TypeError(f"board must be a linuxhw.boards Board or a board id, not {layout!r}")
    return layout


def chosen(kind: str, header: Collection[int], wanted: Collection[int] | None, layout: Layout) -> list[int]:
    """The bus numbers of ``kind`` to make: ``wanted`` (checked against the header's; one number will do),
    else all of them."""
    if wanted is None:
        return sorted(header)
    given: list[object] = (
        list(wanted) if isinstance(wanted, Collection) and not isinstance(wanted, (str, bytes)) else [wanted]
    )
    numbers = {n for n in given if isinstance(n, int) and not isinstance(n, bool) and n in header}
    if len(numbers) < len(set(given)):
        raise ValueError(f"{kind} must be bus numbers of the {layout.model}'s header, {sorted(header)}; not {wanted!r}")
    return sorted(numbers)


def header_line(board: Board, spec: str) -> tuple[MockGpioChip, int]:
    """The mock chip and offset of the header pin ``spec`` names on a board shaped like a real one
    (its device tree's ``model``/``compatible`` tell which); ValueError for a pin that is no GPIO line."""
    layout = board.layout
    if layout is None:
        raise ValueError(
            "this mock board has no header: make it with Board.raspberry_pi(), Board.beaglebone_black() or "
            "Board.like(), or give Board() a known board's model= and compatible="
        )
    pin = layout.pin(spec)
    if pin.line is None:
        raise ValueError(f"{spec!r} is {pin.spec}, {pin.name}: not a GPIO line")
    for chip in board.devices("gpio"):
        if isinstance(chip, MockGpioChip) and chip.label == pin.line.chip_label:
            return chip, pin.line.offset
    raise ValueError(f"{spec!r} is line {pin.line.offset} of {pin.line.chip_label!r}, which this mock board lacks")
