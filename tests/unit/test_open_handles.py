"""open_handles() (what linuxhw_faces.run() closes after a program) while other threads open and close."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import _handle, gpio, mock


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads every microsecond, so that a listing meets the other thread's opens mid-way."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_listing_the_open_handles_while_another_thread_opens_and_closes(frequent_thread_switches: None) -> None:
    board = mock.demo_board()
    path = board.devices("gpio")[0].dev_path
    done = threading.Event()

    def churn() -> None:
        with linuxhw.use_backend(board):
            while not done.is_set():
                chips = [gpio.Chip(path) for _ in range(20)]
                for chip in chips:
                    chip.close()

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        for _ in range(20_000):  # without the lock, "Set changed size during iteration" within a few thousand
            assert all(isinstance(handle, _handle.Handle) for handle in _handle.open_handles())
    finally:
        done.set()
        worker.join()
    assert board.open_files() == 0
