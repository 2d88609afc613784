"""The RPi.GPIO face on a board linuxhw.boards knows: BOARD numbers, BCM numbers as SoC GPIOs, RPI_INFO,
the warnings and functions of its header's bus pins. A chip labelled and named as a Pi 4's kernel has
it (mock, and gpio-sim in the kernel tier), with ``$LINUXHW_BOARD`` saying which board it is."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from types import ModuleType

import pytest

import linuxhw
from linuxhw import boards, mock
from linuxhw.compat import rpi_gpio
from tests.compat.test_rpi_gpio import MOCK_ONLY, exactly, fresh_face, starting, wait_until
from tests.conftest import GpioSimulator, SimChip


def pi_chip(sim: GpioSimulator, board_id: str) -> SimChip:
    """The SoC's GPIO chip of a Raspberry Pi, as its kernel labels and names it."""
    layout = boards.get(board_id).gpio_chips[0]
    return sim.add_chip(layout.num_lines, label=layout.label, names=dict(enumerate(layout.names)))


@pytest.fixture
def face(sim: GpioSimulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The face, fresh for the test and cleaned up before the chips go (see fresh_face)."""
    yield from fresh_face(monkeypatch)


@pytest.fixture
def pi4(sim: GpioSimulator, monkeypatch: pytest.MonkeyPatch) -> SimChip:
    monkeypatch.setenv(boards.BOARD_VARIABLE, "raspberrypi-4b")
    return pi_chip(sim, "raspberrypi-4b")


def test_board_numbers_are_the_header_pins(face: ModuleType, pi4: SimChip) -> None:
    GPIO = face
    GPIO.setmode(GPIO.BOARD)
    GPIO.setup(12, GPIO.OUT, initial=GPIO.HIGH)  # J8:12 is GPIO18
    assert pi4.get_value(18) == 1
    GPIO.setup(27, GPIO.OUT, initial=GPIO.HIGH)  # J8:27 is GPIO0, which the Pi 4's kernel names ID_SDA
    assert pi4.get_value(0) == 1
    for pin in (6, 1, 2, 17, 0, 41, -3):  # ground, 3V3, 5V, 3V3, and no pins at all
        with pytest.raises(ValueError, match=exactly("The channel sent is invalid on a Raspberry Pi")):
            GPIO.setup(pin, GPIO.OUT)
    with pytest.raises(ValueError, match=exactly("The channel sent is invalid on a Raspberry Pi")):
        GPIO.setup([16, 6], GPIO.IN)
    assert GPIO.gpio_function(16) == GPIO.IN
    seen: list[int] = []
    GPIO.add_event_detect(16, GPIO.FALLING, callback=seen.append)  # J8:16 is GPIO23
    pi4.set_pull(23, 1)
    pi4.set_pull(23, 0)
    wait_until(lambda: seen, "the callback")
    assert seen == [16]  # callbacks are given the channel in BOARD numbers


def test_bcm_numbers_are_the_socs_gpios(face: ModuleType, pi4: SimChip) -> None:
    GPIO = face
    GPIO.setmode(GPIO.BCM)
    for bcm in (0, 18, 40, 53):  # ID_SDA, GPIO18, and SoC GPIOs off the header the kernel names otherwise
        GPIO.setup(bcm, GPIO.OUT, initial=GPIO.HIGH)
        assert pi4.get_value(bcm) == 1, bcm
    with pytest.raises(ValueError, match=exactly("The channel sent is invalid on a Raspberry Pi")):
        GPIO.setup(54, GPIO.OUT)


def test_rpi_info_from_what_linuxhw_knows_of_the_board(face: ModuleType, pi4: SimChip) -> None:
    assert face.RPI_INFO == {"P1_REVISION": 3, "REVISION": "Unknown", "TYPE": "Pi 4 Model B",
                             "MANUFACTURER": "Unknown", "PROCESSOR": "BCM2711", "RAM": "Unknown"}  # fmt: skip
    assert face.RPI_REVISION == 3


@MOCK_ONLY
def test_rpi_info_from_the_device_trees_revision_code(face: ModuleType) -> None:
    board = mock.Board.raspberry_pi("4b")
    board.device_tree["system/linux,revision"] = bytes.fromhex("00c03114")
    with linuxhw.use_backend(board):
        assert face.RPI_INFO == {"P1_REVISION": 3, "REVISION": "c03114", "TYPE": "Pi 4 Model B",
                                 "MANUFACTURER": "Sony UK", "PROCESSOR": "BCM2711", "RAM": "4G"}  # fmt: skip
        del board.device_tree["system/linux,revision"]
        assert face.RPI_INFO["REVISION"] == "Unknown"
        assert face.RPI_INFO["PROCESSOR"] == "BCM2711"  # named by the device tree's compatible strings


def test_a_board_linuxhw_does_not_know_has_no_board_numbers(face: ModuleType, sim: GpioSimulator) -> None:
    sim.add_chip(28, names={i: f"GPIO{i}" for i in range(28)})
    with pytest.raises(
        RuntimeError, match="BOARD numbering needs a board whose header linuxhw knows: set LINUXHW_BOARD"
    ):
        face.setmode(face.BOARD)
    assert face.getmode() is None and face.RPI_INFO["P1_REVISION"] == 0
    face.setmode(face.BCM)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        face.setup(2, face.IN, pull_up_down=face.PUD_UP)  # no Pi: no pull-up fitted on GPIO2 to warn of


def test_a_compute_module_refuses_board_numbers_as_rpi_gpio_does(
    face: ModuleType, sim: GpioSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(boards.BOARD_VARIABLE, "raspberrypi-cm4")
    pi_chip(sim, "raspberrypi-cm4")
    with pytest.raises(RuntimeError, match=exactly("BOARD numbering system not applicable on compute module")):
        face.setmode(face.BOARD)
    face.setmode(face.BCM)
    assert face.RPI_INFO["TYPE"] == "Compute Module 4"


def test_the_i2c_pins_pull_ups_are_warned_of(face: ModuleType, pi4: SimChip) -> None:
    face.setmode(face.BOARD)
    for pin in (3, 5):
        with pytest.warns(RuntimeWarning) as caught:
            face.setup(pin, face.IN, pull_up_down=face.PUD_DOWN)
        assert rpi_gpio.PULL_UP_FITTED in [str(w.message) for w in caught]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        face.setup(3, face.IN)  # no pull asked: nothing to warn of
        face.setup(7, face.IN, pull_up_down=face.PUD_UP)


def test_the_first_pi_numbers_its_26_pins_by_revision(
    face: ModuleType, sim: GpioSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(boards.BOARD_VARIABLE, "raspberrypi-1b-rev1")
    chip = pi_chip(sim, "raspberrypi-1b-rev1")
    face.setmode(face.BOARD)
    face.setup(13, face.OUT, initial=face.HIGH)  # GPIO21 on the rev 1 board (GPIO27 from rev 2)
    assert chip.get_value(21) == 1
    with pytest.raises(ValueError, match=exactly("The channel sent is invalid on a Raspberry Pi")):
        face.setup(29, face.OUT)  # no pin 29 on a 26-pin header
    assert face.RPI_INFO["P1_REVISION"] == 1
    with pytest.warns(RuntimeWarning, match=exactly(rpi_gpio.PULL_UP_FITTED)):
        face.setup(3, face.IN, pull_up_down=face.PUD_UP)  # GPIO0: rev 1's I2C0, pulled up


@MOCK_ONLY
def test_gpio_function_tells_in_or_out_even_of_a_bus_pin(face: ModuleType) -> None:
    """The character device does not tell a pin's function: I2C1's pins of a Pi with /dev/i2c-1 are inputs."""
    with linuxhw.use_backend(mock.Board.raspberry_pi("4b")):
        face.setmode(face.BOARD)
        assert [face.gpio_function(pin) for pin in (3, 5, 19, 8)] == [face.IN] * 4
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            face.setup(7, face.OUT)
        face.cleanup()


def test_no_gpio_names_and_no_board_is_no_raspberry_pi(face: ModuleType, sim: GpioSimulator) -> None:
    sim.add_chip(8, names={0: "LED", 1: "BUTTON"})
    face.setmode(face.BCM)
    no_pi = "This module can only be run on a Raspberry Pi!: no GPIO chip has lines named GPIO<n>"
    with pytest.raises(RuntimeError, match=starting(no_pi)):
        face.setup(17, face.OUT)


def test_a_board_id_linuxhw_does_not_know(face: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(boards.BOARD_VARIABLE, "raspberrypi-9")
    with pytest.raises(RuntimeError, match=r"LINUXHW_BOARD.*raspberrypi-9.*raspberrypi-4b"):
        assert face.RPI_INFO
    face.setmode(face.BCM)
    with pytest.raises(RuntimeError, match=r"LINUXHW_BOARD.*raspberrypi-9"):
        face.setup(17, face.OUT)
