"""``linuxhw gpio``: detect, info, find, get, set (mon and notify live in gpio_watch).

Each follows its libgpiod 2.x tool (gpiodetect, gpioinfo, gpioget, gpioset): arguments, text output and
exit status; ``find`` prints what libgpiod 1.x's gpiofind did (2.x dropped it for ``gpioinfo NAME``).
"""

from __future__ import annotations

import argparse
import math
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any

from linuxhw import gpio
from linuxhw.cli import stopping
from linuxhw.cli.errors import UsageError
from linuxhw.cli.gpio_format import describe_line, info_record, parse_period, quoted
from linuxhw.cli.gpio_lines import (
    BIASES,
    DRIVES,
    LineRef,
    LineResolver,
    add_chip_options,
    add_line_options,
    by_chip,
    open_chip,
)
from linuxhw.cli.output import describe_error, emit, error, status
from linuxhw.cli.parser import Commands, PeerParser, refuse
from linuxhw.cli.values import argument_type, parse_level
from linuxhw.gpio import Direction, LineSettings
from linuxhw.gpio.chip import chip_paths

# gpio's commands, each module imported only when one of its commands runs (see Commands)
COMMANDS = {
    "linuxhw.cli.gpio_cmd:register_lines": {
        "detect": "list GPIO chips (gpiodetect)",
        "info": "lines and what uses them (gpioinfo; default: every line)",
        "find": "find a line by name across chips (libgpiod 1.x gpiofind)",
        "get": "read lines (gpioget): NAME, CHIP:OFFSET, or offsets with -c",
        "set": "drive lines (gpioset): LINE=VALUE ..., held until Ctrl-C, SIGTERM or --hold-for",
    },
    "linuxhw.cli.gpio_watch:register": {
        "mon": "print edge events as they happen (gpiomon; Ctrl-C stops)",
        "notify": "print when lines are requested, released or reconfigured (gpionotify)",
    },
}


