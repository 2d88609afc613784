"""The Raspberry Pi maps against the published pinouts: pinout.xyz's J8 (every 40-pin Pi), the first Model
B's 26-pin P1 in its two revisions and the rev 2 P5 (the Raspberry Pi Foundation's rev 1/rev 2 schematics,
as gpiozero and RPi.GPIO number them). Expected values are written out here from those pinouts, not
derived from the data under test."""

from __future__ import annotations

import pytest

from linuxhw import boards

# pinout.xyz, physical pin -> what it is (BCM GPIO or supply).
J8_PINOUT = {
    1: "3V3", 2: "5V", 3: "GPIO2", 4: "5V", 5: "GPIO3", 6: "GND", 7: "GPIO4", 8: "GPIO14", 9: "GND",
    10: "GPIO15", 11: "GPIO17", 12: "GPIO18", 13: "GPIO27", 14: "GND", 15: "GPIO22", 16: "GPIO23", 17: "3V3",
    18: "GPIO24", 19: "GPIO10", 20: "GND", 21: "GPIO9", 22: "GPIO25", 23: "GPIO11", 24: "GPIO8", 25: "GND",
    26: "GPIO7", 27: "GPIO0", 28: "GPIO1", 29: "GPIO5", 30: "GND", 31: "GPIO6", 32: "GPIO12", 33: "GPIO13",
    34: "GND", 35: "GPIO19", 36: "GPIO16", 37: "GPIO26", 38: "GPIO20", 39: "GND", 40: "GPIO21",
}  # fmt: skip
# What differs on the Model B rev 1's P1 (pins 3, 5 and 13).
P1_REV1_DIFFERS = {3: "GPIO0", 5: "GPIO1", 13: "GPIO21"}
P5_REV2 = {1: "5V", 2: "3V3", 3: "GPIO28", 4: "GPIO29", 5: "GPIO30", 6: "GPIO31", 7: "GND", 8: "GND"}

FORTY_PIN = {
    "raspberrypi-1b-plus": "pinctrl-bcm2835",
    "raspberrypi-1a-plus": "pinctrl-bcm2835",
    "raspberrypi-zero": "pinctrl-bcm2835",
    "raspberrypi-zero-w": "pinctrl-bcm2835",
    "raspberrypi-zero-2w": "pinctrl-bcm2835",
    "raspberrypi-2b": "pinctrl-bcm2835",
    "raspberrypi-3b": "pinctrl-bcm2835",
    "raspberrypi-3b-plus": "pinctrl-bcm2835",
    "raspberrypi-3a-plus": "pinctrl-bcm2835",
    "raspberrypi-4b": "pinctrl-bcm2711",
    "raspberrypi-400": "pinctrl-bcm2711",
    "raspberrypi-cm4": "pinctrl-bcm2711",
    "raspberrypi-5": "pinctrl-rp1",
}
# gpiodetect: pinctrl-bcm2835 and pinctrl-rp1 have 54 lines, pinctrl-bcm2711 58.
CHIP_LINES = {"pinctrl-bcm2835": 54, "pinctrl-bcm2711": 58, "pinctrl-rp1": 54}


def expected_pin(header: str, number: int, name: str) -> tuple[str, int, str, int | None]:
    gpio = int(name[4:]) if name.startswith("GPIO") else None
    return header, number, name, gpio


@pytest.mark.parametrize(("board_id", "label"), FORTY_PIN.items())
def test_j8_matches_pinout_xyz(board_id: str, label: str) -> None:
    board = boards.get(board_id)
    assert [h.name for h in board.headers] == ["J8"]
    got = [(p.header, p.number, p.name, p.gpio) for p in board.headers[0].pins]
    assert got == [expected_pin("J8", n, name) for n, name in J8_PINOUT.items()]
    for pin in board.headers[0].pins:
        if pin.gpio is None:
            assert pin.line is None
        else:  # the BCM number is the line's offset on the SoC's chip
            assert pin.line is not None and (pin.line.chip_label, pin.line.offset) == (label, pin.gpio)
    assert [(c.label, c.num_lines) for c in board.gpio_chips] == [(label, CHIP_LINES[label])]


@pytest.mark.parametrize("board_id", ["raspberrypi-1b", "raspberrypi-1a"])
def test_p1_rev2_and_p5(board_id: str) -> None:
    board = boards.get(board_id)
    p1, p5 = board.headers
    assert (p1.name, p5.name) == ("P1", "P5")
    assert [(p.number, p.name) for p in p1.pins] == [(n, J8_PINOUT[n]) for n in range(1, 27)]
    assert [(p.number, p.name) for p in p5.pins] == list(P5_REV2.items())
    assert board.board_number(13).name == "GPIO27"  # BOARD numbers are P1's


def test_p1_rev1_differs_on_pins_3_5_and_13() -> None:
    board = boards.get("raspberrypi-1b-rev1")
    assert [h.name for h in board.headers] == ["P1"]
    expected = {n: P1_REV1_DIFFERS.get(n, J8_PINOUT[n]) for n in range(1, 27)}
    assert {p.number: p.name for p in board.headers[0].pins} == expected
    assert board.i2c[0].path == "/dev/i2c-0"  # i2c_arm is I2C0 on pins 3/5 there
    assert (board.i2c[0].sda.number, board.i2c[0].scl.number) == (3, 5)
    assert 1 not in board.i2c


# pinout.xyz's function labels for a sample of pins (the 40-pin boards with a BCM283x or BCM2711).
BCM_FUNCTIONS = {
    3: "I2C1_SDA", 5: "I2C1_SCL", 7: "GPCLK0", 8: "UART0_TXD", 10: "UART0_RXD", 12: "PWM0", 19: "SPI0_MOSI",
    21: "SPI0_MISO", 23: "SPI0_SCLK", 24: "SPI0_CE0", 26: "SPI0_CE1", 27: "I2C0_SDA", 28: "I2C0_SCL",
    32: "PWM0", 33: "PWM1", 35: "SPI1_MISO", 38: "SPI1_MOSI", 40: "SPI1_SCLK", 11: "SPI1_CE1", 36: "SPI1_CE2",
}  # fmt: skip
# The RP1's (Raspberry Pi's pinctrl tool's RP1 function table): its PWM channels, and GPCLK0-2 on GPIO4-6.
RP1_FUNCTIONS = {
    32: "PWM0_CHAN0", 33: "PWM0_CHAN1", 12: "PWM0_CHAN2", 35: "PWM0_CHAN3", 7: "GPCLK0", 29: "GPCLK1", 31: "GPCLK2",
}  # fmt: skip


@pytest.mark.parametrize("board_id", [b for b, label in FORTY_PIN.items() if label != "pinctrl-rp1"])
def test_bcm_pin_functions(board_id: str) -> None:
    board = boards.get(board_id)
    for number, signal in BCM_FUNCTIONS.items():
        assert signal in board.board_number(number).functions, (number, signal)
    assert board.board_number(1).functions == ()
    assert board.board_number(15).functions == ()  # GPIO22: no bus


def test_pi5_pin_functions() -> None:
    board = boards.get("raspberrypi-5")
    for number, signal in RP1_FUNCTIONS.items():
        assert signal in board.board_number(number).functions, (number, signal)
    assert "I2C1_SDA" in board.board_number(3).functions


@pytest.mark.parametrize("board_id", FORTY_PIN)
def test_40pin_buses_and_their_nodes(board_id: str) -> None:
    board = boards.get(board_id)
    i2c1, i2c0 = board.i2c[1], board.i2c[0]
    assert (i2c1.path, i2c1.sda.spec, i2c1.scl.spec) == ("/dev/i2c-1", "J8:3", "J8:5")
    assert (i2c0.path, i2c0.sda.spec, i2c0.scl.spec) == ("/dev/i2c-0", "J8:27", "J8:28")
    spi0 = board.spi[0]
    assert (spi0.sclk.number, spi0.mosi.number, spi0.miso.number) == (23, 19, 21)
    assert [(cs.number, spi0.path(i)) for i, cs in enumerate(spi0.chip_selects)] == [
        (24, "/dev/spidev0.0"),
        (26, "/dev/spidev0.1"),
    ]
    spi1 = board.spi[1]
    assert (spi1.sclk.number, spi1.mosi.number, spi1.miso.number) == (40, 38, 35)
    assert [cs.number for cs in spi1.chip_selects] == [12, 11, 36]
    assert spi1.paths == ("/dev/spidev1.0", "/dev/spidev1.1", "/dev/spidev1.2")


def test_spi_path_names_the_chip_selects_it_has() -> None:
    with pytest.raises(ValueError, match=r"SPI0 has chip selects 0 to 1, not 2"):
        boards.get("raspberrypi-4b").spi[0].path(2)


# The kernels' line names where they differ from GPIO<n> for header pins (gpio-line-names of each tree).
LINE_NAMES = {
    "raspberrypi-4b": {27: "ID_SDA", 28: "ID_SCL", 3: "GPIO2", 11: "GPIO17"},
    "raspberrypi-5": {27: "ID_SDA", 28: "ID_SCL", 3: "GPIO2", 40: "GPIO21"},
    "raspberrypi-3b": {3: "SDA1", 5: "SCL1", 7: "GPIO_GCLK", 8: "TXD1", 19: "SPI_MOSI", 24: "SPI_CE0_N"},
    "raspberrypi-3b-plus": {3: "GPIO2", 8: "GPIO14", 27: "ID_SDA"},
    "raspberrypi-zero": {3: "SDA1", 8: "TXD0", 26: "SPI_CE1_N", 11: "GPIO17"},
    "raspberrypi-1b": {3: "SDA1", 5: "SCL1", 13: "GPIO27", 8: "TXD0", 23: "SPI_SCLK"},
    "raspberrypi-1b-rev1": {3: "SDA0", 5: "SCL0", 13: "GPIO21"},
}


@pytest.mark.parametrize(("board_id", "names"), LINE_NAMES.items())
def test_line_names_are_the_kernels(board_id: str, names: dict[int, str]) -> None:
    board = boards.get(board_id)
    for number, name in names.items():
        line = board.board_number(number).line
        assert line is not None and line.line_name == name, number
        assert board.pin(name) is board.board_number(number)  # a kernel line name finds its pin


def test_every_chip_names_each_line_it_has() -> None:
    for board in boards.known():
        for chip in board.gpio_chips:
            assert all(chip.names), (board.id, chip.label)
            for pin in board.gpio_pins():
                assert pin.line is not None
                if pin.line.chip_label == chip.label:
                    assert chip.names[pin.line.offset] == pin.line.line_name
