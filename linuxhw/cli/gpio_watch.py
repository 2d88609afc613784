"""``linuxhw gpio mon`` (edge events) and ``gpio notify`` (line requested/released/reconfigured).

Both print each event as it happens, run until --count events, --idle-timeout or Ctrl-C, and
release everything they hold on the way out. ``mon`` checks the kernel's sequence numbers and
flags events the kernel dropped because its event buffer overflowed.
"""

from __future__ import annotations

import argparse
import re
import selectors
import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from linuxhw import gpio
from linuxhw._events import wait_slices
from linuxhw.cli.errors import UsageError
from linuxhw.cli.gpio_format import (
    TIMESTAMP_LOCAL,
    TIMESTAMP_RAW,
    TIMESTAMP_UTC,
    event_time,
    info_record,
    line_attributes,
    line_id,
    parse_period,
)
from linuxhw.cli.gpio_lines import BIASES, LineRef, LineResolver, add_chip_options, add_line_options, by_chip
from linuxhw.cli.output import emit_record, status
from linuxhw.cli.parser import Commands, refuse
from linuxhw.cli.stopping import SIGNALLED, drain_signals, watch_signals
from linuxhw.cli.values import argument_type
from linuxhw.gpio import Clock, Direction, Edge, EdgeEvent, InfoChangeType, InfoEvent, LineSettings

EDGES = {e.value: e for e in (Edge.RISING, Edge.FALLING, Edge.BOTH)}
CLOCKS = {c.value: c for c in Clock}
INFO_TYPES = {"requested": InfoChangeType.REQUESTED, "released": InfoChangeType.RELEASED,
              "reconfigured": InfoChangeType.RECONFIGURED}  # fmt: skip
INFO_NAMES = {kind: name for name, kind in INFO_TYPES.items()}
FORMAT_HELP = (
    "custom line per event, as gpiomon's: %%o offset, %%l line name, %%c chip, %%e event type (1 rising, "
    "2 falling), %%E rising/falling, %%S seconds.nanoseconds, %%U UTC, %%L local time, %%%% a percent sign; "
    "linuxhw's own: %%q seqno, %%Q line seqno"
)


def register(sub: Commands, parents: list[argparse.ArgumentParser]) -> None:
    mon = sub.add_parser(
        "mon",
        parents=parents,
        description="Print edge events of input lines as they happen, as gpiomon does; events the kernel dropped "
        '(its event buffer overflowed) are reported on stderr, or as {"lost": N} records with --json.',
    )
    add_line_options(mon, "linuxhw-mon")
    mon.add_argument("-e", "--edges", choices=tuple(EDGES), default="both", help="edges to report (default both)")
    mon.add_argument("-p", "--debounce-period", type=argument_type(parse_period), default=0.0, metavar="PERIOD",
                     help="debounce (bare number: ms)")  # fmt: skip
    mon.add_argument("-E", "--event-clock", choices=tuple(CLOCKS), help="timestamp clock (default monotonic)")
    mon.add_argument("--buffer-size", type=int, default=0, metavar="N", help="kernel event buffer (events)")
    add_stream_options(mon)
    mon.add_argument("-F", "--format", help=FORMAT_HELP)
    mon.add_argument("lines", nargs="+", metavar="LINE")
    mon.set_defaults(run=monitor, prog=mon.prog)

    notify = sub.add_parser("notify", parents=parents)
    add_chip_options(notify)
    notify.add_argument(
        "-e", "--event", choices=tuple(INFO_TYPES), help="only this change (given twice, the last wins, as gpionotify)"
    )
    add_stream_options(notify)
    notify.add_argument("-F", "--format", help="custom line: gpiomon's fields (%%e: 1 requested, 2 released, "
                        "3 reconfigured), %%a line attributes, %%C consumer")  # fmt: skip
    notify.add_argument("lines", nargs="+", metavar="LINE")
    notify.set_defaults(run=notify_changes, prog=notify.prog)


def add_stream_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--num-events", type=int, metavar="N", help="exit after N events")
    parser.add_argument("--idle-timeout", type=argument_type(parse_period), metavar="PERIOD",
                        help="exit after PERIOD without events (bare number: ms)")  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="print no events (as gpiomon -q)")
    times = parser.add_mutually_exclusive_group()
    times.add_argument("--utc", dest="time_style", action="store_const", const=TIMESTAMP_UTC, help="UTC timestamps")
    times.add_argument("--localtime", dest="time_style", action="store_const", const=TIMESTAMP_LOCAL,
                       help="local-time timestamps")  # fmt: skip
    refuse(parser, "--banner", reason="the banner (--banner) is not printed by linuxhw: its status line is on stderr")