def register(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("gpio", description=__doc__, usage_status=PeerParser.peer_usage_status)
    # libgpiod 2.x's tools exit 1 on every failure, usage errors included.
    sub = parser.add_subparsers(dest="gpio_command", required=True, metavar="GPIO_COMMAND", parser_class=PeerParser)
    Commands(sub, COMMANDS, commands.rest).add([json_option])


def register_lines(sub: Commands, parents: list[argparse.ArgumentParser]) -> None:
    detect = sub.add_parser("detect", parents=parents)
    detect.add_argument("chips", nargs="*", metavar="CHIP", help="number, path, name (gpiochip0) or label")
    detect.set_defaults(run=detect_chips, prog=detect.prog)

    info = sub.add_parser("info", parents=parents)
    add_chip_options(info)
    info.add_argument("lines", nargs="*", metavar="LINE")
    info.set_defaults(run=line_info, prog=info.prog)

    find = sub.add_parser("find", parents=parents)
    find.add_argument("name")
    find.set_defaults(run=find_line, prog=find.prog)

    get = sub.add_parser("get", parents=parents)
    add_line_options(get, "linuxhw-get")
    get.add_argument("-a", "--as-is", action="store_true", help="do not switch the lines to input first")
    get.add_argument("-p", "--hold-period", type=argument_type(parse_period), default=0.0, metavar="PERIOD",
                     help="wait between requesting the lines and reading them (bare number: ms)")  # fmt: skip
    get.add_argument("--numeric", action="store_true", help="print 1 and 0 instead of active and inactive")
    get.add_argument("lines", nargs="+", metavar="LINE")
    get.set_defaults(run=get_values, prog=get.prog)

    setp = sub.add_parser(
        "set",
        description="Drive lines as outputs and hold them until Ctrl-C or SIGTERM, as gpioset does (or for "
        "--hold-for TIME). What a released line does then is up to its driver (many keep driving, gpio-sim "
        "returns to its pull).",
    )
    add_line_options(setp, "linuxhw-set")
    setp.add_argument("-d", "--drive", choices=tuple(DRIVES), default="push-pull", help="output drive")
    setp.add_argument("-p", "--hold-period", type=argument_type(parse_period), default=0.0, metavar="PERIOD",
                      help="hold at least PERIOD (bare number: ms); then, as gpioset, until stopped")  # fmt: skip
    setp.add_argument("--hold-for", type=argument_type(parse_period), metavar="PERIOD",
                      help="release the lines and exit after PERIOD (linuxhw's; 0: at once)")  # fmt: skip
    setp.add_argument("-q", "--quiet", action="store_true", help="no status line on stderr while holding")
    for options, what in (("-t", "--toggle"), "toggling (-t)"), (("-i", "--interactive"), "interactive mode (-i)"),\
            (("-z", "--daemonize"), "daemonizing (-z)"), (("--banner",), "the banner (--banner)"):  # fmt: skip
        refuse(setp, *options, reason=f"gpioset's {what} is not supported by linuxhw", takes_value=options[0] == "-t")
    setp.add_argument("assignments", nargs="+", metavar="LINE=VALUE", help="VALUE: 1/0, active/inactive, on/off")
    setp.set_defaults(run=set_values, prog=setp.prog)


# -- detect, info, find ---------------------------------------------------------------------------------


def _chip_info(spec: str) -> dict[str, Any]:
    with open_chip(spec) as chip:
        return asdict(chip.info)


def detect_chips(args: argparse.Namespace) -> int:
    """gpiodetect: every chip, or each one named; a named chip that cannot be read is reported and
    the others are still listed, with exit status 1."""
    chips = [] if args.chips else [asdict(c) for c in gpio.chips()]
    exit_status = 0
    for spec in args.chips:
        try:
            chips.append(_chip_info(spec))
        except OSError as exc:
            error(args, describe_error(exc))
            exit_status = 1
    emit(args, chips, lambda rows: "\n".join(f"{c['name']} [{c['label']}] ({c['num_lines']} lines)" for c in rows))
    return exit_status


def line_info(args: argparse.Namespace) -> int:
    if args.lines:
        return _some_lines_info(args)
    data = []
    for spec in [args.chip] if args.chip is not None else [c.name for c in gpio.chips()]:
        with open_chip(spec) as chip:
            data.append({**asdict(chip.info), "lines": [info_record(i) for i in chip.line_infos()]})

    def render(chips: list[dict[str, Any]]) -> str:
        out = []
        for c in chips:
            out.append(f"{c['name']} - {c['num_lines']} lines:")
            out += [f"\tline {line['offset']:>3}:\t{describe_line(line, args.unquoted)}" for line in c["lines"]]
        return "\n".join(out)

    emit(args, data, render)
    return 0


def _some_lines_info(args: argparse.Namespace) -> int:
    """gpioinfo LINE...: one row per line, ``CHIP OFFSET<TAB>name<TAB>attributes``."""
    refs = LineResolver.for_args(args).resolve_all(args.lines)
    chips = {path: index for index, path in enumerate(chip_paths())}
    refs.sort(key=lambda r: (chips.get(r.chip_path, len(chips)), r.offset))  # gpioinfo: in chip order
    data = []
    for ref in refs:
        with gpio.Chip(ref.chip_path) as chip:
            data.append({"chip": ref.chip_name, "line": ref.spec, **info_record(chip.line_info(ref.offset))})
    rows = [f"{d['chip']} {d['offset']}\t{describe_line(d, args.unquoted)}" for d in data]
    emit(args, data, lambda _: "\n".join(rows))
    return 0


def find_line(args: argparse.Namespace) -> int:
    location = gpio.find_line(args.name)
    data = {**asdict(location), "chip": location.chip_path.rsplit("/", 1)[-1]}
    emit(args, data, lambda loc: f"{loc['chip']} {loc['offset']}")
    return 0


# -- get, set -----------------------------------------------------------------------------------------------


def get_values(args: argparse.Namespace) -> int:
    refs = LineResolver.for_args(args).resolve_all(args.lines)
    if args.as_is:
        settings = LineSettings(active_low=args.active_low)
        if args.bias != "as-is":
            raise UsageError("--bias needs the lines switched to input: leave out --as-is")
    else:
        settings = LineSettings(direction=Direction.INPUT, bias=BIASES[args.bias], active_low=args.active_low)
    values: dict[str, int] = {}
    for path, group in by_chip(refs).items():
        offsets = tuple(r.offset for r in group)
        with gpio.request_lines(path, {offsets: settings}, consumer=args.consumer) as request:
            if args.hold_period:
                stopping.sleep(args.hold_period)
            values.update(zip((r.spec for r in group), request.get_values(offsets)))
    ordered = {ref.spec: values[ref.spec] for ref in refs}

    def render(v: dict[str, int]) -> str:
        if args.numeric:
            return " ".join(str(value) for value in v.values())
        return " ".join(f"{quoted(k, args.unquoted)}={'active' if val else 'inactive'}" for k, val in v.items())

    emit(args, ordered, render)
    return 0


def _assignments(args: argparse.Namespace) -> list[tuple[LineRef, int]]:
    resolver = LineResolver.for_args(args)
    parsed = []
    for text in args.assignments:
        spec, sep, value = text.rpartition("=")
        if not sep or not spec:
            raise UsageError(f"expected LINE=VALUE (e.g. GPIO17=1), not {text!r}")
        parsed.append((spec, parse_level(value, f"value of {spec}")))
    refs = resolver.resolve_all([spec for spec, _ in parsed])
    return list(zip(refs, (value for _, value in parsed)))


def set_values(args: argparse.Namespace) -> int:
    pairs = _assignments(args)
    settings = LineSettings(
        direction=Direction.OUTPUT, bias=BIASES[args.bias], drive=DRIVES[args.drive], active_low=args.active_low
    )
    groups = by_chip([ref for ref, _ in pairs])
    values = {(ref.chip_path, ref.offset): value for ref, value in pairs}
    with ExitStack() as held:
        for path, group in groups.items():
            offsets = tuple(r.offset for r in group)
            held.enter_context(
                gpio.request_lines(
                    path,
                    {offsets: settings},
                    consumer=args.consumer,
                    output_values={r.offset: values[(path, r.offset)] for r in group},
                )
            )
        duration = math.inf if args.hold_for is None else max(args.hold_for, args.hold_period)
        if duration:
            if not args.quiet:
                what = ", ".join(f"{ref.label}={value}" for ref, value in pairs)
                until = "Ctrl-C" if args.hold_for is None else f"{duration:g} s or Ctrl-C"
                status(f"holding {what} until {until}")
            stopping.sleep(duration)
    return 0
