"""``linuxhw i2c``: list, detect, get, set, dump, transfer — i2c-tools' commands, arguments and output."""

from __future__ import annotations

import argparse

from linuxhw.cli.parser import Commands, PeerParser

# i2c's commands, each module imported only when one of its commands runs (see Commands)
COMMANDS = {
    "linuxhw.cli.i2c_detect:register": {
        "detect": "scan a bus and print the i2cdetect grid",
        "list": "list the I2C adapters (i2cdetect -l)",
    },
    "linuxhw.cli.i2c_rw:register": {"get": "read a register (i2cget)", "set": "write a register (i2cset)"},
    "linuxhw.cli.i2c_dump:register": {"dump": "dump a device's registers (i2cdump)"},
    "linuxhw.cli.i2c_transfer:register": {"transfer": "send messages as one combined transfer (i2ctransfer)"},
}


def register(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("i2c", description=__doc__, usage_status=PeerParser.peer_usage_status)
    # i2c-tools exit 1 on a usage error (i2cget: 2 when the read fails, see i2c_rw).
    sub = parser.add_subparsers(dest="i2c_command", required=True, metavar="I2C_COMMAND", parser_class=PeerParser)
    Commands(sub, COMMANDS, commands.rest).add([json_option])
