"""Mock boards shaped like a board linuxhw.boards knows: its GPIO chips (labels, line names) and its device
tree, for tests of what reads a board through them (the CLI's header pins, the Blinka faces)."""

from __future__ import annotations

from linuxhw import boards
from linuxhw.mock import Board, MockGpioChip


def shaped_like(board_id: str, *, device_tree: bool = True, names: bool = True) -> tuple[Board, list[MockGpioChip]]:
    """A mock board with the GPIO chips of ``board_id`` and, if asked, its device tree's model and compatible."""
    shape = boards.get(board_id)
    board = Board(model=shape.models[0], compatible=shape.compatible) if device_tree else Board()
    chips = [
        board.add_gpio_chip(chip.num_lines, label=chip.label, names=chip.names if names else None)
        for chip in shape.gpio_chips
    ]
    return board, chips
