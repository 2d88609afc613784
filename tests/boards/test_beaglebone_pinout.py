"""The BeagleBone Black and Green maps against the BeagleBone Black System Reference Manual's P8/P9 tables
(each pin's mode-7 GPIO as gpioBANK_OFFSET, its legacy number BANK*32+OFFSET, the supplies) and the buses
BeagleBoard documents. Expected values are written out here from the SRM, not derived from the data."""

from __future__ import annotations

import pytest

from linuxhw import boards

BOARDS = ["beaglebone-black", "beaglebone-green"]

# SRM: header pin -> (bank, offset) of its GPIO, for a good sample of both headers.
SRM_GPIO = {
    "P8_3": (1, 6), "P8_4": (1, 7), "P8_7": (2, 2), "P8_8": (2, 3), "P8_9": (2, 5), "P8_10": (2, 4),
    "P8_11": (1, 13), "P8_12": (1, 12), "P8_13": (0, 23), "P8_14": (0, 26), "P8_15": (1, 15), "P8_16": (1, 14),
    "P8_17": (0, 27), "P8_18": (2, 1), "P8_19": (0, 22), "P8_26": (1, 29), "P8_27": (2, 22), "P8_35": (0, 8),
    "P8_46": (2, 7), "P9_11": (0, 30), "P9_12": (1, 28), "P9_13": (0, 31), "P9_14": (1, 18), "P9_15": (1, 16),
    "P9_16": (1, 19), "P9_17": (0, 5), "P9_18": (0, 4), "P9_19": (0, 13), "P9_20": (0, 12), "P9_21": (0, 3),
    "P9_22": (0, 2), "P9_23": (1, 17), "P9_24": (0, 15), "P9_25": (3, 21), "P9_26": (0, 14), "P9_27": (3, 19),
    "P9_28": (3, 17), "P9_29": (3, 15), "P9_30": (3, 16), "P9_31": (3, 14), "P9_41": (0, 20), "P9_42": (0, 7),
}  # fmt: skip
# SRM: the legacy GPIO numbers people know them by.
LEGACY = {"P9_12": 60, "P8_11": 45, "P9_15": 48, "P9_23": 49, "P8_26": 61, "P9_27": 115, "P9_41": 20, "P8_46": 71}
SUPPLIES = {
    "P8:1": "GND", "P8:2": "GND", "P9:1": "GND", "P9:2": "GND", "P9:3": "VDD_3V3", "P9:4": "VDD_3V3",
    "P9:5": "VDD_5V", "P9:6": "VDD_5V", "P9:7": "SYS_5V", "P9:8": "SYS_5V", "P9:9": "PWR_BUT",
    "P9:10": "SYS_RESETN", "P9:32": "VDD_ADC", "P9:33": "AIN4", "P9:34": "GNDA_ADC", "P9:35": "AIN6",
    "P9:36": "AIN5", "P9:37": "AIN2", "P9:38": "AIN3", "P9:39": "AIN0", "P9:40": "AIN1", "P9:43": "GND",
    "P9:44": "GND", "P9:45": "GND", "P9:46": "GND",
}  # fmt: skip
LABELS = ["gpio-0-31", "gpio-32-63", "gpio-64-95", "gpio-96-127"]


@pytest.mark.parametrize("board_id", BOARDS)
def test_header_pins_match_the_srm(board_id: str) -> None:
    board = boards.get(board_id)
    assert [(h.name, len(h.pins)) for h in board.headers] == [("P8", 46), ("P9", 46)]
    for name, (bank, offset) in SRM_GPIO.items():
        pin = board.pin(name)
        assert pin.name == name and pin.spec == name.replace("_", ":")
        assert pin.line is not None and (pin.line.chip_label, pin.line.offset) == (LABELS[bank], offset), name
        assert pin.gpio == bank * 32 + offset and f"GPIO{bank}_{offset}" in pin.aliases
    for name, number in LEGACY.items():
        assert board.pin(name).gpio == number
    for spec, supply in SUPPLIES.items():
        pin = board.pin(spec)
        assert (pin.name, pin.line) == (supply, None), spec
    # GPIO pins: P8's 44 (all but its two grounds) and P9's 23 (11 to 31, 41, 42)
    assert len(board.gpio_pins()) == 44 + 23
    assert [(c.label, c.num_lines) for c in board.gpio_chips] == [(label, 32) for label in LABELS]


@pytest.mark.parametrize("board_id", BOARDS)
def test_buses_and_their_nodes(board_id: str) -> None:
    board = boards.get(board_id)
    i2c2 = board.i2c[2]
    assert (i2c2.path, i2c2.sda.name, i2c2.scl.name) == ("/dev/i2c-2", "P9_20", "P9_19")
    i2c1 = board.i2c[1]
    assert (i2c1.path, i2c1.sda.name, i2c1.scl.name) == ("/dev/i2c-1", "P9_18", "P9_17")
    spi0 = board.spi[0]
    assert (spi0.sclk.name, spi0.mosi.name, spi0.miso.name) == ("P9_22", "P9_18", "P9_21")
    assert [cs.name for cs in spi0.chip_selects] == ["P9_17"] and spi0.paths == ("/dev/spidev0.0",)
    spi1 = board.spi[1]
    assert (spi1.sclk.name, spi1.mosi.name, spi1.miso.name) == ("P9_31", "P9_30", "P9_29")
    assert [cs.name for cs in spi1.chip_selects] == ["P9_28", "P9_42"]
    assert spi1.paths == ("/dev/spidev1.0", "/dev/spidev1.1")
    assert "UART1_TXD" in board.pin("P9_24").functions and "UART4_RXD" in board.pin("P9_11").functions
    assert "EHRPWM1A" in board.pin("P9_14").functions and "EHRPWM2B" in board.pin("P8_13").functions


@pytest.mark.parametrize("board_id", BOARDS)
def test_line_names_agree_with_the_header_tables(board_id: str) -> None:
    """Two sources cross-checked: each line the SRM puts on a pin carries that pin in its device-tree name
    ("P8_5 [mmc1_dat2]" is P8_5), but for the one the tree leaves unnamed and the double-wired P9_41/42."""
    board = boards.get(board_id)
    unnamed = {"P8_24": "[mmc1_dat1]", "P9_41": "P9_41B", "P9_42": "P9_42A [ecappwm0]", "P9_15": "P9_15A"}
    for pin in board.gpio_pins():
        assert pin.line is not None
        if pin.name in unnamed:
            assert pin.line.line_name == unnamed[pin.name]
        else:
            assert pin.line.line_name.split(" ")[0] == pin.name, pin


def test_the_green_has_no_hdmi_lines() -> None:
    black, green = boards.get("beaglebone-black"), boards.get("beaglebone-green")
    assert [board.pin("P8_45").line for board in (black, green)] == [
        boards.LineRef("gpio-64-95", "P8_45 [hdmi]", 6),
        boards.LineRef("gpio-64-95", "P8_45", 6),
    ]
