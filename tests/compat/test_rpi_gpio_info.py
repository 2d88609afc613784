"""RPI_INFO from a Raspberry Pi's revision code, decoded as RPi.GPIO 0.7.1's cpuinfo.c decodes it."""

from __future__ import annotations

import pytest

from linuxhw.compat._rpi_info import info_from_revision


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (0xA02082, (3, "a02082", "Pi 3 Model B", "Sony UK", "BCM2837", "1G")),
        (0xC03111, (3, "c03111", "Pi 4 Model B", "Sony UK", "BCM2711", "4G")),
        (0x902120, (3, "902120", "Zero 2 W", "Sony UK", "BCM2837", "512M")),
        (0x9000C1, (3, "9000c1", "Zero W", "Sony UK", "BCM2835", "512M")),
        (0xA220A0, (0, "a220a0", "Compute Module 3", "Embest", "BCM2837", "1G")),
        (0xD04170, (3, "d04170", "Pi 5 Model B", "Sony UK", "BCM2712", "8G")),  # after 0.7.1: named, not Unknown
        (0x0002, (1, "2", "Model B", "Egoman", "BCM2835", "256M")),  # old style: the first Model B, P1 rev 1
        (0x000E, (2, "e", "Model B", "Sony UK", "BCM2835", "512M")),
        (0x10000010, (3, "10000010", "Model B+", "Sony UK", "BCM2835", "512M")),  # overvolted: the warranty bit
        (0x0099, (3, "99", "Unknown", "Unknown", "Unknown", "Unknown")),  # unknown: taken to have 40 pins
    ],
)
def test_revision_codes(code: int, expected: tuple[object, ...]) -> None:
    info = info_from_revision(code)
    assert list(info) == ["P1_REVISION", "REVISION", "TYPE", "MANUFACTURER", "PROCESSOR", "RAM"]
    assert tuple(info.values()) == expected
