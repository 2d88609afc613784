"""Mock boards shaped like real ones (``mock.Board.raspberry_pi``, ``beaglebone_black``, ``like``): linuxhw.boards
finds the board, every header pin resolves to its mock line, the buses are where the peers look, jumpers wire."""

from __future__ import annotations

import pytest

import linuxhw
from linuxhw import boards, gpio, mock, spi
from linuxhw._kernel import resolve_backend
from linuxhw.compat.smbus2 import SMBus
from linuxhw.compat.spidev import SpiDev
from linuxhw.gpio import Bias, Direction, Edge, EdgeType, LineSettings

pytestmark = pytest.mark.mock_only

KNOWN = [board.id for board in boards.known()]
OUT = LineSettings(direction=Direction.OUTPUT)
LISTEN = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH, bias=Bias.PULL_DOWN)


@pytest.mark.parametrize("board_id", KNOWN)
def test_every_known_board_is_found_and_each_header_pin_is_its_line(board_id: str) -> None:
    layout = boards.get(board_id)
    board = mock.Board.like(board_id)
    assert boards.current(board) is layout and board.layout is layout
    with linuxhw.use_backend(board):
        assert [(c.label, c.num_lines) for c in gpio.chips()] == [(c.label, c.num_lines) for c in layout.gpio_chips]
        for chip, shape in zip(gpio.chips(), layout.gpio_chips):
            with gpio.Chip(chip.name) as handle:
                assert tuple(info.name for info in handle.line_infos()) == shape.names
        for pin in layout.gpio_pins():
            assert pin.line is not None
            found = boards.locate(pin.line)
            assert (found.chip_label, found.offset, found.name) == (
                pin.line.chip_label,
                pin.line.offset,
                pin.line.line_name,
            )
            mock_chip, offset = board.header_line(pin.spec)
            assert (mock_chip.label, offset) == (pin.line.chip_label, pin.line.offset)
    assert [d.dev_path for d in board.devices("i2c-dev")] == [layout.i2c[n].path for n in sorted(layout.i2c)]
    spidevs = [path for n in sorted(layout.spi) for path in layout.spi[n].paths]
    assert [d.dev_path for d in board.devices("spidev")] == spidevs


@pytest.mark.parametrize(
    ("model", "board_id"),
    [("4b", "raspberrypi-4b"), ("5", "raspberrypi-5"), ("3b", "raspberrypi-3b"), ("zero2w", "raspberrypi-zero-2w"),
     ("Zero 2 W", "raspberrypi-zero-2w"), ("3B+", "raspberrypi-3b-plus"), ("raspberrypi-400", "raspberrypi-400")],
)  # fmt: skip
def test_raspberry_pi_models(model: str, board_id: str) -> None:
    board = mock.Board.raspberry_pi(model)
    assert boards.current(board) is boards.get(board_id)
    assert board.device_tree["compatible"].split(b"\0")[0] == boards.get(board_id).compatible[0].encode()


def test_the_pi_and_the_beaglebone_as_their_kernels_name_them() -> None:
    pi4 = mock.Board.raspberry_pi()
    with linuxhw.use_backend(pi4):
        assert gpio.find_line("GPIO17") == gpio.LineLocation("/dev/gpiochip0", "pinctrl-bcm2711", 17, "GPIO17")
        assert gpio.find_line("ID_SDA").offset == 0
        assert [device.path for device in spi.devices()][:2] == ["/dev/spidev0.0", "/dev/spidev0.1"]
    with linuxhw.use_backend(mock.Board.raspberry_pi("5")):
        assert gpio.find_line("GPIO4").chip_label == "pinctrl-rp1"
    bone = mock.Board.beaglebone_black()
    assert boards.current(bone) is boards.get("beaglebone-black")
    with linuxhw.use_backend(bone):
        assert gpio.find_line("P9_12") == gpio.LineLocation("/dev/gpiochip1", "gpio-32-63", 28, "P9_12")
        assert gpio.find_line("P9_22 [spi0_sclk]").chip_label == "gpio-0-31"
    assert [d.dev_path for d in bone.devices("i2c-dev")] == ["/dev/i2c-1", "/dev/i2c-2"]


def test_only_the_buses_asked_for() -> None:
    pi = mock.Board.raspberry_pi("4b", i2c=[1], spi=[0])
    assert [d.dev_path for d in pi.devices("i2c-dev")] == ["/dev/i2c-1"]
    assert [d.dev_path for d in pi.devices("spidev")] == ["/dev/spidev0.0", "/dev/spidev0.1"]
    assert [d.dev_path for d in mock.Board.beaglebone_black(i2c=(), spi=()).devices()] == [
        f"/dev/gpiochip{n}" for n in range(4)
    ]
    with pytest.raises(ValueError, match=r"i2c must be bus numbers of the Raspberry Pi 4 Model B's header, \[0, 1\]"):
        mock.Board.raspberry_pi(i2c=[2])
    with pytest.raises(ValueError, match=r"spi must be bus numbers of the BeagleBone Black's header, \[0, 1\]"):
        mock.Board.beaglebone_black(spi="0")  # type: ignore[arg-type]  # a string is no collection of numbers
    assert [d.dev_path for d in mock.Board.raspberry_pi(i2c=1).devices("i2c-dev")] == ["/dev/i2c-1"]  # type: ignore[arg-type]
    for bad in ([True], [1.0], [1, 7], b"\x01"):
        with pytest.raises(ValueError, match="i2c must be bus numbers"):
            mock.Board.raspberry_pi(i2c=bad)  # type: ignore[arg-type]


