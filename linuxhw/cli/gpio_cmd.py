"""``linuxhw gpio``: detect, info, find, get, set (mon and notify live in gpio_watch)."""

from __future__ import annotations

import argparse
import math
import time
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any

from linuxhw import gpio
from linuxhw.cli import gpio_watch
from linuxhw.cli.errors import UsageError
from linuxhw.cli.gpio_format import describe_line, info_record
from linuxhw.cli.gpio_lines import BIASES, DRIVES, LineRef, LineResolver, add_line_options, by_chip, open_chip
from linuxhw.cli.output import emit, status
from linuxhw.cli.values import argument_type, parse_duration, parse_level
from linuxhw.gpio import Direction, LineSettings


def register(commands: Any, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("gpio", help="GPIO chips and lines", description=__doc__)
    sub = parser.add_subparsers(dest="gpio_command", required=True, metavar="GPIO_COMMAND")
    parents = [json_option]

    detect = sub.add_parser("detect", parents=parents, help="list GPIO chips")
    detect.set_defaults(run=detect_chips, prog=detect.prog)

    info = sub.add_parser("info", parents=parents, help="every line of the chips (default: all chips)")
    info.add_argument("chips", nargs="*", metavar="CHIP", help="number, path, name (gpiochip0) or label")
    info.set_defaults(run=line_info, prog=info.prog)

    find = sub.add_parser("find", parents=parents, help="find a line by name across chips")
    find.add_argument("name")
    find.set_defaults(run=find_line, prog=find.prog)

    get = sub.add_parser("get", parents=parents, help="read lines: NAME, CHIP:OFFSET or CHIP:NAME")
    add_line_options(get)
    get.add_argument("-a", "--as-is", action="store_true", help="do not switch the lines to input first")
    get.add_argument("lines", nargs="+", metavar="LINE")
    get.set_defaults(run=get_values, prog=get.prog)

    setp = sub.add_parser(
        "set",
        help="drive lines: LINE=VALUE ... (released when done unless --hold)",
        description="Drive lines as outputs. Without --hold they are released as soon as they are set; what a "
        "released line does then is up to its driver (many keep driving, gpio-sim returns to its pull).",
    )
    add_line_options(setp)
    setp.add_argument("-d", "--drive", choices=tuple(DRIVES), default="push-pull", help="output drive")
    hold = setp.add_mutually_exclusive_group()
    hold.add_argument("--hold", action="store_true", help="keep the lines until Ctrl-C or SIGTERM")
    hold.add_argument(
        "--hold-for", type=argument_type(parse_duration), metavar="TIME", help="keep the lines for TIME (e.g. 500ms)"
    )
    setp.add_argument("-q", "--quiet", action="store_true", help="no status line on stderr while holding")
    setp.add_argument("assignments", nargs="+", metavar="LINE=VALUE", help="VALUE: 1/0, on/off, active/inactive")
    setp.set_defaults(run=set_values, prog=setp.prog)

    gpio_watch.register(sub, parents)


# -- detect, info, find ---------------------------------------------------------------------------------


def detect_chips(args: argparse.Namespace) -> int:
    emit(
        args,
        [asdict(c) for c in gpio.chips()],
        lambda chips: "\n".join(f"{c['name']} [{c['label']}] ({c['num_lines']} lines)" for c in chips),
    )
    return 0


def line_info(args: argparse.Namespace) -> int:
    specs = args.chips or [c.name for c in gpio.chips()]
    data = []
    for spec in specs:
        with open_chip(spec) as chip:
            data.append({**asdict(chip.info), "lines": [info_record(i) for i in chip.line_infos()]})

    def render(chips: list[dict[str, Any]]) -> str:
        out = []
        for c in chips:
            out.append(f"{c['name']} - {c['num_lines']} lines [{c['label']}]:")
            out += [f"\tline {line['offset']:>3}: {describe_line(line)}" for line in c["lines"]]
        return "\n".join(out)

    emit(args, data, render)
    return 0


def find_line(args: argparse.Namespace) -> int:
    location = gpio.find_line(args.name)
    data = {**asdict(location), "chip": location.chip_path.rsplit("/", 1)[-1]}
    emit(args, data, lambda loc: f"{loc['chip']} {loc['offset']}")
    return 0


# -- get, set -----------------------------------------------------------------------------------------------


def get_values(args: argparse.Namespace) -> int:
    refs = LineResolver(args.chip).resolve_all(args.lines)
    if args.as_is:
        settings = LineSettings(active_low=args.active_low)
        if args.bias != "as-is":
            raise UsageError("--bias needs the lines switched to input: leave out --as-is")
    else:
        settings = LineSettings(direction=Direction.INPUT, bias=BIASES[args.bias], active_low=args.active_low)
    values: dict[str, int] = {}
    for path, group in by_chip(refs).items():
        offsets = tuple(r.offset for r in group)
        with gpio.request_lines(path, {offsets: settings}, consumer="linuxhw-get") as request:
            values.update(zip((r.spec for r in group), request.get_values(offsets)))
    ordered = {ref.spec: values[ref.spec] for ref in refs}
    emit(args, ordered, lambda v: " ".join(f"{k}={val}" for k, val in v.items()))
    return 0


def _assignments(args: argparse.Namespace) -> list[tuple[LineRef, int]]:
    resolver = LineResolver(args.chip)
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
                    consumer="linuxhw-set",
                    output_values={r.offset: values[(path, r.offset)] for r in group},
                )
            )
        duration = math.inf if args.hold else args.hold_for
        if duration:
            if not args.quiet:
                what = ", ".join(f"{ref.label}={value}" for ref, value in pairs)
                until = "Ctrl-C" if args.hold else f"{duration:g} s or Ctrl-C"
                status(f"holding {what} until {until}")
            _sleep(duration)
    return 0


def _sleep(seconds: float) -> None:
    """Sleep (interruptible by Ctrl-C/SIGTERM), forever when ``seconds`` is infinite."""
    deadline = time.monotonic() + seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        time.sleep(min(remaining, 3600.0))