# -- mon --------------------------------------------------------------------------------------------------


def expand_format(fmt: str, fields: dict[str, object]) -> str:
    """gpiomon's -F: ``%x`` for a known x is replaced, an unknown one printed as it is, a trailing % kept.

    Every field is computed per event, even unused ones: a few string operations, for one simple code path."""

    def field(match: re.Match[str]) -> str:
        return str(fields[match[1]]) if match[1] in fields else match[0]

    return re.sub(r"%(.|$)", field, fmt)


def event_fields(event: EdgeEvent, ref: LineRef) -> dict[str, object]:
    ns = event.timestamp_ns
    return {
        "o": event.line_offset,
        "l": ref.name or "unnamed",
        "c": ref.chip_name,
        "e": event.type.value,
        "E": event.type.name.lower(),
        "S": event_time(ns, TIMESTAMP_RAW),
        "U": event_time(ns, TIMESTAMP_UTC),
        "L": event_time(ns, TIMESTAMP_LOCAL),
        "q": event.seqno,
        "Q": event.line_seqno,
        "%": "%",
        "": "%",
    }


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
    if args.quiet:
        return
    if args.json:
        emit_record(args, {"lost": lost, "chip": watched.chip_name, "before_seqno": event.seqno}, "")
    else:
        status(
            f"{lost} event(s) lost on {watched.chip_name} before seqno {event.seqno}: the kernel's event buffer "
            "overflowed (read faster or raise --buffer-size)"
        )


def _time_style(args: argparse.Namespace, clock: str) -> int:
    """Raw seconds, unless --utc/--localtime say otherwise; realtime timestamps default to UTC (gpiomon)."""
    if args.time_style is not None:
        return int(args.time_style)
    return TIMESTAMP_UTC if clock == "realtime" else TIMESTAMP_RAW


def _check_count(args: argparse.Namespace) -> None:
    if args.num_events is not None and args.num_events < 1:
        raise UsageError(f"--num-events must be at least 1, not {args.num_events}")


def monitor(args: argparse.Namespace) -> int:
    _check_count(args)
    # gpiomon: --utc/--localtime without -E read the realtime clock
    clock = args.event_clock or ("realtime" if args.time_style is not None else "monotonic")
    args.style = _time_style(args, clock)
    settings = LineSettings(
        direction=Direction.INPUT,
        edge=EDGES[args.edges],
        bias=BIASES[args.bias],
        active_low=args.active_low,
        debounce_period=args.debounce_period,
        event_clock=CLOCKS[clock],
    )
    refs = LineResolver.for_args(args).resolve_all(args.lines)
    with ExitStack() as stack:
        selector = stack.enter_context(selectors.DefaultSelector())
        for path, group in by_chip(refs).items():
            offsets = tuple(r.offset for r in group)
            request = stack.enter_context(
                gpio.request_lines(
                    path, {offsets: settings}, consumer=args.consumer, event_buffer_size=args.buffer_size
                )
            )
            watched = Watched(request, {r.offset: r for r in group}, group[0].chip_name)
            selector.register(request.fileno(), selectors.EVENT_READ, watched)
        if not args.quiet:
            status(f"watching {', '.join(r.label for r in refs)} for {args.edges} edges; Ctrl-C stops")
        watch_signals(selector)
        _event_loop(args, selector)
    return 0


def _edge_text(args: argparse.Namespace, event: EdgeEvent, ref: LineRef) -> str:
    if args.format is not None:
        return expand_format(args.format, event_fields(event, ref))
    when = event_time(event.timestamp_ns, args.style)
    name = line_id(ref.chip_name, ref.offset, ref.name, args.chip is not None, args.unquoted)
    return f"{when}\t{event.type.name.lower()}\t{name}"


def _select(selector: selectors.BaseSelector, timeout: float | None) -> list[tuple[selectors.SelectorKey, int]]:
    """selector.select(timeout), making sure every REMOVAL_CHECK_S that no chip went away: 6.1 does
    not wake an epoll_wait() on that, and the command would wait for ever (DeviceRemovedError)."""
    for wait in wait_slices(timeout):
        ready = selector.select(wait)
        if ready:
            return ready
        for key in selector.get_map().values():
            if isinstance(key.data, Watched):
                key.data.request._raise_if_gone("read events")
            elif isinstance(key.data, tuple):
                key.data[0]._raise_if_gone("read events")
    return []


