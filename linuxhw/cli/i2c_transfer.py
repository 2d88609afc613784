"""``linuxhw i2c transfer``: i2ctransfer's message grammar, run as ONE combined transfer (I2C_RDWR).

Messages: ``[FLAGS]{r|w}LENGTH[@ADDRESS]`` with LENGTH bytes of DATA after each write, e.g.
``w3@0x50 0x00 0x10 0x20 r8`` (the address may be left out after the first message). A data
byte may end in ``=`` (repeat it to the end of the message), ``+``/``-`` (count up/down) or
``p`` (i2ctransfer's pseudo-random sequence). ``r?`` reads an SMBus-style block whose first
byte is its length. FLAGS: ``i`` ignore NAK, ``n`` no read ACK, ``s`` no (repeated) START,
``t`` reversed R/W bit. Unlike i2ctransfer, addresses above 0x7f are 10-bit addresses.
"""

from __future__ import annotations

import argparse
import errno
import re
from dataclasses import dataclass, field

from linuxhw import i2c
from linuxhw.cli.errors import UsageError
from linuxhw.cli.i2c_args import add_bus, add_safety_options, open_bus, parse_address
from linuxhw.cli.output import emit, hex_bytes
from linuxhw.cli.parser import Commands
from linuxhw.cli.values import parse_int
from linuxhw.errors import device_error

MAX_LENGTH = 0xFFFF  # the grammar's limit; i2c-dev refuses more than 8192 bytes itself
DESC = re.compile(r"^(?P<flags>[inpst]*)(?P<dir>[rw])(?P<length>\?|[0-9][0-9a-fA-FxXoObB]*)(?:@(?P<address>.+))?$")
DATA = re.compile(r"^(?P<value>.+?)(?P<suffix>[=+\-p]?)$")
FLAG_OPTIONS = {"i": "ignore_nak", "n": "no_rd_ack", "s": "nostart", "t": "rev_dir_addr"}


@dataclass
class MessageSpec:
    """One parsed DESC (and the DATA of a write)."""

    text: str
    read: bool
    length: int  # for recv_len reads: -1
    address: int
    ten_bit: bool
    flags: str
    data: list[int] = field(default_factory=list)

    def build(self) -> i2c.Message:
        options: dict[str, bool] = {FLAG_OPTIONS[f]: True for f in self.flags}
        if self.read:
            if self.length < 0:
                return i2c.Message.read(self.address, 0, ten_bit=self.ten_bit, recv_len=True, **options)
            return i2c.Message.read(self.address, self.length, ten_bit=self.ten_bit, **options)
        if "n" in self.flags:
            raise UsageError(f"{self.text}: flag n (no read ACK) is for read messages")
        return i2c.Message.write(self.address, bytes(self.data), ten_bit=self.ten_bit, **options)


def register(sub: Commands, parents: list[argparse.ArgumentParser]) -> None:
    transfer = sub.add_parser(
        "transfer",
        parents=parents,
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_safety_options(transfer)
    transfer.add_argument("-v", "--verbose", action="store_true", help="print every message, writes too")
    add_bus(transfer)
    transfer.add_argument("messages", nargs="+", metavar="DESC [DATA...]")
    transfer.set_defaults(run=run_transfer, prog=transfer.prog)


def next_byte(value: int, suffix: str) -> int:
    """The byte after ``value`` in a ``+``/``-``/``=``/``p`` sequence."""
    if suffix == "+":
        return (value + 1) & 0xFF
    if suffix == "-":
        return (value - 1) & 0xFF
    if suffix == "p":  # i2ctransfer's 8-bit generator: xor 27, add 13, rotate left by one
        value = ((value ^ 27) + 13) & 0xFF
        return ((value << 1) | (value >> 7)) & 0xFF
    return value


def parse_messages(tokens: list[str], all_addresses: bool) -> list[MessageSpec]:
    """The i2ctransfer grammar -> message specs; errors name the faulty argument."""
    specs: list[MessageSpec] = []
    address: tuple[int, bool] | None = None
    pending: MessageSpec | None = None  # a write still collecting DATA
    for token in tokens:
        if pending is not None:
            _add_data(pending, token)
            if len(pending.data) == pending.length:
                pending = None
            continue
        match = DESC.match(token)
        if not match:
            raise UsageError(f"expected a message such as r8, w2@0x50 or r?@0x1c, not {token!r}")
        if "p" in match["flags"]:
            raise UsageError(f"{token}: flag p (a STOP after the message) is not supported by linuxhw")
        read = match["dir"] == "r"
        if match["length"] == "?":
            if not read:
                raise UsageError(f"{token}: a variable length (?) is only for reads")
            length = -1
        else:
            length = parse_int(match["length"], f"length in {token!r}", 0, MAX_LENGTH)
        if match["address"] is not None:
            address = parse_address(match["address"], all_addresses)
        elif address is None:
            raise UsageError(f"{token}: the first message needs an address, e.g. {token}@0x50")
        spec = MessageSpec(token, read, length, address[0], address[1], match["flags"])
        specs.append(spec)
        if not read and length > 0:
            pending = spec
    if pending is not None:
        missing = pending.length - len(pending.data)
        raise UsageError(f"{pending.text}: {missing} more data byte(s) needed (or end the last one with = + - p)")
    if not specs:
        raise UsageError("no messages given")
    return specs


def _add_data(spec: MessageSpec, token: str) -> None:
    match = DATA.match(token)
    if not match:
        raise UsageError(f"{spec.text}: invalid data byte {token!r}")
    value = parse_int(match["value"], f"data byte {token!r}", 0, 0xFF)
    suffix = match["suffix"]
    spec.data.append(value)
    while suffix and len(spec.data) < spec.length:
        value = next_byte(value, suffix)
        spec.data.append(value)


def describe(index: int, message: i2c.Message, verbose: bool) -> str | None:
    """i2ctransfer's output line for a message: read data, or with -v every message with a header."""
    data = bytes(message.data)
    if not verbose:
        return hex_bytes(data) if message.is_read and data else None
    kind = "read" if message.is_read else "write"
    head = f"msg {index}: addr 0x{message.address:02x}, {kind}, len {len(data)}"
    return f"{head}, buf {hex_bytes(data)}" if data else head


def run_transfer(args: argparse.Namespace) -> int:
    specs = parse_messages(args.messages, args.all_addresses)
    messages = [spec.build() for spec in specs]
    with open_bus(args.bus) as bus:
        if not args.force:  # as i2ctransfer: an address a kernel driver owns needs -f
            for spec in {(s.address, s.ten_bit): s for s in specs}.values():
                if bus.is_busy(spec.address, ten_bit=spec.ten_bit):
                    raise device_error(errno.EBUSY, bus.path, f"{spec.text}: select address {spec.address:#04x}",
                                       "a kernel driver owns it (i2cdetect shows UU); -f uses it anyway")  # fmt: skip
        bus.transfer(*messages)
        path = bus.path
    data = {
        "bus": path,
        "messages": [
            {"address": m.address, "read": m.is_read, "length": len(m.data), "data": list(bytes(m.data))}
            for m in messages
        ],
    }
    lines = [describe(i, m, args.verbose) for i, m in enumerate(messages)]
    emit(args, data, lambda _: "\n".join(line for line in lines if line is not None))
    return 0
