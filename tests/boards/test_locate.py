"""boards.locate: the kernel line behind a header pin, by chip label and offset, else by line name."""

from __future__ import annotations

import pytest

from linuxhw import boards, mock

PI4 = boards.get("raspberrypi-4b")
BBB = boards.get("beaglebone-black")


def line(board: boards.Board, spec: str) -> boards.LineRef:
    ref = board.pin(spec).line
    assert ref is not None
    return ref


def pi_board(names: tuple[str, ...] | None = None) -> mock.Board:
    board = mock.Board()
    board.add_gpio_chip(8, label="other-chip", names=["GPIO17"])  # a name elsewhere does not mislead
    chip = PI4.gpio_chips[0]
    board.add_gpio_chip(chip.num_lines, label=chip.label, names=chip.names if names is None else names)
    return board


def test_by_label_and_offset() -> None:
    board = pi_board()
    location = boards.locate(line(PI4, "J8:11"), board)
    assert (location.chip_path, location.chip_label, location.offset, location.name) == (
        "/dev/gpiochip1",
        "pinctrl-bcm2711",
        17,
        "GPIO17",
    )
    assert board.open_files() == 0


def test_the_offset_decides_whatever_the_kernel_names_the_line() -> None:
    board = pi_board(names=("SDA0", "SCL0", "SDA1", "SCL1"))  # an older tree's names, the rest unnamed
    location = boards.locate(line(PI4, "J8:3"), board)
    assert (location.offset, location.name) == (2, "SDA1")


def test_by_name_where_no_chip_has_the_label() -> None:
    board = mock.Board()
    names = [f"bank1-{n}" for n in range(32)]
    names[28] = "P9_12"
    board.add_gpio_chip(32, label="44e07000.gpio")
    board.add_gpio_chip(32, label="4804c000.gpio", names=names)
    location = boards.locate(line(BBB, "P9_12"), board)
    assert (location.chip_label, location.offset) == ("4804c000.gpio", 28)


def test_neither_label_nor_name_is_a_lookup_error() -> None:
    board = mock.Board()
    board.add_gpio_chip(8, label="leds")
    with pytest.raises(LookupError, match=r"labelled 'gpio-32-63' \(for line 28\) and no line named 'P9_12'"):
        boards.locate(line(BBB, "P9_12"), board)


def test_a_chip_too_small_for_the_offset() -> None:
    board = mock.Board()
    board.add_gpio_chip(8, label="pinctrl-bcm2711")
    with pytest.raises(LookupError, match=r"chip /dev/gpiochip0 \(pinctrl-bcm2711\) has 8 lines, not line 17"):
        boards.locate(line(PI4, "GPIO17"), board)
    assert board.open_files() == 0
