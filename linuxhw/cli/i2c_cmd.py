"""``linuxhw i2c``: list, detect, get, set, dump, transfer — i2c-tools' commands, arguments and output."""

from __future__ import annotations

import argparse
from typing import Any

from linuxhw.cli import i2c_detect, i2c_dump, i2c_rw, i2c_transfer
from linuxhw.cli.parser import PeerParser


def register(commands: Any, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "i2c", help="I2C adapters and devices", description=__doc__, usage_status=PeerParser.peer_usage_status
    )
    # i2c-tools exit 1 on a usage error (i2cget: 2 when the read fails, see i2c_rw).
    sub = parser.add_subparsers(dest="i2c_command", required=True, metavar="I2C_COMMAND", parser_class=PeerParser)
    parents = [json_option]
    for module in (i2c_detect, i2c_rw, i2c_dump, i2c_transfer):
        module.register(sub, parents)
