"""The board maps on the real kernel: gpio-sim chips labelled and named as a board's kernel has them, and every
header pin's lookup (boards.locate, the CLI's J8:11 / P9_12) finds its line there, the name the kernel reports
included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import boards, gpio
from linuxhw._kernel.real import RealBackend
from linuxhw.cli import main
from linuxhw.sim import GpioSim
from linuxhw.sim.gpiosim import Bank

pytestmark = pytest.mark.kernel

# One of each SoC family and naming: BCM2711 (58 lines), RP1, a BCM2835 tree with signal names, the AM335x banks.
BOARDS = ["raspberrypi-4b", "raspberrypi-5", "raspberrypi-3b", "beaglebone-black"]


@pytest.fixture
def shaped(request: pytest.FixtureRequest) -> Iterator[tuple[boards.Board, list[Bank]]]:
    """gpio-sim banks with the chip labels and line names of the board ``request.param`` names."""
    board = boards.get(request.param)
    sim = GpioSim()
    try:
        banks = [
            sim.add_bank(chip.num_lines, label=chip.label, names=dict(enumerate(chip.names)))
            for chip in board.gpio_chips
        ]
        sim.enable()
        with linuxhw.use_backend(RealBackend()):
            yield board, banks
    finally:
        sim.close()


@pytest.mark.parametrize("shaped", BOARDS, indirect=True)
def test_every_header_pin_finds_its_line(shaped: tuple[boards.Board, list[Bank]]) -> None:
    board, banks = shaped
    nodes = {chip.label: f"/dev/{bank.chip_name}" for chip, bank in zip(board.gpio_chips, banks)}
    for pin in board.gpio_pins():
        assert pin.line is not None
        location = boards.locate(pin.line)
        assert (location.chip_path, location.chip_label, location.offset) == (
            nodes[pin.line.chip_label],
            pin.line.chip_label,
            pin.line.offset,
        ), pin.spec
        assert location.name == pin.line.line_name, pin.spec  # the kernel reports the name the board's tree gives


@pytest.mark.parametrize(
    ("shaped", "spec", "bank", "offset"),
    [
        ("raspberrypi-4b", "J8:11", 0, 17),
        ("raspberrypi-5", "BOARD40", 0, 21),
        ("raspberrypi-3b", "GPIO10", 0, 10),  # the kernel calls it SPI_MOSI
        ("beaglebone-black", "P9_12", 1, 28),
        ("beaglebone-black", "P8_03", 1, 6),  # the kernel calls it "P8_3 [mmc1_dat6]"
    ],
    indirect=["shaped"],
)
def test_the_cli_reads_a_header_pin(
    shaped: tuple[boards.Board, list[Bank]], spec: str, bank: int, offset: int, capsys: pytest.CaptureFixture[str]
) -> None:
    board, banks = shaped
    banks[bank].set_pull(offset, 1)
    assert main(["gpio", "get", "--board", board.id, spec], backend=RealBackend()) == 0
    assert capsys.readouterr().out == f'"{spec}"=active\n'
    banks[bank].set_pull(offset, 0)
    with gpio.Chip(f"/dev/{banks[bank].chip_name}") as chip:
        assert chip.line_info(offset).consumer == ""  # released again
    assert main(["gpio", "get", "--board", board.id, "--numeric", spec], backend=RealBackend()) == 0
    assert capsys.readouterr().out == "0\n"


def test_this_guest_has_no_device_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """An x86 guest: no /proc/device-tree, so no board unless $LINUXHW_BOARD names one."""
    monkeypatch.delenv(boards.BOARD_VARIABLE, raising=False)
    assert RealBackend().device_tree_property("model") is None
    assert boards.current(RealBackend()) is None
    monkeypatch.setenv(boards.BOARD_VARIABLE, "raspberrypi-5")
    assert boards.current(RealBackend()) is boards.get("raspberrypi-5")