def test_bad_models_and_layouts_name_what_is_known() -> None:
    with pytest.raises(
        ValueError, match=r"model must be one of the Raspberry Pis linuxhw knows: 1b, .*4b, 400, cm4, 5"
    ):
        mock.Board.raspberry_pi("6")
    with pytest.raises(ValueError, match="model must be one of"):
        mock.Board.raspberry_pi(4)  # type: ignore[arg-type]
    with pytest.raises(LookupError, match="unknown board 'nope': linuxhw knows raspberrypi-1b"):
        mock.Board.like("nope")
    with pytest.raises(TypeError, match=r"board must be a linuxhw\.boards Board or a board id"):
        mock.Board.like(4)  # the layout's own check, for untyped callers


def test_peers_defaults_find_the_parts_attached_to_the_real_buses() -> None:
    """smbus2's SMBus(1) and spidev's open(0, 0), as every tutorial writes them, on a Pi and a BeagleBone."""
    for board in (mock.Board.raspberry_pi("5"), mock.Board.beaglebone_black()):
        board.device("/dev/i2c-1").attach(0x48, mock.RegisterDevice(defaults={0x0F: 0xA1}))
        adc = board.device("/dev/spidev0.0").attach(mock.AdcMcp3008())
        adc.set_input(0, 321)
        with linuxhw.use_backend(board):
            with SMBus(1) as bus:
                assert bus.read_byte_data(0x48, 0x0F) == 0xA1
            spidev = SpiDev()
            spidev.open(0, 0)
            reply = spidev.xfer2([1, 8 << 4, 0])
            spidev.close()
            assert ((reply[1] & 3) << 8) + reply[2] == 321
        assert board.open_files() == 0


def test_a_chip_select_with_nothing_wired_reads_ones() -> None:
    with linuxhw.use_backend(mock.Board.raspberry_pi()), spi.Device((0, 1)) as idle:
        assert idle.transfer(b"\x9f\x00") == b"\xff\xff"


@pytest.mark.parametrize(
    ("make", "a", "b"),
    [
        (lambda: mock.Board.raspberry_pi("4b", jumpers=[("BOARD16", "BOARD22")]), "J8:16", "J8:22"),  # RPi.GPIO's
        (lambda: mock.Board.raspberry_pi("5", jumpers=[("J8:11", "GPIO27")]), "GPIO17", "BOARD13"),
        (lambda: mock.Board.beaglebone_black(jumpers=[("P9_12", "P8_7")]), "P9_12", "P8_07"),  # across two banks
    ],
)
def test_a_jumper_carries_an_output_to_the_other_pin(make: object, a: str, b: str) -> None:
    board = make()  # type: ignore[operator]
    assert isinstance(board, mock.Board)
    (chip_a, offset_a), (chip_b, offset_b) = board.header_line(a), board.header_line(b)
    listen = gpio.request_lines(chip_b.label, {offset_b: LISTEN}, backend=board)
    drive = gpio.request_lines(chip_a.label, {offset_a: OUT}, backend=board)
    with listen as listener, drive as driver:
        driver.set_value(offset_a, 1)
        assert listener.get_value(offset_b) == 1
        assert listener.read_edge_events(timeout=1.0)[0].type is EdgeType.RISING
        driver.set_value(offset_a, 0)
        assert listener.read_edge_events(timeout=1.0)[0].type is EdgeType.FALLING
    assert board.open_files() == 0


def test_a_jumper_needs_two_gpio_pins_of_a_board_with_a_header() -> None:
    pi = mock.Board.raspberry_pi()
    with pytest.raises(ValueError, match=r"'J8:2' is J8:2, 5V: not a GPIO line"):
        pi.jumper("J8:2", "BOARD22")
    with pytest.raises(ValueError, match="J8:41"):
        pi.jumper("J8:41", "BOARD22")
    with pytest.raises(ValueError, match="a wire joins two different lines"):
        pi.jumper("BOARD11", "GPIO17")
    with pytest.raises(ValueError, match=r"this mock board has no header: make it with Board.raspberry_pi\(\)"):
        mock.Board().jumper("BOARD16", "BOARD22")
    shaped = mock.Board(model="Raspberry Pi 4 Model B", compatible=["raspberrypi,4-model-b"])  # no chips yet
    with pytest.raises(ValueError, match=r"'BOARD16' is line 23 of 'pinctrl-bcm2711', which this mock board lacks"):
        shaped.jumper("BOARD16", "BOARD22")


def test_a_mock_pi_chosen_from_outside_the_program() -> None:
    """LINUXHW_BACKEND=linuxhw.mock:Board.raspberry_pi (the README's words): an empty mock Pi 4."""
    board = resolve_backend("linuxhw.mock:Board.raspberry_pi", "LINUXHW_BACKEND")
    assert isinstance(board, mock.Board) and board.layout is boards.get("raspberrypi-4b")
