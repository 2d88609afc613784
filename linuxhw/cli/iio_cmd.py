"""``linuxhw iio``: list IIO devices and their channels, read channels, capture buffered scans.

DEVICE is the device's name as ``linuxhw iio list`` shows it (``ads1015``), or its label where the
device tree gives one. Values are in the ABI's units for the channel type (mV, m°C, m/s²...):
``(raw + offset) * scale``, or the driver's own processed value. ``capture`` starts the device's
buffer (on --trigger where given) and prints each scan as it comes, until --scans have come.
"""

from __future__ import annotations

import argparse
from typing import Any

from linuxhw import iio
from linuxhw.cli.output import emit, emit_record
from linuxhw.cli.parser import Commands
from linuxhw.cli.values import argument_type, parse_int
from linuxhw.errors import DeviceNotFoundError


def register(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("iio", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="iio_command", required=True, metavar="IIO_COMMAND")
    listing = sub.add_parser("list", parents=[json_option], help="list IIO devices, their channels and triggers")
    listing.set_defaults(run=list_devices, prog=listing.prog)

    read = sub.add_parser(
        "read",
        parents=[json_option],
        help="read channels' values",
        description="Read CHANNELs of DEVICE (default: every input with a value): the value in the channel's "
        "unit and the raw reading it came from.",
    )
    read.add_argument("device", metavar="DEVICE")
    read.add_argument("channels", nargs="*", metavar="CHANNEL", help="voltage0, temp, accel_x, ...")
    read.set_defaults(run=read_channels, prog=read.prog)

    capture = sub.add_parser(
        "capture",
        parents=[json_option],
        help="capture buffered scans",
        description="Capture --scans scans of CHANNELs (default: every scannable input) through DEVICE's buffer and "
        "print each with its timestamp (--json: one JSON line per scan).",
    )
    capture.add_argument("device", metavar="DEVICE")
    capture.add_argument("channels", nargs="*", metavar="CHANNEL")
    capture.add_argument(
        "--scans", type=argument_type(_scans), default=1, metavar="N", help="scans to take (default 1)"
    )
    capture.add_argument("--trigger", metavar="NAME", help="the trigger to take scans on (iio list shows them)")
    capture.add_argument("--timeout", type=argument_type(_seconds), metavar="S", help="give up after S s with no scan")
    capture.set_defaults(run=capture_scans, prog=capture.prog)


def _scans(text: str) -> int:
    return parse_int(text, "--scans", 1)


def _seconds(text: str) -> float:
    from linuxhw.cli.errors import UsageError

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise UsageError(f"--timeout must be seconds >= 0, not {text!r}")
    return value


def find(spec: str) -> iio.Device:
    """The device named ``spec``, else the one labelled so; the error names both kinds there are."""
    try:
        return iio.Device(spec)
    except DeviceNotFoundError:
        if any(info.label == spec for info in iio.devices()):
            return iio.Device(label=spec)
        raise


def _channel_record(channel: iio.Channel) -> dict[str, Any]:
    return {
        "name": channel.name,
        "type": channel.type,
        "output": channel.output,
        "unit": channel.unit,
        "infos": list(channel.infos),
        "scannable": channel.scannable,
    }


def device_record(info: iio.DeviceInfo) -> dict[str, Any]:
    """One device as ``iio list --json`` and ``probe --json`` give it."""
    device = iio.Device(info.name) if _unique_name(info) else iio.Device(label=info.label)
    return {
        "name": info.name,
        "label": info.label,
        "path": info.path,
        "dev_path": info.dev_path,
        "sampling_frequency": device.sampling_frequency,
        "trigger": device.trigger,
        "channels": [_channel_record(c) for c in device.channels],
    }


def _unique_name(info: iio.DeviceInfo) -> bool:
    return info.label is None or sum(other.name == info.name for other in iio.devices()) == 1


def device_lines(device: dict[str, Any]) -> list[str]:
    """``ads1015 (/sys/bus/iio/devices/iio:device0): 5 channels, 1600 Hz`` and a line of channel names."""
    label = f" [{device['label']}]" if device["label"] else ""
    rate = f", {device['sampling_frequency']:g} Hz" if device["sampling_frequency"] is not None else ""
    count = len(device["channels"])
    names = [("out_" if c["output"] else "") + c["name"] for c in device["channels"]]
    return [f"{device['name']}{label} ({device['path']}): {count} channel{'s' * (count != 1)}{rate}",
            f"  {' '.join(names)}"]  # fmt: skip


def list_devices(args: argparse.Namespace) -> int:
    data = {"devices": [device_record(info) for info in iio.devices()], "triggers": iio.trigger_names()}

    def render(d: dict[str, Any]) -> str:
        if not d["devices"]:
            return "no IIO devices (/sys/bus/iio/devices is empty or missing)"
        lines = [line for device in d["devices"] for line in device_lines(device)]
        return "\n".join([*lines, f"triggers: {', '.join(d['triggers']) or 'none'}"])

    emit(args, data, render)
    return 0


def _readable(channel: iio.Channel) -> bool:
    return not channel.output and channel.attribute_name("raw" if "raw" in channel.infos else "input") is not None


def read_channels(args: argparse.Namespace) -> int:
    device = find(args.device)
    channels = [device.channel(n) for n in args.channels] or [c for c in device.channels if _readable(c)]
    records = []
    for channel in channels:
        raw = channel.read_raw() if channel.attribute_name("raw") else None
        value = channel.read() if raw is None else (raw + channel.offset()) * channel.scale()
        records.append({"channel": channel.name, "value": value, "unit": channel.unit, "raw": raw})

    def render(rows: list[dict[str, Any]]) -> str:
        return "\n".join(
            f"{r['channel']}: {r['value']:g}{' ' + r['unit'] if r['unit'] else ''}"
            + (f" (raw {r['raw']})" if r["raw"] is not None else "")
            for r in rows
        )

    emit(args, records, render)
    return 0


def capture_scans(args: argparse.Namespace) -> int:
    device = find(args.device)
    if args.trigger is not None:
        device.trigger = args.trigger
    taken = 0
    with device.capture(args.channels or None, length=max(2, min(args.scans, 1024))) as capture:
        units = {name: device.channel(name).unit for name in capture.channels}
        while taken < args.scans:
            scans = capture.read(args.scans - taken, timeout=args.timeout)
            if not scans:
                raise TimeoutError(f"no scan came within {args.timeout:g} s (is the trigger firing?)")
            for scan in scans:
                values = capture.values(scan)
                record = {
                    "timestamp": scan.timestamp,
                    "raw": dict(zip(capture.channels, scan.values)),
                    "values": values,
                }
                text = " ".join(
                    f"{n}={_show(v)}{' ' + (units[n] or '') if units[n] else ''}" for n, v in values.items()
                )
                emit_record(args, record, f"{scan.timestamp} {text}" if scan.timestamp is not None else text)
            taken += len(scans)
    return 0


def _show(value: float | tuple[float, ...]) -> str:
    return f"{value:g}" if isinstance(value, float) else ",".join(f"{v:g}" for v in value)
