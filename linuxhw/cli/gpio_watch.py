"""``linuxhw gpio mon`` (edge events) and ``gpio notify`` (line requested/released/reconfigured).

Both print each event as it happens, run until --count events, --idle-timeout or Ctrl-C, and
release everything they hold on the way out. ``mon`` checks the kernel's sequence numbers and
flags events the kernel dropped because its event buffer overflowed.
"""

from __future__ import annotations

import argparse
import re
import selectors
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from linuxhw import gpio
from linuxhw.cli.errors import UsageError
from linuxhw.cli.gpio_format import describe_line, info_record, timestamp
from linuxhw.cli.gpio_lines import BIASES, LineRef, LineResolver, add_line_options, by_chip
from linuxhw.cli.output import emit_record, status
from linuxhw.cli.values import argument_type, parse_duration
from linuxhw.gpio import Clock, Direction, Edge, EdgeEvent, InfoChangeType, InfoEvent, LineSettings

EDGES = {e.value: e for e in (Edge.RISING, Edge.FALLING, Edge.BOTH)}
CLOCKS = {c.value: c for c in Clock}
INFO_TYPES = {t.name.lower(): t for t in InfoChangeType}
FORMAT_FIELDS = "oLlceEsnSqQ%"
FORMAT_HELP = (
    "custom line per event: %%o offset, %%l line name, %%L name or chip:offset, %%c chip, %%e event type "
    "(1 rising, 2 falling), %%E rising/falling, %%s seconds, %%n nanoseconds, %%S seconds.nanoseconds, "
    "%%q seqno, %%Q line seqno, %%%% a percent sign"
)


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    mon = sub.add_parser(
        "mon",
        parents=parents,
        help="print edge events as they happen (Ctrl-C stops)",
        description="Print edge events of input lines as they happen; events the kernel dropped (its event buffer "
        'overflowed) are reported on stderr, or as {"lost": N} records with --json.',
    )
    add_line_options(mon)
    mon.add_argument("-e", "--edge", choices=tuple(EDGES), default="both", help="edges to report (default both)")
    mon.add_argument(
        "-p", "--debounce", type=argument_type(parse_duration), default=0.0, metavar="TIME", help="e.g. 5ms"
    )
    mon.add_argument("--clock", choices=tuple(CLOCKS), default="monotonic", help="event timestamp clock")
    mon.add_argument("--buffer-size", type=int, default=0, metavar="N", help="kernel event buffer (events)")
    add_stream_options(mon)
    mon.add_argument("-F", "--format", help=FORMAT_HELP)
    mon.add_argument("lines", nargs="+", metavar="LINE")
    mon.set_defaults(run=monitor, prog=mon.prog)

    notify = sub.add_parser("notify", parents=parents, help="print when lines are requested, released or reconfigured")
    notify.add_argument("-c", "--chip", help="the chip of the lines (number, path, name or label): offsets allowed")
    notify.add_argument(
        "-e", "--event", action="append", choices=tuple(INFO_TYPES), help="only these changes (repeatable)"
    )
    add_stream_options(notify)
    notify.add_argument("lines", nargs="+", metavar="LINE")
    notify.set_defaults(run=notify_changes, prog=notify.prog)


