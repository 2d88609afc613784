"""``linuxhw i2c dump``: a device's registers in i2cdump's layout (hex grid and ASCII column)."""

from __future__ import annotations

import argparse
from typing import Optional

from linuxhw import i2c
from linuxhw.cli.errors import OperationFailed, UsageError
from linuxhw.cli.i2c_args import add_bus, add_safety_options, open_bus, parse_address, parse_mode
from linuxhw.cli.output import Progress, describe_error, emit
from linuxhw.cli.parser import Commands
from linuxhw.cli.values import parse_int
from linuxhw.errors import DeviceError

MODES = "bwWic"
BYTE_HEADER = "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f    0123456789abcdef"
WORD_HEADER = "     0,8  1,9  2,a  3,b  4,c  5,d  6,e  7,f"
Values = dict[int, Optional[int]]  # register -> value, None where the read failed


def register(sub: Commands, parents: list[argparse.ArgumentParser]) -> None:
    dump = sub.add_parser(
        "dump",
        parents=parents,
        description="Read registers as i2cdump -y does. MODE: b byte data (default), w word data (word grid), "
        "W words at even registers, i I2C blocks, c consecutive receive byte; add p for PEC. XX: the read "
        "failed.",
    )
    add_safety_options(dump)
    dump.add_argument("-r", "--range", metavar="FIRST-LAST", help="only these registers, e.g. 0x00-0x3f")
    add_bus(dump)
    dump.add_argument("address", metavar="ADDRESS")
    dump.add_argument("mode", nargs="?", metavar="MODE")
    dump.set_defaults(run=dump_registers, prog=dump.prog)


def _range(text: str | None, mode: str) -> tuple[int, int]:
    if text is None:
        return 0x00, 0xFF
    first_text, dash, last_text = text.partition("-")
    if not dash:
        raise UsageError(f"--range must be FIRST-LAST, e.g. 0x00-0x3f, not {text!r}")
    first = parse_int(first_text, "FIRST", 0, 0xFF)
    last = parse_int(last_text, "LAST", 0, 0xFF)
    if first > last:
        raise UsageError(f"--range: FIRST ({first:#04x}) must not be above LAST ({last:#04x})")
    if mode == "W" and (first % 2 or last % 2 == 0):
        raise UsageError("--range for MODE W must start on an even and end on an odd register")
    return first, last


def read_values(device: i2c.Device, mode: str, first: int, last: int) -> tuple[Values, DeviceError | None]:
    """Register -> byte (word for MODE w), None where a read failed, as i2cdump reads them; and the
    first failure."""
    values: Values = {}
    failure: DeviceError | None = None
    if mode == "i":  # 32-byte I2C block reads; a failure ends the dump, as in i2cdump
        for start in range(first, last + 1, 32):
            block = device.read_i2c_block_data(start, min(32, last + 1 - start))
            values.update(zip(range(start, start + len(block)), block))
        return values, None
    if mode == "c":
        device.write_byte(first)  # set the device's pointer; then each receive byte advances it
    step = 2 if mode == "W" else 1
    with Progress(f"reading {device.bus.path} {device.address:#04x}", last - first + 1) as progress:
        for register in range(first, last + 1, step):
            try:
                if mode == "b":
                    values[register] = device.read_byte_data(register)
                elif mode == "c":
                    values[register] = device.read_byte()
                elif mode == "w":
                    values[register] = device.read_word_data(register)
                else:  # W: one word per even register, low byte first
                    word = device.read_word_data(register)
                    values[register], values[register + 1] = word & 0xFF, word >> 8
            except DeviceError as exc:
                failure = failure or exc
                values[register] = None
                if mode == "W":
                    values[register + 1] = None
            progress.update(register - first + 1)
    return values, failure


def _ascii(value: int | None) -> str:
    if value is None:
        return "X"
    if value in (0x00, 0xFF):
        return "."
    return chr(value) if 32 <= value < 127 else "?"


def byte_grid(values: Values, first: int, last: int) -> str:
    rows = [BYTE_HEADER]
    for row in range(first & ~0xF, last + 1, 16):
        cells, text = [], []
        for register in range(row, row + 16):
            if not first <= register <= last:
                cells.append("   ")
                text.append(" ")
                continue
            value = values.get(register)
            cells.append("XX " if value is None else f"{value:02x} ")
            text.append(_ascii(value))
        rows.append(f"{row:02x}: {''.join(cells)}   {''.join(text)}")
    return "\n".join(rows)


def word_grid(values: Values, first: int, last: int) -> str:
    rows = [WORD_HEADER]
    for row in range(first & ~0x7, last + 1, 8):
        cells = []
        for register in range(row, row + 8):
            value = values.get(register)
            cells.append("     " if not first <= register <= last else "XXXX " if value is None else f"{value:04x} ")
        rows.append(f"{row:02x}: {''.join(cells)}")
    return "\n".join(rows)


def dump_registers(args: argparse.Namespace) -> int:
    mode, pec = parse_mode(args.mode, MODES, "b")
    first, last = _range(args.range, mode)
    with open_bus(args.bus) as bus:
        address, ten_bit = parse_address(args.address, args.all_addresses)
        device = bus.device(address, ten_bit=ten_bit, force=args.force, pec=pec)
        values, failure = read_values(device, mode, first, last)
        data = {
            "bus": bus.path,
            "address": address,
            "mode": mode,
            "first": first,
            "last": last,
            "values": [values.get(r) for r in range(first, last + 1)],
        }
    render = word_grid if mode == "w" else byte_grid
    emit(args, data, lambda _: render(values, first, last))
    if failure is not None and all(v is None for v in values.values()):
        # Every read failed: the grid says XX (as i2cdump's does), and the exit status says so too.
        raise OperationFailed(f"every read failed; the first: {describe_error(failure)}")
    return 0
