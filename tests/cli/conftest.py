"""CLI tests run ``linuxhw.cli.main`` in-process on a fresh demo board, or ``python -m linuxhw`` as a child."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from linuxhw.cli import main
from linuxhw.mock import Board, MockGpioChip, demo_board
from tests.waiting import child_process, wait_line_used

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@dataclass
class Result:
    status: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


class Cli:
    """Runs ``linuxhw ARGS`` against one demo board and captures what it prints."""

    def __init__(self, board: Board, capsys: pytest.CaptureFixture[str]) -> None:
        self.board = board
        self.capsys = capsys

    def __call__(self, *args: str) -> Result:
        self.capsys.readouterr()
        status = main(list(args), backend=self.board)
        captured = self.capsys.readouterr()
        return Result(status, captured.out, captured.err)


@pytest.fixture
def board() -> Iterator[Board]:
    demo = demo_board()
    yield demo
    assert demo.open_files() == 0, "a command leaked a mock fd (or left a line requested)"


@pytest.fixture
def cli(board: Board, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(board, capsys)


def gpio_chips(board: Board) -> list[MockGpioChip]:
    """The demo board's chips through their control API (pulls, driven values), like gpio-sim's sysfs."""
    chips = [device for device in board.devices("gpio") if isinstance(device, MockGpioChip)]
    assert len(chips) == 2
    return chips


def wait_until_used(board: Board, chip: str, offset: int, used: bool = True) -> None:
    """Block until the line's info says it is (or is no longer) requested on the demo board."""
    wait_line_used(chip, offset, used, backend=board)


def linuxhw_process(
    *args: str, env: dict[str, str] | None = None
) -> contextlib.AbstractContextManager[subprocess.Popen[str]]:
    """``python -m linuxhw ARGS`` as a child process with pipes for stdout and stderr."""
    return child_process(
        [sys.executable, "-m", "linuxhw", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )
