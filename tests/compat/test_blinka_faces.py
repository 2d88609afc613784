"""Blinka's board / busio / digitalio / microcontroller / micropython faces over linuxhw: the pin names are
checked against Blinka's own board modules (installed for the test), and Adafruit drivers run on them on
mock boards shaped like a Raspberry Pi 4 and a BeagleBone Black."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

import linuxhw
from linuxhw import boards, mock
from linuxhw.compat import circuitpython
from linuxhw.compat.blinka import busio, digitalio, micropython

FACES = (
    "linuxhw.compat.blinka.board",
    "linuxhw.compat.blinka.microcontroller.pin",
    "linuxhw.compat.blinka.microcontroller",
)


def fresh(name: str) -> ModuleType:
    """Import a face anew, as a script's first ``import board`` does (an unknown board fails the import)."""
    for face in FACES:
        sys.modules.pop(face, None)
    return importlib.import_module(name)


@pytest.fixture(autouse=True)
def forget_faces(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(boards.BOARD_VARIABLE, raising=False)
    yield
    for face in FACES:
        sys.modules.pop(face, None)


def pin_ids(module: ModuleType) -> dict[str, object]:
    """The module's pins (ours or Blinka's): name -> the pin's id."""
    values = {name: getattr(module, name) for name in dir(module) if name[0].isalpha()}
    return {
        name: value.id for name, value in values.items() if not isinstance(value, ModuleType) and hasattr(value, "id")
    }


BLINKA_PI = {
    "raspberrypi-4b": "raspi_4b",
    "raspberrypi-5": "raspi_5",
    "raspberrypi-3b": "raspi_40pin",
    "raspberrypi-zero-2w": "raspi_40pin",
    "raspberrypi-1b-plus": "raspi_40pin",
    "raspberrypi-1b": "raspi_1b_rev2",
    "raspberrypi-1a": "raspi_1b_rev2",
    "raspberrypi-1b-rev1": "raspi_1b_rev1",
}


@pytest.mark.parametrize(("board_id", "blinka_module"), BLINKA_PI.items())
def test_pi_pins_are_named_as_blinka_names_them(
    board_id: str, blinka_module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    blinka = pytest.importorskip(f"adafruit_blinka.board.raspberrypi.{blinka_module}")
    monkeypatch.setenv(boards.BOARD_VARIABLE, board_id)
    board = fresh("linuxhw.compat.blinka.board")
    assert pin_ids(board) == pin_ids(blinka)  # D17 -> 17, SDA -> 2 (0 on the rev 1), CE0 -> 8, TX -> 14, ...
    assert callable(board.I2C) and callable(board.SPI)


def blinka_source_names(module: str) -> dict[str, str]:
    """Name -> what it is in one of Blinka's board modules, read from its source (importing Blinka's
    BeagleBone module needs Adafruit_BBIO, which needs the board)."""
    spec = importlib.util.find_spec("adafruit_blinka")
    if spec is None or spec.origin is None:
        pytest.skip("Adafruit-Blinka is not installed")
    tree = ast.parse((Path(spec.origin).parent / "board" / "beagleboard" / f"{module}.py").read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            value = node.value
            names[node.targets[0].id] = value.attr if isinstance(value, ast.Attribute) else ast.unparse(value)
    return names


def test_beaglebone_pins_are_named_as_blinka_names_them(monkeypatch: pytest.MonkeyPatch) -> None:
    blinka = blinka_source_names("beaglebone_black")
    monkeypatch.setenv(boards.BOARD_VARIABLE, "beaglebone-black")
    board = fresh("linuxhw.compat.blinka.board")
    ours = pin_ids(board)
    assert set(ours) == set(blinka) - {"LED_USR0", "LED_USR1", "LED_USR2", "LED_USR3"}  # not header pins
    for name, what in blinka.items():
        if name.startswith(("P8_", "P9_")):
            assert what == name and ours[name] == name
    # Blinka's bus aliases, by the pins its comments and port tables give (MOSI_1/MISO_1: see the package doc)
    aliases = {"SDA": "P9_20", "SCL": "P9_19", "CE0": "P9_17", "MOSI": "P9_18", "MISO": "P9_21", "SCLK": "P9_22",
               "SCK": "P9_22", "CE1": "P9_28", "MOSI_1": "P9_30", "MISO_1": "P9_29", "SCLK_1": "P9_31",
               "SCK_1": "P9_31"}  # fmt: skip
    assert {name: ours[name] for name in aliases} == aliases


def test_an_unknown_board_is_not_implemented() -> None:
    with linuxhw.use_backend(mock.Board()), pytest.raises(NotImplementedError, match=r"set \$LINUXHW_BOARD to one of"):
        fresh("linuxhw.compat.blinka.board")


def test_an_unknown_board_id_is_not_supported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A $LINUXHW_BOARD naming no board is Blinka's "Board not supported" for a BLINKA_FORCEBOARD it lacks."""
    monkeypatch.setenv(boards.BOARD_VARIABLE, "pi9")
    with pytest.raises(
        NotImplementedError,
        match=r"^Board not supported pi9 \(\$LINUXHW_BOARD\): linuxhw knows raspberrypi-1b, .*beaglebone",
    ):
        fresh("linuxhw.compat.blinka.board")


def test_the_faces_follow_the_current_board_without_a_reimport(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Pi-shaped board, then a BeagleBone-shaped one, in one process: the modules imported once name each
    board's pins in turn (as two tests, or two ``linuxhw run`` scripts, see them)."""
    pi = mock.Board.raspberry_pi("4b", i2c=(), spi=())
    with linuxhw.use_backend(pi):
        board_module = importlib.import_module("linuxhw.compat.blinka.board")
        pin_module = importlib.import_module("linuxhw.compat.blinka.microcontroller.pin")
        assert board_module.D17.id == 17 and callable(board_module.SPI) and "D17" in dir(board_module)
        assert pin_module.i2cPorts[0] == (1, board_module.SCL, board_module.SDA)
        star: dict[str, object] = {}
        exec("from linuxhw.compat.blinka.board import *", star)
        assert star["D17"] == board_module.D17 and "P9_12" not in star
    bone = mock.Board.beaglebone_black(i2c=(), spi=())
    with linuxhw.use_backend(bone):
        assert importlib.import_module("linuxhw.compat.blinka.board") is board_module
        assert board_module.P9_12.id == "P9_12" and board_module.SDA.id == "P9_20"
        assert "P9_12" in dir(board_module) and "D17" not in dir(board_module)
        with pytest.raises(AttributeError, match=r"has no attribute 'D17' on the .*BeagleBone"):
            board_module.D17  # noqa: B018
        assert pin_module.i2cPorts[0][1] == board_module.P9_19 and pin_module.P9_12 == board_module.P9_12
        star = {}
        exec("from linuxhw.compat.blinka.board import *", star)
        assert "P9_12" in star and "D17" not in star


@dataclass
class Pi4:
    """A mock board shaped like a Pi 4: its SoC chip and device tree, I2C buses 0 and 1, and a BME280
    on spidev0.0."""

    board: mock.Board
    soc: mock.MockGpioChip
    i2c1: mock.MockI2cBus
    bme280: mock.Bme280Spi


@pytest.fixture
def pi4() -> Iterator[Pi4]:
    board = mock.Board.raspberry_pi("4b", i2c=(), spi=())
    soc = board.device("/dev/gpiochip0")
    board.add_i2c_bus("i2c-0")
    shape = Pi4(board, soc, board.add_i2c_bus("i2c-1"), mock.Bme280Spi())
    board.add_spi_bus().add_device(0, shape.bme280)
    with linuxhw.use_backend(board):
        yield shape
    assert board.open_files() == 0


def test_an_adafruit_driver_on_board_i2c(pi4: Pi4) -> None:
    adafruit_mcp9808 = pytest.importorskip("adafruit_mcp9808")
    board_module = fresh("linuxhw.compat.blinka.board")
    pi4.i2c1.attach(0x18, mock.Mcp9808(temperature=23.53))
    with board_module.I2C() as i2c:
        assert i2c.bus.path == "/dev/i2c-1" and i2c.scan() == [0x18]
        assert adafruit_mcp9808.MCP9808(i2c).temperature == 23.5
    with busio.I2C(board_module.SCL, board_module.SDA, 400_000) as i2c:
        assert i2c.bus.path == "/dev/i2c-1"
    with busio.I2C(board_module.D1, board_module.D0) as i2c:  # the ID pins: I2C0
        assert i2c.bus.path == "/dev/i2c-0"


def test_an_adafruit_driver_on_busio_spi_with_a_digitalio_chip_select(pi4: Pi4) -> None:
    adafruit_bme280 = pytest.importorskip("adafruit_bme280.basic")
    board_module = fresh("linuxhw.compat.blinka.board")
    with (
        busio.SPI(board_module.SCK, board_module.MOSI, board_module.MISO) as spi,
        digitalio.DigitalInOut(board_module.D5) as cs,
    ):
        assert spi.device.path == "/dev/spidev0.0"
        bme280 = adafruit_bme280.Adafruit_BME280_SPI(spi, cs)
        assert bme280.temperature == pytest.approx(25.08, abs=0.005)
        assert pi4.soc.is_requested(5)  # the chip select is GPIO5 of the Pi's pinctrl chip
    assert not pi4.soc.is_requested(5) and pi4.bme280.measurements >= 1


def test_busio_names_the_valid_ports(pi4: Pi4) -> None:
    board_module = fresh("linuxhw.compat.blinka.board")
    with pytest.raises(
        ValueError, match=r"No Hardware I2C on \(scl,sda\)=\(4, 5\)\nValid I2C ports: \(\(1, 3, 2\), \(0, 1, 0\)\)"
    ):
        busio.I2C(board_module.D4, board_module.D5)
    with pytest.raises(
        ValueError,
        match=r"No Hardware SPI on \(SCLK, MOSI, MISO\)=\(4, None, None\)\n"
        r"Valid SPI ports: \(\(0, 11, 10, 9\), \(1, 21, 20, 19\)\)",
    ):
        busio.SPI(board_module.D4)
    with pytest.raises(ValueError, match="half_duplex SPI is not supported"):
        busio.SPI(board_module.SCK, half_duplex=True)


def test_digitalio_on_a_beaglebone_header_pin() -> None:
    shape = mock.Board.beaglebone_black(i2c=(), spi=())
    banks = [shape.device(f"/dev/gpiochip{n}") for n in range(4)]
    with linuxhw.use_backend(shape):
        board_module = fresh("linuxhw.compat.blinka.board")
        seen = set()

        def look() -> None:
            if banks[1].is_requested(28):
                seen.add(banks[1].get_value(28))

        with shape.observe(look), digitalio.DigitalInOut(board_module.P9_12) as led:
            led.direction = digitalio.Direction.OUTPUT
            led.value = True
        assert 1 in seen  # P9_12 is gpio1_28
    assert shape.open_files() == 0


def test_microcontroller_and_its_pin_module(pi4: Pi4) -> None:
    board_module = fresh("linuxhw.compat.blinka.board")
    microcontroller = fresh("linuxhw.compat.blinka.microcontroller")
    pin = microcontroller.pin
    assert microcontroller.Pin is circuitpython.Pin and pin.Pin is circuitpython.Pin
    assert pin.i2cPorts == ((1, board_module.SCL, board_module.SDA), (0, board_module.D1, board_module.D0))
    assert pin.spiPorts[0] == (0, board_module.SCK, board_module.MOSI, board_module.MISO)
    assert pin.uartPorts == () and pin.D17 == board_module.D17
    microcontroller.delay_us(1)


def test_pins_compare_and_print_as_blinkas() -> None:
    pi = boards.get("raspberrypi-4b")
    d17 = circuitpython.Pin(pi.pin("GPIO17"))
    assert (repr(d17), d17.id) == ("17", 17)
    assert d17 == circuitpython.Pin(pi.pin("J8:11")) and d17 != circuitpython.Pin(pi.pin("J8:12"))
    assert hash(d17) == hash(circuitpython.Pin(pi.pin("BOARD11")))
    assert repr(circuitpython.Pin(boards.get("beaglebone-black").pin("P9_12"))) == "P9_12"
    with pytest.raises(ValueError, match=r"J8:6 is GND, not a GPIO line"):
        circuitpython.Pin(pi.pin("J8:6"))
    with pytest.raises(TypeError, match=r"a Pin is a board's header pin, a line name or \(chip, offset\), not 17"):
        circuitpython.Pin(17)  # type: ignore[arg-type]


def test_micropython() -> None:
    assert micropython.const(0x42) == 0x42

    @micropython.native
    def twice(x: int) -> int:
        return 2 * x

    assert twice(2) == 4 and micropython.viper(twice) is twice and micropython.native()(twice) is twice
    with pytest.raises(RuntimeError, match="twice is MicroPython inline assembler"):
        micropython.asm_thumb(twice)(1)
