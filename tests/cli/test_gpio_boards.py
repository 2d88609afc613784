"""Header pins on the command line: J8:11, BOARD11, GPIO17 (gpiozero's names) and P9_12 (BeagleBone's) reach
their lines through linuxhw.boards for the board the device tree, --board or $LINUXHW_BOARD names."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from linuxhw import boards
from linuxhw.mock import Board, MockGpioChip
from tests.cli.conftest import Cli


@pytest.fixture(autouse=True)
def no_board_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(boards.BOARD_VARIABLE, raising=False)


def driven(cli: Cli, chip: MockGpioChip, *assignments: str) -> dict[int, set[int]]:
    """Run ``gpio set ASSIGNMENTS`` and return the levels each line of ``chip`` had while it was requested."""
    seen: dict[int, set[int]] = {}

    def look() -> None:
        for offset in range(chip.num_lines):
            if chip.is_requested(offset):
                seen.setdefault(offset, set()).add(chip.get_value(offset))

    with cli.board.observe(look):
        result = cli("gpio", "set", "--hold-for", "0", *assignments)
    assert (result.status, result.err) == (0, "")
    return seen


def unknown_pi5() -> tuple[Board, MockGpioChip]:
    """A Pi 5's GPIO chip, its label only (no line names), on a board with no device tree: not known as a Pi."""
    board = Board()
    [chip] = boards.get("raspberrypi-5").gpio_chips
    return board, board.add_gpio_chip(chip.num_lines, label=chip.label)


@pytest.fixture
def pi(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[Cli, MockGpioChip]]:
    board = Board.raspberry_pi("4b", i2c=(), spi=())
    soc = board.device("/dev/gpiochip0")
    yield Cli(board, capsys), soc
    assert board.open_files() == 0


def test_gpiozero_names_read_their_lines(pi: tuple[Cli, MockGpioChip]) -> None:
    cli, soc = pi
    soc.set_pull(17, 1)  # J8:11
    soc.set_pull(22, 1)  # J8:15
    result = cli("gpio", "get", "J8:11", "BOARD13", "GPIO22", "bcm4")
    assert (result.status, result.err) == (0, "")
    assert result.out == '"J8:11"=active "BOARD13"=inactive "GPIO22"=active "bcm4"=inactive\n'
    assert json.loads(cli("--json", "gpio", "get", "BOARD11").out) == {"BOARD11": 1}


def test_set_drives_the_pins_line(pi: tuple[Cli, MockGpioChip]) -> None:
    cli, soc = pi
    assert driven(cli, soc, "J8:40=1", "BOARD38=0") == {21: {1}, 20: {0}}


def test_info_names_the_line_of_a_pin(pi: tuple[Cli, MockGpioChip]) -> None:
    cli, _ = pi
    result = cli("gpio", "info", "J8:27")
    assert (result.status, result.out.split()) == (0, ["gpiochip0", "0", '"ID_SDA"', "input"])


def test_the_same_line_by_two_names_is_refused(pi: tuple[Cli, MockGpioChip]) -> None:
    cli, _ = pi
    twice = cli("gpio", "get", "J8:11", "GPIO17")
    assert twice.status == 1 and "'GPIO17' and 'J8:11' are the same line (gpiochip0:17)" in twice.err


def test_the_offset_decides_where_the_kernel_names_lines_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    """A Pi 3's kernel calls BCM 10 SPI_MOSI: GPIO10 and J8:19 still reach it, and so does its own name."""
    board = Board.raspberry_pi("3b", i2c=(), spi=())
    soc = board.device("/dev/gpiochip0")
    cli = Cli(board, capsys)
    soc.set_pull(10, 1)
    assert cli("gpio", "get", "GPIO10", "SPI_MOSI").status == 1  # one line twice
    assert cli("gpio", "get", "GPIO10").out == '"GPIO10"=active\n'
    assert cli("gpio", "get", "J8:19").out == '"J8:19"=active\n'


def test_beaglebone_pins(capsys: pytest.CaptureFixture[str]) -> None:
    board = Board.beaglebone_black(i2c=(), spi=())
    banks = [board.device(f"/dev/gpiochip{n}") for n in range(4)]
    cli = Cli(board, capsys)
    banks[1].set_pull(28, 1)  # P9_12 is gpio1_28
    result = cli("gpio", "get", "P9_12", "P9:15", "p8_26")
    assert (result.status, result.out) == (0, '"P9_12"=active "P9:15"=inactive "p8_26"=inactive\n')
    assert driven(cli, banks[1], "P8_03=1") == {6: {1}}  # the kernel calls it "P8_3 [mmc1_dat6]"


def test_board_option_and_variable_name_the_board(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    board, soc = unknown_pi5()
    cli = Cli(board, capsys)
    soc.set_pull(17, 1)
    no_board = cli("gpio", "get", "J8:11")
    assert no_board.status == 1
    assert (
        "no GPIO chip has a line 'J8:11', and it looks like a header pin, but linuxhw does not know this board: "
        "name it with --board ID or $LINUXHW_BOARD (one of raspberrypi-1b, " in no_board.err
    )
    assert cli("gpio", "get", "--board", "raspberrypi-5", "J8:11").out == '"J8:11"=active\n'
    monkeypatch.setenv(boards.BOARD_VARIABLE, "raspberrypi-5")
    assert cli("gpio", "get", "BOARD11").out == '"BOARD11"=active\n'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("J8:6",), "'J8:6' is pin J8:6 of the Raspberry Pi 4 Model B: GND, not a GPIO line"),
        (("BOARD41",), "pin spec 'BOARD41': header J8 has pins 1 to 40, not 41"),
        (("J8:x",), "pin spec 'J8:x': after J8: comes a physical pin number, as in J8:11"),
        (("17",), "no GPIO line named '17' on any chip; for offset 17 use CHIP:17 or --chip CHIP, or BOARD17 for pin"),
        (("GPIO42",), "no GPIO line named 'GPIO42' on any chip"),
        (("--board", "pi4", "GPIO17"), "unknown board 'pi4': linuxhw knows raspberrypi-1b"),
    ],
)
def test_errors_name_the_spec(pi: tuple[Cli, MockGpioChip], args: tuple[str, ...], message: str) -> None:
    cli, _ = pi
    result = cli("gpio", "get", *args)
    assert result.status == 1 and message in result.err, result.err


def test_a_missing_chip_is_not_taken_for_a_header(capsys: pytest.CaptureFixture[str]) -> None:
    """gpiochip9:5 has a header pin's shape, but names a chip: with no board known, its error is the chip's."""
    board, _ = unknown_pi5()
    result = Cli(board, capsys)("gpio", "get", "gpiochip9:5")
    assert result.status == 1 and "no GPIO chip named 'gpiochip9'" in result.err, result.err
    assert "header pin" not in result.err
