"""RPi.GPIO's ``RPI_INFO``: a Raspberry Pi's revision code decoded the way RPi.GPIO 0.7.1 decodes it.

The code is the board's ``/proc/device-tree/system/linux,revision`` (what RPi.GPIO reads first), read
through the backend so a mock board can carry one. New-style codes (bit 23 set) are fields: RAM,
manufacturer, processor, type; old-style codes (the first Model A/B/B+ and Compute Module 1) are looked
up. Boards released after RPi.GPIO 0.7.1 (Pi 5, CM5, Pi 500 and their BCM2712, 16 GB) are named in the
same style rather than "Unknown". Without a code (``$LINUXHW_BOARD``, a device tree without one) what
linuxhw.boards knows of the board is told, "Unknown" for the rest; P1_REVISION 0 (no P1 header: a
Compute Module, or a board that is no Pi) where it knows nothing.
"""

from __future__ import annotations

import re
from typing import Union

from linuxhw._kernel import Backend
from linuxhw.boards import Board
from linuxhw.boards.detect import device_tree_strings

__all__ = ["InfoValue", "board_info", "info_from_revision", "unknown_info"]

InfoValue = Union[int, str]

# type field -> (TYPE, P1_REVISION); P1_REVISION 0 is a Compute Module (no P1 header)
_NEW_TYPES: dict[int, tuple[str, int]] = {
    0x00: ("Model A", 2), 0x01: ("Model B", 2), 0x02: ("Model A+", 3), 0x03: ("Model B+", 3),
    0x04: ("Pi 2 Model B", 3), 0x05: ("Alpha", 3), 0x06: ("Compute Module 1", 0), 0x08: ("Pi 3 Model B", 3),
    0x09: ("Zero", 3), 0x0A: ("Compute Module 3", 0), 0x0C: ("Zero W", 3), 0x0D: ("Pi 3 Model B+", 3),
    0x0E: ("Pi 3 Model A+", 3), 0x10: ("Compute Module 3+", 0), 0x11: ("Pi 4 Model B", 3),
    0x12: ("Zero 2 W", 3), 0x13: ("Pi 400", 3), 0x14: ("Compute Module 4", 0), 0x15: ("Compute Module 4S", 0),
    0x17: ("Pi 5 Model B", 3), 0x18: ("Compute Module 5", 0), 0x19: ("Pi 500", 3),
}  # fmt: skip
_PROCESSORS = {0: "BCM2835", 1: "BCM2836", 2: "BCM2837", 3: "BCM2711", 4: "BCM2712"}
_MANUFACTURERS = {0: "Sony UK", 1: "Egoman", 2: "Embest", 3: "Sony Japan", 4: "Embest", 5: "Stadium"}
_RAM = {0: "256M", 1: "512M", 2: "1G", 3: "2G", 4: "4G", 5: "8G", 6: "16G"}

# old-style code -> (TYPE, P1_REVISION, RAM, MANUFACTURER); all BCM2835
_OLD_CODES: dict[int, tuple[str, int, str, str]] = {
    0x0002: ("Model B", 1, "256M", "Egoman"), 0x0003: ("Model B", 1, "256M", "Egoman"),
    0x0004: ("Model B", 2, "256M", "Sony UK"), 0x0005: ("Model B", 2, "256M", "Qisda"),
    0x0006: ("Model B", 2, "256M", "Egoman"), 0x0007: ("Model A", 2, "256M", "Egoman"),
    0x0008: ("Model A", 2, "256M", "Sony UK"), 0x0009: ("Model A", 2, "256M", "Qisda"),
    0x000D: ("Model B", 2, "512M", "Egoman"), 0x000E: ("Model B", 2, "512M", "Sony UK"),
    0x000F: ("Model B", 2, "512M", "Qisda"), 0x0010: ("Model B+", 3, "512M", "Sony UK"),
    0x0011: ("Compute Module 1", 0, "512M", "Sony UK"), 0x0012: ("Model A+", 3, "256M", "Sony UK"),
    0x0013: ("Model B+", 3, "512M", "Embest"), 0x0014: ("Compute Module 1", 0, "512M", "Embest"),
    0x0015: ("Model A+", 3, "Unknown", "Embest"),
}  # fmt: skip
# linuxhw.boards id -> (type field, processor field, P1_REVISION where the type field does not tell it)
_BOARD_CODES: dict[str, tuple[int, int, int | None]] = {
    "raspberrypi-1b-rev1": (0x01, 0, 1), "raspberrypi-1b": (0x01, 0, None), "raspberrypi-1a": (0x00, 0, None),
    "raspberrypi-1b-plus": (0x03, 0, None), "raspberrypi-1a-plus": (0x02, 0, None), "raspberrypi-zero": (0x09, 0, None),
    "raspberrypi-zero-w": (0x0C, 0, None), "raspberrypi-zero-2w": (0x12, 2, None), "raspberrypi-2b": (0x04, 1, None),
    "raspberrypi-3b": (0x08, 2, None), "raspberrypi-3b-plus": (0x0D, 2, None), "raspberrypi-3a-plus": (0x0E, 2, None),
    "raspberrypi-4b": (0x11, 3, None), "raspberrypi-400": (0x13, 3, None), "raspberrypi-cm4": (0x14, 3, None),
    "raspberrypi-5": (0x17, 4, None),
}  # fmt: skip
_SOC = re.compile(r"brcm,(bcm2\d{3})")  # the SoC among the device tree's compatible strings
_OVERVOLTED = 0x1000_0000  # "1000" before an old-style code: the warranty bit, ignored


