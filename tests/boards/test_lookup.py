"""Board.pin's spec grammar (gpiozero's J8:11 / BOARD11 / GPIO17 / BCM17, BeagleBone's P9_12) and its errors."""

from __future__ import annotations

import re

import pytest

from linuxhw import boards

PI4 = boards.get("raspberrypi-4b")
BBB = boards.get("beaglebone-black")


@pytest.mark.parametrize("spec", ["J8:11", "j8:11", "BOARD11", "board11", "GPIO17", "gpio17", "BCM17", " J8:11 "])
def test_pi_forms_name_the_same_pin(spec: str) -> None:
    assert PI4.pin(spec) is PI4.board_number(11)


@pytest.mark.parametrize("spec", ["P9_12", "p9_12", "P9:12", "P9_012", "GPIO1_28"])
def test_beaglebone_forms_name_the_same_pin(spec: str) -> None:
    assert BBB.pin(spec) is BBB.header("P9").pin(12)


def test_a_kernel_line_name_names_its_pin() -> None:
    assert BBB.pin("P9_22 [spi0_sclk]").spec == "P9:22"
    assert BBB.pin("P8_5 [mmc1_dat2]") is BBB.pin("P8_05")
    assert PI4.pin("ID_SDA").spec == "J8:27"


def test_a_name_shared_by_several_pins_is_refused_naming_them() -> None:
    with pytest.raises(ValueError, match=r"pin spec '3V3' names 2 pins on Raspberry Pi 4 Model B \(J8:1, J8:17\)"):
        PI4.pin("3V3")


@pytest.mark.parametrize(
    ("board", "spec", "message"),
    [
        (PI4, "J8:41", "pin spec 'J8:41': header J8 has pins 1 to 40, not 41"),
        (PI4, "J8:0", "pin spec 'J8:0': header J8 has pins 1 to 40, not 0"),
        (PI4, "J9:3", "pin spec 'J9:3': Raspberry Pi 4 Model B has no header 'J9': its headers are J8"),
        (PI4, "J8:eleven", "pin spec 'J8:eleven': after J8: comes a physical pin number, as in J8:11"),
        (PI4, "BOARD41", "pin spec 'BOARD41': header J8 has pins 1 to 40, not 41"),
        (PI4, "GPIO28", "no pin 'GPIO28' on Raspberry Pi 4 Model B: name a pin as J8:<1-40>, BOARD<1-40>, a pin name"),
        (PI4, "", "no pin '' on Raspberry Pi 4 Model B"),
        (BBB, "BOARD12", "pin spec 'BOARD12': BeagleBone Black has no main header for BOARD numbers: name the pin"),
        (BBB, "P9_47", "pin spec 'P9_47': header P9 has pins 1 to 46, not 47"),
        (BBB, "P10_1", "no pin 'P10_1' on BeagleBone Black: name a pin as P8:<1-46>, P9:<1-46>, a pin name (P8_3, "),
    ],
)
def test_bad_specs_name_the_spec_and_the_forms(board: boards.Board, spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        board.pin(spec)


def test_an_int_is_not_a_spec_but_board_number_takes_one() -> None:
    with pytest.raises(TypeError, match=r"not 11; for physical pin 11 use board.board_number\(11\)"):
        PI4.pin(11)  # type: ignore[arg-type]
    assert PI4.board_number(11).name == "GPIO17"
    with pytest.raises(TypeError, match="pin number must be an int"):
        PI4.board_number("11")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no main header for BOARD numbers"):
        BBB.board_number(12)


def test_gpio_pins_are_the_line_pins_in_header_order() -> None:
    pins = PI4.gpio_pins()
    assert [p.number for p in pins[:4]] == [3, 5, 7, 8] and len(pins) == 28
    assert all(p.line is not None for p in pins)


def test_known_and_get() -> None:
    ids = [b.id for b in boards.known()]
    assert {"raspberrypi-4b", "raspberrypi-5", "beaglebone-black", "raspberrypi-1b-rev1"} <= set(ids)
    assert len(ids) == len(set(ids))
    assert boards.get(" RaspberryPi-5 ") is boards.get("raspberrypi-5")
    with pytest.raises(LookupError, match=r"unknown board 'pi4': linuxhw knows raspberrypi-1b, .*beaglebone-black"):
        boards.get("pi4")
    assert repr(PI4) == "<Board raspberrypi-4b: Raspberry Pi 4 Model B>"


@pytest.mark.parametrize("spec", ["XYZ", "J9:3", "gpiochip0:GPIO17", "P10_1"])
def test_a_spec_that_names_no_pin_is_an_unknown_pin(spec: str) -> None:
    """Of no pin's name or header: UnknownPinError, a ValueError and a LookupError (the CLI then keeps its own
    error for the spec); a header pin's form gone wrong (J8:41) is a plain ValueError."""
    with pytest.raises(boards.UnknownPinError) as caught:
        PI4.pin(spec)
    assert isinstance(caught.value, LookupError) and isinstance(caught.value, ValueError)
    with pytest.raises(ValueError) as plain:  # noqa: PT011 (the type is what this checks)
        PI4.pin("J8:41")
    assert not isinstance(plain.value, boards.UnknownPinError)
