"""``linuxhw pwm``: list PWM chips and channels, read a channel's waveform, set one.

CHIP is the chip's device name as ``linuxhw pwm list`` shows it (fe20c000.pwm on a Raspberry Pi 4), or its
/sys/class/pwm/pwmchipN path. ``set`` requests the channel, applies the waveform, reads it back and
releases the channel again: the kernel keeps the output running as set (--keep leaves it exported too,
for drivers whose release stops it). A channel another program exported is refused unless --adopt.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from linuxhw import pwm
from linuxhw.cli.errors import UsageError
from linuxhw.cli.output import emit
from linuxhw.cli.parser import Commands
from linuxhw.cli.values import argument_type, parse_int
from linuxhw.pwm.waveform import NS_PER_S

_FRACTION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(%?)\s*$")


def register(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("pwm", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="pwm_command", required=True, metavar="PWM_COMMAND")
    listing = sub.add_parser("list", parents=[json_option], help="list PWM chips and their exported channels")
    listing.set_defaults(run=list_chips, prog=listing.prog)

    get = sub.add_parser(
        "get",
        parents=[json_option],
        help="print a channel's waveform",
        description="Print CHANNEL's waveform as the kernel reports it. A channel nobody holds is requested for "
        "the reading and released (a new request reads the hardware's state); one exported is read as it is.",
    )
    get.add_argument("chip", metavar="CHIP")
    get.add_argument("channel", type=argument_type(_channel), metavar="CHANNEL")
    get.set_defaults(run=get_channel, prog=get.prog)

    set_ = sub.add_parser(
        "set",
        parents=[json_option],
        help="apply a waveform to a channel",
        description="Apply a waveform to CHANNEL: a period (--period ns, or --frequency Hz) and a duty (--duty ns, "
        "or --duty-cycle as 0.075 or 7.5%%), with a polarity; it runs unless --disable. Prints the waveform the "
        "kernel reports afterwards.",
    )
    set_.add_argument("chip", metavar="CHIP")
    set_.add_argument("channel", type=argument_type(_channel), metavar="CHANNEL")
    period = set_.add_mutually_exclusive_group(required=True)
    period.add_argument("--period", type=argument_type(_nanoseconds("--period")), metavar="NS", help="period in ns")
    period.add_argument("--frequency", type=argument_type(_hertz), metavar="HZ", help="periods per second")
    duty = set_.add_mutually_exclusive_group(required=True)
    duty.add_argument("--duty", type=argument_type(_nanoseconds("--duty")), metavar="NS", help="active time in ns")
    duty.add_argument(
        "--duty-cycle", type=argument_type(_fraction), metavar="F", help="active part of each period: 0.075 or 7.5%%"
    )
    set_.add_argument("--polarity", choices=[p.value for p in pwm.Polarity], default="normal", help="default normal")
    set_.add_argument("--disable", action="store_true", help="set it up stopped")
    set_.add_argument("--adopt", action="store_true", help="take over an export another program left")
    set_.add_argument("--keep", action="store_true", help="leave the channel exported afterwards")
    set_.set_defaults(run=set_channel, prog=set_.prog)


def _channel(text: str) -> int:
    return parse_int(text, "CHANNEL", 0)


def _nanoseconds(option: str) -> Any:
    def parse(text: str) -> int:
        return parse_int(text, f"{option} (nanoseconds)", 0)

    return parse


def _hertz(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= NS_PER_S:
        raise UsageError(f"--frequency must be hertz > 0 and at most 1e9 (a 1 ns period), not {text!r}")
    return value


def _fraction(text: str) -> float:
    match = _FRACTION.match(text)
    value = float(match.group(1)) / (100 if match.group(2) else 1) if match else -1.0
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"--duty-cycle must be a fraction 0..1 (0.075) or a percentage 0..100% (7.5%), not {text!r}")
    return value


def _record(waveform: pwm.Waveform) -> dict[str, Any]:
    return {
        "period_ns": waveform.period_ns,
        "duty_ns": waveform.duty_ns,
        "polarity": waveform.polarity.value,
        "enabled": waveform.enabled,
        "frequency_hz": round(waveform.frequency_hz, 6),
        "duty_cycle": round(waveform.duty_cycle, 6),
    }


def _text(waveform: dict[str, Any]) -> str:
    state = "enabled" if waveform["enabled"] else "disabled"
    return (
        f"period {waveform['period_ns']} ns ({waveform['frequency_hz']:g} Hz), duty {waveform['duty_ns']} ns "
        f"({100 * waveform['duty_cycle']:g}%), {waveform['polarity']}, {state}"
    )


def chip_record(info: pwm.ChipInfo) -> dict[str, Any]:
    """One chip as ``pwm list --json`` and ``probe --json`` give it, with its exported channels' waveforms."""
    with pwm.Chip(info.path) as chip:
        exported = {str(n): _record(w) for n, w in chip.exported().items()}
    return {
        "name": info.name,
        "path": info.path,
        "npwm": info.npwm,
        "bus": info.bus,
        "driver": info.driver,
        "chardev": info.chardev,
        "exported": exported,
    }


def chip_lines(chip: dict[str, Any]) -> list[str]:
    """``pwm-sim.0 (/sys/class/pwm/pwmchip0, platform, pwm-sim): 4 channels`` and a line per exported one."""
    where = ", ".join(part for part in (chip["path"], chip["bus"], chip["driver"]) if part)
    lines = [f"{chip['name']} ({where}): {chip['npwm']} channel{'s' if chip['npwm'] != 1 else ''}"]
    lines += [f"  pwm{n}: {_text(w)}" for n, w in chip["exported"].items()]
    return lines


def list_chips(args: argparse.Namespace) -> int:
    data = [chip_record(info) for info in pwm.chips()]

    def render(chips: list[dict[str, Any]]) -> str:
        if not chips:
            return "no PWM chips (/sys/class/pwm is empty or missing)"
        return "\n".join(line for chip in chips for line in chip_lines(chip))

    emit(args, data, render)
    return 0


def _output(args: argparse.Namespace, chip: pwm.Chip, waveform: pwm.Waveform) -> None:
    data = {"chip": chip.name, "channel": args.channel, **_record(waveform)}
    emit(args, data, lambda d: f"{d['chip']} pwm{d['channel']}: {_text(d)}")


def get_channel(args: argparse.Namespace) -> int:
    with pwm.Chip(args.chip) as chip:
        waveform = chip.exported().get(args.channel)
        if waveform is None:
            with chip.request(args.channel) as channel:
                waveform = channel.waveform
        _output(args, chip, waveform)
    return 0


def set_channel(args: argparse.Namespace) -> int:
    polarity = pwm.Polarity(args.polarity)
    enabled = not args.disable
    if args.period is not None:
        if args.duty_cycle is not None:
            target = pwm.Waveform(args.period, round(args.period * args.duty_cycle), polarity, enabled)
        else:
            target = pwm.Waveform(args.period, args.duty, polarity, enabled)
    elif args.duty_cycle is not None:
        target = pwm.Waveform.from_frequency(args.frequency, args.duty_cycle, polarity, enabled)
    else:
        target = pwm.Waveform(pwm.Waveform.from_frequency(args.frequency, 0).period_ns, args.duty, polarity, enabled)
    with pwm.Chip(args.chip) as chip:
        channel = chip.request(args.channel, adopt=args.adopt)
        try:
            waveform = channel.apply(target)
        finally:
            if args.keep:
                channel.detach()
            else:
                channel.close()
        _output(args, chip, waveform)
    return 0