def info_from_revision(code: int) -> dict[str, InfoValue]:
    """RPI_INFO for a revision code (the 32-bit value of ``system/linux,revision``)."""
    revision = f"{code:x}"  # as RPi.GPIO prints the device tree's value: no leading zeros
    if code & 1 << 23:
        kind, p1_revision = _NEW_TYPES.get(code >> 4 & 0xFF, ("Unknown", 3))
        return {
            "P1_REVISION": p1_revision,
            "REVISION": revision,
            "TYPE": kind,
            "MANUFACTURER": _MANUFACTURERS.get(code >> 16 & 0xF, "Unknown"),
            "PROCESSOR": _PROCESSORS.get(code >> 12 & 0xF, "Unknown"),
            "RAM": _RAM.get(code >> 20 & 0x7, "Unknown"),
        }
    known = _OLD_CODES.get(code & ~_OVERVOLTED)
    if known is None:  # as RPi.GPIO: an unknown board is taken to have the 40-pin header
        return {"P1_REVISION": 3, "REVISION": revision, "TYPE": "Unknown", "MANUFACTURER": "Unknown",
                "PROCESSOR": "Unknown", "RAM": "Unknown"}  # fmt: skip
    kind, p1_revision, ram, manufacturer = known
    return {"P1_REVISION": p1_revision, "REVISION": revision, "TYPE": kind, "MANUFACTURER": manufacturer,
            "PROCESSOR": "BCM2835", "RAM": ram}  # fmt: skip


def unknown_info(p1_revision: int, kind: str = "Unknown", processor: str = "Unknown") -> dict[str, InfoValue]:
    """RPI_INFO for a board whose revision code cannot be read: what is known, "Unknown" for the rest."""
    return {"P1_REVISION": p1_revision, "REVISION": "Unknown", "TYPE": kind, "MANUFACTURER": "Unknown",
            "PROCESSOR": processor, "RAM": "Unknown"}  # fmt: skip


def board_info(backend: Backend, board: Board | None) -> dict[str, InfoValue]:
    """RPI_INFO of the board in use: its revision code if the device tree has one, else what linuxhw.boards
    says ``board`` is (the device tree's SoC where it names one)."""
    raw = backend.device_tree_property("system/linux,revision")
    if raw is not None and len(raw) >= 4 and int.from_bytes(raw[:4], "big"):
        return info_from_revision(int.from_bytes(raw[:4], "big"))
    if board is None:
        return unknown_info(0)
    codes = _BOARD_CODES.get(board.id)
    if codes is None:
        return unknown_info(0, board.model)
    kind, p1_revision = _NEW_TYPES[codes[0]]
    processor = _PROCESSORS[codes[1]]
    for string in device_tree_strings(backend, "compatible"):
        soc = _SOC.fullmatch(string)
        if soc is not None:
            processor = soc.group(1).upper()
            break
    return unknown_info(p1_revision if codes[2] is None else codes[2], kind, processor)
