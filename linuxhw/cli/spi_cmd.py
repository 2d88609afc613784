"""``linuxhw spi``: list, transfer (bytes in, bytes out) and test (spidev_test-like loopback check).

DEV is /dev/spidevB.C, spidevB.C or B.C. Mode, speed and word size given on the command line
apply for the command only: the device's previous settings are restored on exit.
"""

from __future__ import annotations

import argparse
import os
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from linuxhw import spi
from linuxhw.cli.errors import OperationFailed, UsageError
from linuxhw.cli.output import Progress, emit, status
from linuxhw.cli.parser import Commands, refuse
from linuxhw.cli.values import argument_type, parse_size
from linuxhw.spi.transfer import DMA_MINALIGN

MODE_FLAGS = {
    "cpha": spi.Mode.CPHA,
    "cpol": spi.Mode.CPOL,
    "cs_high": spi.Mode.CS_HIGH,
    "lsb_first": spi.Mode.LSB_FIRST,
    "three_wire": spi.Mode.THREE_WIRE,
    "no_cs": spi.Mode.NO_CS,
    "loop": spi.Mode.LOOP,
}
REFUSED = (  # spidev_test options without a linuxhw meaning: (options, what it means there, takes a value)
    (("-d", "--delay"), "delay between transfers (-d)", True),
    (("-F", "--rx-cpha-flip"), "CPHA flip on receive (-F)", False),
    (("-2", "--dual"), "dual transfer (-2)", False),
    (("-4", "--quad"), "quad transfer (-4)", False),
    (("-8", "--octal"), "octal transfer (-8)", False),
    (("-Z", "--3wire-hiz"), "3-wire high-impedance turnaround (-Z)", False),
    (("-i", "--input"), "input file (-i)", True),
    (("-o", "--output"), "output file (-o)", True),
    (("-p",), "data string (-p; give HEX bytes to 'spi transfer')", True),
    (("-R", "--ready"), "SPI_READY (-R)", False),
    (("-M", "--mosi-idle-low"), "MOSI idle low (-M)", False),
    (("-v", "--verbose"), "verbose dump (-v; 'spi transfer' prints what came back, --json both ways)", False),
)
NO_LOOPBACK_HINT = "no loopback? wire MISO to MOSI, or pass --loop for the controller's internal loopback"


