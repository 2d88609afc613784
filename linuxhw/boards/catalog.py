"""The boards linuxhw knows, by id, and telling which one a device tree describes."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from linuxhw.boards.model import Board

__all__ = ["get", "identify", "known"]


@functools.cache
def _by_id() -> Mapping[str, Board]:
    """Every board by id, built from the tables when first asked for (importing linuxhw.boards is cheap)."""
    from linuxhw.boards import beaglebone, raspberrypi

    return {board.id: board for board in (*raspberrypi.BOARDS, *beaglebone.BOARDS)}


def known() -> list[Board]:
    """Every board linuxhw has header data for."""
    return list(_by_id().values())


def get(board_id: str) -> Board:
    """The board with this id (``raspberrypi-4b``, ``beaglebone-black``...); LookupError naming the ids."""
    board = _by_id().get(board_id.strip().lower()) if isinstance(board_id, str) else None
    if board is None:
        raise LookupError(f"unknown board {board_id!r}: linuxhw knows {', '.join(_by_id())}")
    return board


def identify(compatible: Sequence[str], model: str = "") -> Board | None:
    """The board a device tree describes: the first of its ``compatible`` strings (most specific first)
    that a board claims decides; where several boards claim it (one device tree for the Model A and B),
    the one whose firmware ``models`` prefix the ``model`` string longest wins, else the first claimant.
    With no compatible string claimed, the model string alone decides. None for a board linuxhw lacks."""
    for string in compatible:
        claimants = [board for board in known() if string in board.compatible]
        if claimants:
            return _by_model(claimants, model) or claimants[0]
    return _by_model(known(), model) if model else None


def _by_model(boards: Sequence[Board], model: str) -> Board | None:
    best: tuple[int, Board | None] = (0, None)
    for board in boards:
        for prefix in board.models:
            if model.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), board)
    return best[1]
