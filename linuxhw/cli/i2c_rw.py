"""``linuxhw i2c get`` and ``i2c set``: one SMBus transaction, with i2cget/i2cset's arguments and output."""

from __future__ import annotations

import argparse
import errno
from collections.abc import Callable
from typing import Any

from linuxhw import i2c
from linuxhw.cli.errors import OperationFailed, UsageError
from linuxhw.cli.i2c_args import add_bus, add_safety_options, is_mode, open_bus, parse_address, parse_mode
from linuxhw.cli.output import describe_error, emit, hex_bytes
from linuxhw.cli.parser import Commands
from linuxhw.cli.values import parse_int

GET_MODES = "bwcsi"
SET_MODES = "cbwsi"
BLOCK_MAX = 32
READ_FAILED = 2  # i2cget's exit status when the read itself fails
# i2cget exits 1, not 2, when it never gets to read: the address is a driver's (I2C_SLAVE says EBUSY)
# or the adapter lacks the transaction (i2cget checks I2C_FUNCS first; the kernel says EOPNOTSUPP).
NOT_ATTEMPTED = (errno.EBUSY, errno.EOPNOTSUPP)


def register(sub: Commands, parents: list[argparse.ArgumentParser]) -> None:
    get = sub.add_parser(
        "get",
        parents=parents,
        description="Read from a device as i2cget -y does. MODE: b byte data (default with REGISTER), w word "
        "data, c write byte then read byte, s SMBus block, i I2C block of LENGTH bytes (default 32); add p for "
        "PEC. Without REGISTER: SMBus receive byte. Addresses above 0x7f are 10-bit.",
    )
    add_safety_options(get)
    add_bus(get)
    get.add_argument("address", metavar="ADDRESS")
    get.add_argument("register", nargs="?", metavar="REGISTER")
    get.add_argument("mode", nargs="?", metavar="MODE")
    get.add_argument("length", nargs="?", metavar="LENGTH")
    get.set_defaults(run=get_value, prog=get.prog)

    setp = sub.add_parser(
        "set",
        description="Write to a device as i2cset -y does: REGISTER [VALUE ...] [MODE]. MODE: c send REGISTER as "
        "one byte (default without VALUE), b byte data (default), w word data, s SMBus block, i I2C block; add "
        "p for PEC.",
    )
    add_safety_options(setp)
    setp.add_argument("-m", "--mask", metavar="MASK", help="change only these bits (read-modify-write; b and w)")
    setp.add_argument("-r", "--readback", action="store_true", help="read the value back and say whether it matches")
    add_bus(setp)
    setp.add_argument("address", metavar="ADDRESS")
    setp.add_argument("register", metavar="REGISTER")
    setp.add_argument("values", nargs="*", metavar="VALUE [MODE]")
    setp.set_defaults(run=set_value, prog=setp.prog)


def _device(bus: i2c.Bus, args: argparse.Namespace, pec: bool) -> i2c.Device:
    address, ten_bit = parse_address(args.address, args.all_addresses)
    return bus.device(address, ten_bit=ten_bit, force=args.force, pec=pec)


def get_value(args: argparse.Namespace) -> int:
    if args.register is None and args.mode is not None:
        raise UsageError("MODE needs a REGISTER")
    register = None if args.register is None else parse_int(args.register, "REGISTER", 0, 0xFF)
    mode, pec = parse_mode(args.mode, GET_MODES, "b")
    if args.length is not None and mode != "i":
        raise UsageError("LENGTH is only for MODE i (I2C block)")
    length = BLOCK_MAX if args.length is None else parse_int(args.length, "LENGTH", 1, BLOCK_MAX)
    with open_bus(args.bus) as bus:
        device = _device(bus, args, pec)
        data: dict[str, Any] = {"bus": bus.path, "address": device.address, "register": register, "mode": mode}
        try:
            value, block = _read(device, register, mode, length)
        except OSError as exc:
            status = 1 if exc.errno in NOT_ATTEMPTED else READ_FAILED
            raise OperationFailed(describe_error(exc), status=status) from exc
        if register is None:
            data["mode"] = "receive-byte"
    if block is not None:
        data["data"] = list(block)
        emit(args, data, lambda _: hex_bytes(block))
    else:
        data["value"] = value
        width = 4 if mode == "w" else 2
        emit(args, data, lambda d: f"0x{d['value']:0{width}x}")
    return 0


def _read(device: i2c.Device, register: int | None, mode: str, length: int) -> tuple[int | None, bytes | None]:
    """The transaction i2cget's MODE names: ``(value, None)`` or ``(None, block)``."""
    if register is None:
        return device.read_byte(), None
    if mode == "b":
        return device.read_byte_data(register), None
    if mode == "w":
        return device.read_word_data(register), None
    if mode == "c":
        device.write_byte(register)
        return device.read_byte(), None
    if mode == "s":
        return None, device.read_block_data(register)
    return None, device.read_i2c_block_data(register, length)


def _split_values(args: argparse.Namespace) -> tuple[list[int], str, bool]:
    """VALUE ... [MODE] -> (values, mode, pec), checked against what the mode carries."""
    tokens = list(args.values)
    mode_text = tokens.pop() if tokens and is_mode(tokens[-1], SET_MODES) else None
    mode, pec = parse_mode(mode_text, SET_MODES, "b" if tokens else "c")
    top = 0xFFFF if mode == "w" else 0xFF
    values = [parse_int(t, "VALUE", 0, top) for t in tokens]
    if mode == "c" and values:
        raise UsageError("MODE c sends REGISTER alone: give no VALUE")
    if mode in "bw" and len(values) != 1:
        raise UsageError(f"MODE {mode} writes exactly one VALUE, not {len(values)}")
    if mode in "si" and not 1 <= len(values) <= BLOCK_MAX:
        raise UsageError(f"MODE {mode} writes 1 to {BLOCK_MAX} VALUEs, not {len(values)}")
    if (args.mask is not None or args.readback) and mode not in "bw":
        raise UsageError("--mask and --readback work with MODE b and w")
    return values, mode, pec


def set_value(args: argparse.Namespace) -> int:
    register = parse_int(args.register, "REGISTER", 0, 0xFF)
    values, mode, pec = _split_values(args)
    with open_bus(args.bus) as bus:
        device = _device(bus, args, pec)
        if mode == "c":
            device.write_byte(register)
        elif mode in "si":
            (device.write_block_data if mode == "s" else device.write_i2c_block_data)(register, bytes(values))
        else:
            read = device.read_byte_data if mode == "b" else device.read_word_data
            write = device.write_byte_data if mode == "b" else device.write_word_data
            value = values[0]
            if args.mask is not None:
                mask = parse_int(args.mask, "MASK", 0, 0xFFFF if mode == "w" else 0xFF)
                value = (value & mask) | (read(register) & ~mask)
            write(register, value)
            if args.readback:
                return _check_readback(read, register, value, mode)
    return 0


def _check_readback(read: Callable[[int], int], register: int, wrote: int, mode: str) -> int:
    """i2cset -r: say whether the register reads back what was written. A mismatch or a failed read
    is a warning, not a failure (exit 0), as i2cset has it: the write itself went through."""
    width = 4 if mode == "w" else 2
    try:
        got = read(register)
    except OSError:
        print("Warning - readback failed")
        return 0
    if got == wrote:
        print(f"Value 0x{wrote:0{width}x} written, readback matched")
    else:
        print(f"Warning - data mismatch - wrote 0x{wrote:0{width}x}, read back 0x{got:0{width}x}")
    return 0