def add_stream_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--count", type=int, metavar="N", help="exit after N events")
    parser.add_argument(
        "--idle-timeout", type=argument_type(parse_duration), metavar="TIME", help="exit after TIME without events"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no 'watching ...' status line on stderr")


# -- mon --------------------------------------------------------------------------------------------------


def check_format(fmt: str) -> None:
    for match in re.finditer(r"%(.?)", fmt):
        if match.group(1) not in FORMAT_FIELDS or not match.group(1):
            raise UsageError(f"--format: unknown field %{match.group(1)} (fields: %{' %'.join(FORMAT_FIELDS)})")


def format_event(fmt: str, event: EdgeEvent, ref: LineRef) -> str:
    fields = {
        "o": event.line_offset,
        "l": ref.name,
        "L": ref.name or f"{ref.chip_name}:{ref.offset}",
        "c": ref.chip_name,
        "e": event.type.value,
        "E": event.type.name.lower(),
        "s": event.timestamp_ns // 1_000_000_000,
        "n": f"{event.timestamp_ns % 1_000_000_000:09d}",
        "S": timestamp(event.timestamp_ns),
        "q": event.seqno,
        "Q": event.line_seqno,
        "%": "%",
    }
    return re.sub(r"%(.)", lambda m: str(fields[m.group(1)]), fmt)


def edge_record(event: EdgeEvent, ref: LineRef) -> dict[str, Any]:
    return {
        "chip": ref.chip_name,
        "offset": event.line_offset,
        "name": ref.name,
        "line": ref.spec,
        "type": event.type.name.lower(),
        "timestamp_ns": event.timestamp_ns,
        "seqno": event.seqno,
        "line_seqno": event.line_seqno,
    }


@dataclass
class Watched:
    """One line request of ``mon`` and what it needs to print and check its events."""

    request: gpio.LineRequest
    lines: dict[int, LineRef]
    chip_name: str
    last_seqno: int = 0


def _report_lost(args: argparse.Namespace, watched: Watched, event: EdgeEvent) -> None:
    lost = event.seqno - watched.last_seqno - 1
    if args.json:
        emit_record(args, {"lost": lost, "chip": watched.chip_name, "before_seqno": event.seqno}, "")
    else:
        status(
            f"{lost} event(s) lost on {watched.chip_name} before seqno {event.seqno}: the kernel's event buffer "
            "overflowed (read faster or raise --buffer-size)"
        )


def monitor(args: argparse.Namespace) -> int:
    if args.format is not None:
        check_format(args.format)
    if args.count is not None and args.count < 1:
        raise UsageError(f"--count must be at least 1, not {args.count}")
    settings = LineSettings(
        direction=Direction.INPUT,
        edge=EDGES[args.edge],
        bias=BIASES[args.bias],
        active_low=args.active_low,
        debounce_period=args.debounce,
        event_clock=CLOCKS[args.clock],
    )
    refs = LineResolver(args.chip).resolve_all(args.lines)
    with ExitStack() as stack:
        selector = stack.enter_context(selectors.DefaultSelector())
        for path, group in by_chip(refs).items():
            offsets = tuple(r.offset for r in group)
            request = stack.enter_context(
                gpio.request_lines(
                    path, {offsets: settings}, consumer="linuxhw-mon", event_buffer_size=args.buffer_size
                )
            )
            watched = Watched(request, {r.offset: r for r in group}, group[0].chip_name)
            selector.register(request.fileno(), selectors.EVENT_READ, watched)
        if not args.quiet:
            status(f"watching {', '.join(r.label for r in refs)} for {args.edge} edges; Ctrl-C stops")
        _event_loop(args, selector)
    return 0


def _event_loop(args: argparse.Namespace, selector: selectors.BaseSelector) -> None:
    seen = 0
    while args.count is None or seen < args.count:
        ready = selector.select(args.idle_timeout)
        if not ready:
            return  # idle timeout
        for key, _ in ready:
            watched: Watched = key.data
            remaining = None if args.count is None else args.count - seen
            for event in watched.request.read_edge_events(max_events=remaining, timeout=0):
                if event.seqno > watched.last_seqno + 1:
                    _report_lost(args, watched, event)
                watched.last_seqno = event.seqno
                ref = watched.lines[event.line_offset]
                if args.format is not None:
                    text = format_event(args.format, event, ref)
                else:
                    text = f"{timestamp(event.timestamp_ns)} {event.type.name.lower():<7} {ref.label}"
                emit_record(args, edge_record(event, ref), text)
                seen += 1
            if args.count is not None and seen >= args.count:
                return


# -- notify -----------------------------------------------------------------------------------------------


def info_change_record(event: InfoEvent, ref: LineRef) -> dict[str, Any]:
    return {
        "chip": ref.chip_name,
        "line": ref.spec,
        "type": event.type.name.lower(),
        "timestamp_ns": event.timestamp_ns,
        "info": info_record(event.info),
    }


def notify_changes(args: argparse.Namespace) -> int:
    if args.count is not None and args.count < 1:
        raise UsageError(f"--count must be at least 1, not {args.count}")
    wanted = {INFO_TYPES[name] for name in args.event} if args.event else set(InfoChangeType)
    refs = LineResolver(args.chip).resolve_all(args.lines)
    with ExitStack() as stack:
        selector = stack.enter_context(selectors.DefaultSelector())
        for path, group in by_chip(refs).items():
            chip = stack.enter_context(gpio.Chip(path))
            for ref in group:
                chip.watch_line_info(ref.offset)
            selector.register(chip.fileno(), selectors.EVENT_READ, (chip, {r.offset: r for r in group}))
        if not args.quiet:
            status(f"watching {', '.join(r.label for r in refs)} for info changes; Ctrl-C stops")
        _info_loop(args, selector, wanted)
    return 0


def _info_loop(args: argparse.Namespace, selector: selectors.BaseSelector, wanted: set[InfoChangeType]) -> None:
    seen = 0
    while args.count is None or seen < args.count:
        ready = selector.select(args.idle_timeout)
        if not ready:
            return  # idle timeout
        for key, _ in ready:
            chip, lines = key.data
            # One read() takes every queued event; drain them all before waiting on the fd again.
            while (event := chip.read_info_event(timeout=0)) is not None:
                if event.type not in wanted:
                    continue
                ref = lines[event.info.offset]
                record = info_change_record(event, ref)
                when = timestamp(event.timestamp_ns)
                emit_record(args, record, f"{when} {record['type']:<12} {ref.label} {describe_line(record['info'])}")
                seen += 1
                if args.count is not None and seen >= args.count:
                    return
