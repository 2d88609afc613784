"""``linuxhw spi``: transfer and test (spidev_test-like) — waiting for the linuxhw.spi API."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("spi", help="SPI devices (spidev)", description=__doc__)
    parser.add_subparsers(dest="spi_command", required=True, metavar="SPI_COMMAND")
