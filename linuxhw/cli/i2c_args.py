"""Arguments the i2c commands share, with i2c-tools' meaning: BUS, addresses, -a/-f/-y, MODE letters."""

from __future__ import annotations

import argparse

from linuxhw import i2c
from linuxhw.cli.errors import UsageError
from linuxhw.cli.values import parse_int

TEN_BIT_MAX = 0x3FF


def add_bus(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bus", metavar="BUS", help="adapter number, /dev/i2c-N path or adapter name")


def add_safety_options(parser: argparse.ArgumentParser, force: bool = True) -> None:
    """-a (reserved addresses), -f (addresses a driver owns) and -y (accepted; linuxhw never asks)."""
    parser.add_argument(
        "-a", "--all-addresses", action="store_true", help="allow the reserved addresses 0x00-0x07 and 0x78-0x7f"
    )
    if force:
        parser.add_argument("-f", "--force", action="store_true", help="use an address a kernel driver owns")
    parser.add_argument("-y", "--yes", action="store_true", help="accepted for i2c-tools habits (never asks)")


def open_bus(text: str) -> i2c.Bus:
    return i2c.Bus(int(text) if text.isdigit() else text)


def parse_address(text: str, all_addresses: bool) -> tuple[int, bool]:
    """An address as ``(address, ten_bit)``: 0x08-0x77 (0x00-0x7f with -a); above 0x7f, a 10-bit address."""
    address = parse_int(text, "address", 0, TEN_BIT_MAX)
    if address > 0x7F:
        return address, True
    if not all_addresses and not 0x08 <= address <= 0x77:
        raise UsageError(f"address {address:#04x} is reserved (0x08-0x77 are allowed); -a allows it")
    return address, False


def parse_mode(text: str | None, allowed: str, default: str) -> tuple[str, bool]:
    """i2c-tools' MODE letter with an optional ``p`` suffix for SMBus PEC -> ``(letter, pec)``."""
    if text is None:
        return default, False
    pec = len(text) == 2 and text.endswith("p")
    letter = text[:-1] if pec else text
    if len(letter) != 1 or letter not in allowed:
        raise UsageError(f"MODE must be one of {', '.join(allowed)} (add p for PEC), not {text!r}")
    return letter, pec


def is_mode(text: str, allowed: str) -> bool:
    """True when ``text`` looks like a MODE letter (with or without ``p``) rather than a value."""
    return bool(text) and text[0] in allowed and text[1:] in ("", "p")