def _event_loop(args: argparse.Namespace, selector: selectors.BaseSelector) -> None:
    seen = 0
    while args.num_events is None or seen < args.num_events:
        ready = _select(selector, args.idle_timeout)
        if not ready:
            return  # idle timeout
        for key, _ in ready:
            if key.data is SIGNALLED:  # a signal whose handler did not raise
                drain_signals()
                continue
            watched: Watched = key.data
            remaining = None if args.num_events is None else args.num_events - seen
            for event in watched.request.read_edge_events(max_events=remaining, timeout=0):
                if event.seqno > watched.last_seqno + 1:
                    _report_lost(args, watched, event)
                watched.last_seqno = event.seqno
                ref = watched.lines[event.line_offset]
                if not args.quiet:
                    emit_record(args, edge_record(event, ref), _edge_text(args, event, ref))
                seen += 1
            if args.num_events is not None and seen >= args.num_events:
                return


# -- notify -----------------------------------------------------------------------------------------------


def info_change_record(event: InfoEvent, ref: LineRef) -> dict[str, Any]:
    return {
        "chip": ref.chip_name,
        "line": ref.spec,
        "type": INFO_NAMES[event.type],
        "timestamp_ns": event.timestamp_ns,
        "info": info_record(event.info),
    }


def info_fields(event: InfoEvent, ref: LineRef, unquoted: bool) -> dict[str, object]:
    ns = event.timestamp_ns
    record = info_record(event.info)
    return {
        "o": ref.offset,
        "l": ref.name or "unnamed",
        "c": ref.chip_name,
        "e": event.type.value,
        "E": INFO_NAMES[event.type],
        "a": line_attributes(record, unquoted),
        "C": (record["consumer"] or "kernel") if record["used"] else "unused",
        "S": event_time(ns, TIMESTAMP_RAW),
        "U": event_time(realtime(ns), TIMESTAMP_UTC),
        "L": event_time(realtime(ns), TIMESTAMP_LOCAL),
        "%": "%",
        "": "%",
    }


def realtime(monotonic_ns: int) -> int:
    """A monotonic timestamp on the realtime clock (info events carry only monotonic ones)."""
    return monotonic_ns + time.time_ns() - time.monotonic_ns()


def notify_changes(args: argparse.Namespace) -> int:
    _check_count(args)
    wanted = {INFO_TYPES[args.event]} if args.event else set(InfoChangeType)
    refs = LineResolver.for_args(args).resolve_all(args.lines)
    with ExitStack() as stack:
        selector = stack.enter_context(selectors.DefaultSelector())
        for path, group in by_chip(refs).items():
            chip = stack.enter_context(gpio.Chip(path))
            for ref in group:
                chip.watch_line_info(ref.offset)
            selector.register(chip.fileno(), selectors.EVENT_READ, (chip, {r.offset: r for r in group}))
        if not args.quiet:
            status(f"watching {', '.join(r.label for r in refs)} for info changes; Ctrl-C stops")
        watch_signals(selector)
        _info_loop(args, selector, wanted)
    return 0


def _info_text(args: argparse.Namespace, event: InfoEvent, ref: LineRef) -> str:
    if args.format is not None:
        return expand_format(args.format, info_fields(event, ref, args.unquoted))
    style = args.time_style or TIMESTAMP_RAW
    ns = event.timestamp_ns if style == TIMESTAMP_RAW else realtime(event.timestamp_ns)
    name = line_id(ref.chip_name, ref.offset, ref.name, args.chip is not None, args.unquoted)
    return f"{event_time(ns, style)}\t{INFO_NAMES[event.type]}\t{name}"


def _info_loop(args: argparse.Namespace, selector: selectors.BaseSelector, wanted: set[InfoChangeType]) -> None:
    seen = 0
    while args.num_events is None or seen < args.num_events:
        ready = _select(selector, args.idle_timeout)
        if not ready:
            return  # idle timeout
        for key, _ in ready:
            if key.data is SIGNALLED:
                drain_signals()
                continue
            chip, lines = key.data
            # One read() takes every queued event; drain them all before waiting on the fd again.
            while (event := chip.read_info_event(timeout=0)) is not None:
                if event.type not in wanted:
                    continue
                ref = lines[event.info.offset]
                if not args.quiet:
                    emit_record(args, info_change_record(event, ref), _info_text(args, event, ref))
                seen += 1
                if args.num_events is not None and seen >= args.num_events:
                    return
