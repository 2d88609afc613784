"""Fixtures for the compat adapters: the I2C world of tests/i2c, and the demo board."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import mock
from tests.i2c.conftest import world

__all__ = ["demo", "world"]


@pytest.fixture
def demo() -> Iterator[mock.Board]:
    """The demo board, selected as the backend; no fd may be left open."""
    board = mock.demo_board()
    with linuxhw.use_backend(board):
        yield board
    assert board.open_files() == 0
