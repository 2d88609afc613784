"""``linuxhw gpio``: detect, info, find, get, set — lines named by offset or by name on any chip."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from linuxhw import gpio


def register(commands: Any) -> None:
    parser = commands.add_parser("gpio", help="GPIO chips and lines")
    sub = parser.add_subparsers(dest="gpio_command", required=True, metavar="GPIO_COMMAND")
    sub.add_parser("detect", help="list GPIO chips").set_defaults(run=detect)
    info = sub.add_parser("info", help="show every line of a chip (default: all chips)")
    info.add_argument("chip", nargs="?", help="chip path, number, name or label")
    info.set_defaults(run=line_info)
    find = sub.add_parser("find", help="find a line by name across chips")
    find.add_argument("name")
    find.set_defaults(run=find_line)
    get = sub.add_parser("get", help="read lines (names, or CHIP:OFFSET)")
    get.add_argument("lines", nargs="+")
    get.set_defaults(run=get_values)
    setp = sub.add_parser("set", help="drive lines: LINE=0|1 ... (released on exit)")
    setp.add_argument("assignments", nargs="+", metavar="LINE=VALUE")
    setp.set_defaults(run=set_values)


def _locate(spec: str) -> tuple[str, int]:
    """``NAME`` (unique on the system) or ``CHIP:OFFSET`` -> (chip path, offset)."""
    if ":" in spec:
        chip, _, offset = spec.rpartition(":")
        with gpio.Chip(int(chip) if chip.isdigit() else chip) as handle:
            return handle.path, handle.line_offset(int(offset) if offset.isdigit() else offset)
    location = gpio.find_line(spec)
    return location.chip_path, location.offset


def _jsonable(info: gpio.LineInfo) -> dict[str, Any]:
    return {key: getattr(value, "value", value) for key, value in asdict(info).items()}


def detect(args: argparse.Namespace) -> int:
    from linuxhw.cli.main import emit

    emit(
        args,
        [asdict(c) for c in gpio.chips()],
        lambda chips: "\n".join(f"{c['name']} [{c['label']}] ({c['num_lines']} lines)" for c in chips),
    )
    return 0


def _describe(line: dict[str, Any]) -> str:
    flags = [line["direction"]]
    if line["used"]:
        flags.insert(0, "used")
    if line["active_low"]:
        flags.append("active-low")
    for key, default in (("bias", "unknown"), ("drive", "push-pull"), ("edge", "none")):
        if line[key] != default:
            flags.append(f"{key}={line[key]}")
    if line["debounce_period"]:
        flags.append(f"debounce={line['debounce_period'] * 1e6:.0f}us")
    name = f'"{line["name"]}"' if line["name"] else "unnamed"
    consumer = f' consumer="{line["consumer"]}"' if line["consumer"] else ""
    return f"\tline {line['offset']:>3}: {name:<16}{consumer} [{', '.join(flags)}]"


def line_info(args: argparse.Namespace) -> int:
    from linuxhw.cli.main import emit

    specs = [args.chip] if args.chip else [c.name for c in gpio.chips()]
    data = []
    for spec in specs:
        with gpio.Chip(int(spec) if str(spec).isdigit() else spec) as chip:
            data.append({**asdict(chip.info), "lines": [_jsonable(i) for i in chip.line_infos()]})

    def render(chips: list[dict[str, Any]]) -> str:
        out = []
        for c in chips:
            out.append(f"{c['name']} - {c['num_lines']} lines [{c['label']}]:")
            out += [_describe(line) for line in c["lines"]]
        return "\n".join(out)

    emit(args, data, render)
    return 0


def find_line(args: argparse.Namespace) -> int:
    from linuxhw.cli.main import emit

    emit(args, asdict(gpio.find_line(args.name)), lambda loc: f"{loc['chip_path']} {loc['offset']}")
    return 0


def get_values(args: argparse.Namespace) -> int:
    from linuxhw.cli.main import emit

    values = {}
    for spec in args.lines:
        path, offset = _locate(spec)
        with gpio.request_lines(
            path, {offset: gpio.LineSettings(direction=gpio.Direction.INPUT)}, consumer="linuxhw-get"
        ) as req:
            values[spec] = req.get_value(offset)
    emit(args, values, lambda v: " ".join(f"{k}={val}" for k, val in v.items()))
    return 0


def set_values(args: argparse.Namespace) -> int:
    for assignment in args.assignments:
        spec, sep, value = assignment.partition("=")
        if not sep or value not in ("0", "1"):
            raise ValueError(f"expected LINE=0 or LINE=1, not {assignment!r}")
        path, offset = _locate(spec)
        settings = gpio.LineSettings(direction=gpio.Direction.OUTPUT, output_value=int(value))
        with gpio.request_lines(path, {offset: settings}, consumer="linuxhw-set"):
            pass
    return 0
