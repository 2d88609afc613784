"""``linuxhw i2c detect`` (the i2cdetect grid) and ``linuxhw i2c list`` (i2cdetect -l)."""

from __future__ import annotations

import argparse

from linuxhw import i2c
from linuxhw.cli.errors import UsageError
from linuxhw.cli.i2c_args import add_bus, open_bus
from linuxhw.cli.output import Progress, emit, status
from linuxhw.cli.parser import Commands
from linuxhw.cli.values import parse_int
from linuxhw.i2c import Functionality

HEADER = "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f"
# i2cdetect's auto mode reads (instead of quick-writing) where a quick write can corrupt EEPROMs
# or toggle write protection.
READ_RANGES = (range(0x30, 0x38), range(0x50, 0x60))


def register(sub: Commands, parents: list[argparse.ArgumentParser]) -> None:
    detect = sub.add_parser(
        "detect",
        parents=parents,
        description="Probe every address of a bus the way i2cdetect -y does and print its grid: '--' nothing "
        "answered, 'UU' a kernel driver owns the address, a hex number a device answered, blank not probed.",
    )
    how = detect.add_mutually_exclusive_group()
    how.add_argument("-q", "--quick", action="store_true", help="probe with SMBus quick write only")
    how.add_argument("-r", "--read", action="store_true", help="probe with SMBus receive byte only")
    detect.add_argument("-a", "--all-addresses", action="store_true", help="scan 0x00-0x7f, not 0x08-0x77")
    detect.add_argument("-y", "--yes", action="store_true", help="accepted for i2cdetect habits (never asks)")
    add_bus(detect)
    detect.add_argument("first", nargs="?", metavar="FIRST", help="first address to probe")
    detect.add_argument("last", nargs="?", metavar="LAST", help="last address to probe")
    detect.set_defaults(run=detect_devices, prog=detect.prog)

    listing = sub.add_parser("list", parents=parents)
    listing.set_defaults(run=list_buses, prog=listing.prog)


def probe_method(address: int, mode: str) -> str:
    """ "quick" or "read": what i2cdetect sends to ``address`` in ``mode``."""
    if mode != "auto":
        return mode
    return "read" if any(address in r for r in READ_RANGES) else "quick"


def scan(bus: i2c.Bus, first: int, last: int, mode: str) -> dict[int, str]:
    """Address -> "--", "UU" or "%02x" for every probed address; addresses the adapter cannot probe
    in ``mode`` are left out (blank in the grid), as i2cdetect does."""
    can = {
        "quick": Functionality.SMBUS_QUICK in bus.functionality,
        "read": Functionality.SMBUS_READ_BYTE in bus.functionality,
    }
    if mode != "auto" and not can[mode]:
        what = Functionality.SMBUS_QUICK if mode == "quick" else Functionality.SMBUS_READ_BYTE
        bus.require(what, f"scan with {mode} probes")
    if mode == "auto" and not all(can.values()):
        missing = "quick write" if not can["quick"] else "receive byte"
        status(f"{bus.path} cannot do SMBus {missing}: the addresses probed with it are skipped")
    cells: dict[int, str] = {}
    with Progress(f"scanning {bus.path}", last - first + 1) as progress:
        for address in range(first, last + 1):
            method = probe_method(address, mode)
            if can[method]:
                found = bus.scan(address, address, method)
                cells[address] = "UU" if found.busy else f"{address:02x}" if found.present else "--"
            progress.update(address - first + 1)
    return cells


def grid(cells: dict[int, str]) -> str:
    """The i2cdetect grid, byte for byte (every cell, blank or not, ends with a space)."""
    rows = [HEADER]
    for row in range(0, 0x80, 16):
        rows.append(f"{row:02x}: " + "".join(f"{cells.get(row + col, '  ')} " for col in range(16)))
    return "\n".join(rows)


def detect_devices(args: argparse.Namespace) -> int:
    first, last = (0x00, 0x7F) if args.all_addresses else (0x08, 0x77)
    if args.first is not None:
        first = parse_int(args.first, "FIRST", 0, 0x7F)
    if args.last is not None:
        last = parse_int(args.last, "LAST", 0, 0x7F)
    if first > last:
        raise UsageError(f"FIRST ({first:#04x}) must not be above LAST ({last:#04x})")
    mode = "quick" if args.quick else "read" if args.read else "auto"
    with open_bus(args.bus) as bus:
        cells = scan(bus, first, last, mode)
        data = {
            "bus": bus.path,
            "name": bus.name,
            "first": first,
            "last": last,
            "mode": mode,
            "present": [a for a, c in cells.items() if c not in ("--", "UU")],
            "busy": [a for a, c in cells.items() if c == "UU"],
            "skipped": [a for a in range(first, last + 1) if a not in cells],
        }
    emit(args, data, lambda _: grid(cells))
    return 0


def list_buses(args: argparse.Namespace) -> int:
    data = [
        {
            "bus": b.path,
            "number": b.number,
            "name": b.name,
            "type": "i2c" if Functionality.I2C in b.functionality else "smbus",
            "functionality": b.functionality.names(),
        }
        for b in i2c.buses()
    ]
    emit(
        args,
        data,
        lambda rows: "\n".join(
            f"i2c-{r['number']}\t{r['type']:<10}\t{r['name']:<32}\t{'I2C' if r['type'] == 'i2c' else 'SMBus'} adapter"
            for r in rows
        ),
    )
    return 0