def register(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("spi", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="spi_command", required=True, metavar="SPI_COMMAND")
    listing = sub.add_parser("list", parents=[json_option], help="list spidev devices and their settings")
    listing.set_defaults(run=list_devices, prog=listing.prog)

    transfer = sub.add_parser(
        "transfer",
        parents=[json_option],
        help="clock bytes out, print the bytes clocked in",
        description="Send HEX bytes in one full-duplex transfer (chip select held) and print what came back. "
        "HEX: bytes such as 9f 00 0x00, or runs such as 9f000000 / 9f:00:00:00.",
    )
    add_settings(transfer)
    transfer.add_argument("device", nargs="?", metavar="DEV")
    transfer.add_argument("data", nargs="+", metavar="HEX")
    transfer.set_defaults(run=run_transfer, prog=transfer.prog)

    test = sub.add_parser(
        "test",
        parents=[json_option],
        help="send a pattern, check it comes back, print the throughput (spidev_test)",
        description="Send COUNT messages of SIZE random bytes and check that each comes back unchanged, which "
        "needs a loopback: MISO wired to MOSI, a loopback device, or --loop. Prints the throughput.",
    )
    add_settings(test, test=True)
    test.add_argument(
        "-S", "--size", type=argument_type(parse_size), default=32, metavar="N", help="bytes per message (default 32)"
    )
    test.add_argument("-n", "-I", "--count", "--iter", type=int, default=1, metavar="N", help="messages (default 1)")
    test.add_argument("device", nargs="?", metavar="DEV")
    test.set_defaults(run=run_test, prog=test.prog)


def add_settings(parser: argparse.ArgumentParser, *, test: bool = False) -> None:
    """spidev_test's letters with spidev_test's meaning; its options linuxhw lacks are refused by name."""
    parser.add_argument("-D", "--device", dest="device_option", metavar="DEV", help="the device (or give DEV last)")
    parser.add_argument("-s", "--speed", type=int, metavar="HZ", help="clock rate")
    parser.add_argument("-m", "--mode", type=int, choices=range(4), metavar="0-3", help="SPI mode (CPOL, CPHA)")
    parser.add_argument("-H", "--cpha", action="store_true", help="clock phase (mode 1; with -O, mode 3)")
    parser.add_argument("-O", "--cpol", action="store_true", help="clock polarity (mode 2; with -H, mode 3)")
    parser.add_argument("-b", "--bits", "--bpw", type=int, metavar="N", help="bits per word")
    parser.add_argument("-l", "--loop", action="store_true", help="controller-internal loopback (SPI_LOOP)")
    parser.add_argument("-C", "--cs-high", action="store_true", help="chip select active high")
    parser.add_argument("-L", "--lsb-first", "--lsb", action="store_true", help="least significant bit first")
    parser.add_argument("-3", "--three-wire", "--3wire", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("-N", "--no-cs", action="store_true", help="no chip select")
    for options, what, takes_value in REFUSED:
        refuse(parser, *options, reason=f"spidev_test's {what} is not supported by linuxhw", takes_value=takes_value)
    if not test:
        refuse(parser, "-S", "--size", "-I", "--iter", reason="spidev_test's size and iterations belong to 'spi test'",
               takes_value=True)  # fmt: skip


def check_settings(args: argparse.Namespace) -> None:
    """Refuse what cannot work, before any call: a clock mode given twice, full duplex on a 3-wire bus."""
    if args.device_option is not None and args.device is not None and "data" in args:
        args.data.insert(0, args.device)  # with -D, what argparse took for DEV is the first HEX byte
        args.device = None
    device = [d for d in (args.device_option, args.device) if d is not None]
    if len(device) != 1:
        raise UsageError("give the device once: DEV or -D DEV")
    args.device = device[0]
    if args.mode is not None and (args.cpha or args.cpol):
        raise UsageError("give the clock mode as -m 0-3 or as spidev_test's -H/-O, not both")
    if args.three_wire:
        raise UsageError(
            "-3/--three-wire: MOSI and MISO share one wire, so this full-duplex command cannot run (the kernel "
            "refuses full duplex in 3-wire mode with EINVAL)"
        )


def device_path(text: str) -> str:
    """``0.1``, ``spidev0.1`` or a path -> the device path."""
    if re.fullmatch(r"\d+\.\d+", text):
        return f"/dev/spidev{text}"
    if re.fullmatch(r"spidev\d+\.\d+", text):
        return f"/dev/{text}"
    return text


@contextmanager
def configured(args: argparse.Namespace) -> Iterator[spi.Device]:
    """The device with the command line's settings, the old ones restored on exit; a setting the kernel
    changed (e.g. a GPIO chip select forces CS_HIGH) is reported on stderr."""
    with spi.Device(device_path(args.device)) as device:
        saved = (device.mode, device.max_speed_hz, device.bits_per_word)
        try:
            with warnings.catch_warnings(record=True) as changed:
                warnings.simplefilter("always")
                flags = spi.Mode(sum(flag for name, flag in MODE_FLAGS.items() if getattr(args, name)))
                if args.mode is not None or flags:
                    # -m or -H/-O set the clock mode outright (spidev_test: -H alone is mode 1); else it stays
                    given = args.mode is not None or args.cpha or args.cpol
                    clock = (args.mode or 0) if given else saved[0].clock_mode
                    device.mode = spi.Mode((int(saved[0]) & ~3 & ~int(spi.Mode.LOOP)) | clock) | flags
                if args.speed is not None:
                    device.max_speed_hz = args.speed
                if args.bits is not None:
                    device.bits_per_word = args.bits
            for warning in changed:
                status(str(warning.message))
            yield device
        finally:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _restore(device, *saved)


def _restore(device: spi.Device, mode: spi.Mode, speed: int, bits: int) -> None:
    if device.mode != mode:
        device.mode = mode
    if device.max_speed_hz != speed:
        device.max_speed_hz = speed
    if device.bits_per_word != bits:
        device.bits_per_word = bits


def settings_record(device: spi.Device) -> dict[str, Any]:
    return {
        "device": device.path,
        "mode": device.mode.clock_mode,
        "mode_flags": device.mode.names(),
        "max_speed_hz": device.max_speed_hz,
        "bits_per_word": device.bits_per_word,
    }


def describe_settings(record: dict[str, Any]) -> str:
    flags = [f for f in record["mode_flags"] if f not in ("CPHA", "CPOL")]
    extra = f" ({', '.join(flags)})" if flags else ""
    return (
        f"{record['device']}: mode {record['mode']}{extra}, {record['max_speed_hz']} Hz, "
        f"{record['bits_per_word']} bits/word"
    )


def list_devices(args: argparse.Namespace) -> int:
    data = [
        {
            "device": d.path,
            "mode": d.mode.clock_mode,
            "mode_flags": d.mode.names(),
            "max_speed_hz": d.max_speed_hz,
            "bits_per_word": d.bits_per_word,
            "bufsiz": d.bufsiz,
        }
        for d in spi.devices()
    ]
    emit(args, data, lambda rows: "\n".join(f"{describe_settings(r)}, bufsiz {r['bufsiz']}" for r in rows))
    return 0


def parse_hex(tokens: list[str]) -> bytes:
    out = bytearray()
    for token in tokens:
        digits = token.lower().replace(":", "")
        digits = digits[2:] if digits.startswith("0x") else digits
        if len(digits) == 1:
            digits = "0" + digits
        try:
            if not digits or len(digits) % 2:
                raise ValueError
            out += bytes.fromhex(digits)
        except ValueError:
            raise UsageError(f"HEX must be bytes such as 9f, 0x9f or 9f0000, not {token!r}") from None
    return bytes(out)


def run_transfer(args: argparse.Namespace) -> int:
    check_settings(args)
    tx = parse_hex(args.data)
    with configured(args) as device:
        rx = device.transfer(tx)
        data = {**settings_record(device), "tx": list(tx), "rx": list(rx)}
    emit(args, data, lambda d: " ".join(f"{b:02x}" for b in d["rx"]))
    return 0


def _check_echo(path: str, index: int, sent: bytes, got: bytes) -> None:
    if got != sent:
        at = next(i for i, (a, b) in enumerate(zip(sent, got)) if a != b)
        raise OperationFailed(
            f"{path}: message {index + 1}, byte {at}: sent 0x{sent[at]:02x}, got 0x{got[at]:02x} back; "
            + NO_LOOPBACK_HINT
        )


def echo_pattern(size: int) -> bytes:
    """Random bytes whose first is neither 0x00 nor 0xff: a MISO left floating or stuck reads back one of those,
    so a missing loopback fails at byte 0 every time, even with --size 1."""
    pattern = bytearray(os.urandom(size))
    pattern[0] = 1 + pattern[0] % 254
    return bytes(pattern)


def run_test(args: argparse.Namespace) -> int:
    check_settings(args)
    if args.count < 1:
        raise UsageError(f"--count must be at least 1, not {args.count}")
    if args.size < 1:
        raise UsageError(f"--size must be at least 1 byte, not {args.size}")
    pattern = echo_pattern(args.size)
    with configured(args) as device:
        chunk = device.max_message_bytes
        if not chunk:
            raise UsageError(f"{device.path}: bufsiz {device.bufsiz} is below the {DMA_MINALIGN}-byte DMA alignment")
        messages = -(-args.size // chunk)
        record = settings_record(device)
        start = time.monotonic()
        with Progress(f"testing {device.path}", args.count) as progress:
            for index in range(args.count):
                for offset in range(0, args.size, chunk):
                    sent = pattern[offset : offset + chunk]
                    _check_echo(device.path, index, sent, device.transfer(sent))
                progress.update(index + 1)
        seconds = max(time.monotonic() - start, 1e-9)
    total = args.size * args.count
    kbps = round(total * 8 / seconds / 1000, 1)
    data = {**record, "size": args.size, "count": args.count, "bytes": total, "seconds": round(seconds, 6),
            "tx_kbps": kbps, "rx_kbps": kbps, "ok": True, "bufsiz": device.bufsiz, "message_bytes": chunk,
            "messages_each": messages}  # fmt: skip

    def render(d: dict[str, Any]) -> str:
        split = (
            f"each {d['size']} bytes went as {d['messages_each']} messages of at most {d['message_bytes']} bytes "
            f"(spidev's bufsiz {d['bufsiz']}): "
            "chip select toggled between messages (spidev_test fails: Message too long)\n"
            if d["messages_each"] > 1
            else ""
        )
        return (
            f"{describe_settings(d)}\n{split}"
            f"{d['count']} x {d['size']} bytes: every byte came back as sent\n"
            f"rate: tx {d['tx_kbps']} kbps, rx {d['rx_kbps']} kbps ({d['seconds']:.3f} s)"
        )

    emit(args, data, render)
    return 0
