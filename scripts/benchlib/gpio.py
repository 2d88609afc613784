"""GPIO: single-line get/set, 64-line bulk get/set, reconfigure and edge-event draining on a 64-line
gpio-sim chip — linuxhw, the gpiod package (libgpiod v2), python-periphery and the C floor."""

from __future__ import annotations

import errno
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import linuxhw
from linuxhw import _fastpath, gpio, mock

from .core import LINUXHW, Runner, optional_import

GROUP = "GPIO"
LINES = 64
PATTERN = 0x5555_5555_5555_5555
IN = gpio.LineSettings(direction=gpio.Direction.INPUT)
OUT = gpio.LineSettings(direction=gpio.Direction.OUTPUT)
EDGES = IN.replace(edge=gpio.Edge.BOTH)
PERIPHERY_EVENT_BUFFER = 16  # periphery cannot size the kernel's buffer: the default, 16 per line
BATCH, SINGLE = "edge drain, many per read", "edge drain, one per read"
EDGE_PACE = 0.0003  # seconds between two edges: 100 µs once let gpio-sim merge 16% of them in the TCG guest
MIN_ARRIVED = 0.5  # a drain counts the events that arrived; fewer than this share means a broken setup


class Chip:
    """The simulated chip and a fast way to make edges on line 0 (outside the timed part)."""

    def __init__(self, path: str, toggle: Callable[[int], None], pull_attr: str | None) -> None:
        self.path = path
        self.pull_attr = pull_attr
        self._toggle = toggle
        self._level = 0

    def make_edges(self, count: int) -> None:
        for _ in range(count):
            self._level ^= 1
            self._toggle(self._level)


@contextmanager
def sim_chip(backend: str) -> Iterator[Chip]:
    if backend == "mock":
        board = mock.Board()
        bank = board.add_gpio_chip(LINES, label="lhw-bench")
        with linuxhw.use_backend(board):
            yield Chip(f"/dev/{bank.chip_name}", lambda level: bank.set_pull(0, level), None)
        return
    from linuxhw.sim import GpioSim

    with GpioSim() as sim:
        bank = sim.add_bank(LINES, label="lhw-bench")
        sim.enable()
        pull_attr = str(bank._line_attr(0, "pull"))
        pull = os.open(pull_attr, os.O_WRONLY | os.O_CLOEXEC)
        words = (b"pull-down", b"pull-up")

        def toggle(level: int) -> None:
            os.pwrite(pull, words[level], 0)
            # The kernel makes the event in the request's IRQ thread, which reads the level when it
            # runs: edges made faster than it gets to run become one event. A short sleep lets it.
            time.sleep(EDGE_PACE)

        try:
            with linuxhw.use_backend("real"):
                yield Chip(str(bank.dev_path), toggle, pull_attr)
        finally:
            os.close(pull)


def drain(chip: Chip, settle: float, events: int, repeats: int, buffer: int, fd: int, read: Callable[..., Any],
          args: tuple[Any, ...] = (), one_each: bool = False) -> list[float]:  # fmt: skip
    """µs per event to read back queued edges with ``read(*args)``, which returns a list of events
    (or one event when ``one_each``). ``events`` edges are made, ``buffer`` at a time (the most the
    request's kernel buffer holds). No wrapper runs per read: only the library's own call is timed.
    ``fd`` is made non-blocking, so that an edge the kernel merged ends the read loop instead of
    blocking it (a read then finds nothing: an empty list, or EAGAIN)."""
    os.set_blocking(fd, False)
    samples = []
    for _ in range(repeats + 1):
        with watchdog(f"reading {events} edge events"):
            samples.append(drain_once(chip, settle, events, buffer, read, args, one_each))
    return samples[1:]  # the first drain is not counted (as time_statement's first loop)


@contextmanager
def watchdog(what: str, seconds: int = 60) -> Iterator[None]:
    """Raise instead of hanging if a read() blocks after all."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"{what} took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def drain_once(chip: Chip, settle: float, events: int, buffer: int, read: Callable[..., Any], args: tuple[Any, ...],
               one_each: bool) -> float:  # fmt: skip
    elapsed = 0.0
    made = got = 0
    while made < events:
        batch = min(buffer, events - made)
        chip.make_edges(batch)
        made += batch
        time.sleep(settle)
        wanted = got + batch
        start = time.perf_counter()
        try:
            if one_each:
                while got < wanted:
                    read(*args)
                    got += 1
            else:
                while got < wanted:
                    count = len(read(*args))
                    if not count:
                        break
                    got += count
        except OSError as exc:
            if exc.errno != errno.EAGAIN:
                raise
        elapsed += time.perf_counter() - start
    if got < events * MIN_ARRIVED:
        raise RuntimeError(f"only {got} of {events} edge events arrived: the kernel merged the others")
    return elapsed / got * 1e6


def run(runner: Runner, backend: str) -> None:
    gpiod, gpiod_missing = optional_import("gpiod")
    periphery, periphery_missing = optional_import("periphery")
    if backend == "mock":
        gpiod = periphery = None
        gpiod_missing = periphery_missing = "the mock backend's fds are not kernel GPIO requests"
    with sim_chip(backend) as chip:
        single_lines(runner, chip, gpiod, gpiod_missing, periphery, periphery_missing)
        bulk(runner, chip, gpiod, gpiod_missing, periphery, periphery_missing)
        reconfigure(runner, chip, gpiod, gpiod_missing, periphery, periphery_missing)
        edge_events(runner, chip, gpiod, gpiod_missing, periphery, periphery_missing)


def single_lines(runner: Runner, chip: Chip, gpiod: Any, gpiod_missing: str, periphery: Any,
                 periphery_missing: str) -> None:  # fmt: skip
    get, put = "get 1 line", "set 1 line"
    with gpio.request_lines(chip.path, {0: OUT, 1: IN}, consumer="bench") as req:
        runner.python(GROUP, get, LINUXHW, "linuxhw", "req.get_value(1)", {"req": req})
        runner.python(GROUP, put, LINUXHW, "linuxhw", "req.set_value(0, 1)", {"req": req})
        ns = {"get": _fastpath.gpio_get_values, "put": _fastpath.gpio_set_values, "fd": req.fileno()}
        runner.raw(GROUP, get, "get(fd, 2)", ns)
        runner.raw(GROUP, put, "put(fd, 1, 1)", ns)
    if gpiod is not None:
        settings = gpiod.LineSettings
        config = {0: settings(direction=gpiod.line.Direction.OUTPUT), 1: settings(direction=gpiod.line.Direction.INPUT)}
        with gpiod.request_lines(chip.path, consumer="bench", config=config) as req:
            runner.python(GROUP, get, "gpiod", "peer", "req.get_value(1)", {"req": req})
            ns = {"req": req, "ACTIVE": gpiod.line.Value.ACTIVE}
            runner.python(GROUP, put, "gpiod", "peer", "req.set_value(0, ACTIVE)", ns)
    else:
        for op in (get, put):
            runner.skip(GROUP, op, "gpiod", "peer", gpiod_missing)
    if periphery is not None:
        with periphery.GPIO(chip.path, 1, "in") as line:
            runner.python(GROUP, get, "periphery", "peer", "line.read()", {"line": line})
        with periphery.GPIO(chip.path, 0, "out") as line:
            runner.python(GROUP, put, "periphery", "peer", "line.write(True)", {"line": line})
    else:
        for op in (get, put):
            runner.skip(GROUP, op, "periphery", "peer", periphery_missing)
    runner.floor(GROUP, get, "gpio", [chip.path, "get", runner.target_ms, runner.settings.repeats])
    runner.floor(GROUP, put, "gpio", [chip.path, "set", runner.target_ms, runner.settings.repeats])


def bulk(runner: Runner, chip: Chip, gpiod: Any, gpiod_missing: str, periphery: Any, periphery_missing: str) -> None:
    get, put = f"get {LINES} lines", f"set {LINES} lines"
    with gpio.request_lines(chip.path, {tuple(range(LINES)): OUT}, consumer="bench") as req:
        ns = {"req": req, "PATTERN": PATTERN, "VALUES": {i: (PATTERN >> i) & 1 for i in range(LINES)},
              "LINES": list(range(LINES))}  # fmt: skip
        runner.python(GROUP, get, LINUXHW, "linuxhw", "req.get_bits()", ns, note="bitmap, one ioctl")
        runner.python(GROUP, get, "linuxhw get_values()", "variant", "req.get_values()", ns, note="list of ints")
        runner.python(GROUP, get, "linuxhw get_values(lines)", "variant", "req.get_values(LINES)", ns,
                      note="the 64 offsets as a list; a list of ints")  # fmt: skip
        runner.python(GROUP, put, LINUXHW, "linuxhw", "req.set_bits(PATTERN)", ns, note="bitmap, one ioctl")
        runner.python(GROUP, put, "linuxhw set_values()", "variant", "req.set_values(VALUES)", ns,
                      note="{line: value} dict")  # fmt: skip
    if gpiod is not None:
        config = {tuple(range(LINES)): gpiod.LineSettings(direction=gpiod.line.Direction.OUTPUT)}
        with gpiod.request_lines(chip.path, consumer="bench", config=config) as req:
            value = gpiod.line.Value
            ns = {
                "req": req,
                "VALUES": {i: value.ACTIVE if (PATTERN >> i) & 1 else value.INACTIVE for i in range(LINES)},
            }
            runner.python(GROUP, get, "gpiod", "peer", "req.get_values()", ns)
            runner.python(GROUP, put, "gpiod", "peer", "req.set_values(VALUES)", ns)
    else:
        for op in (get, put):
            runner.skip(GROUP, op, "gpiod", "peer", gpiod_missing)
    if periphery is not None:
        lines = [periphery.GPIO(chip.path, i, "out") for i in range(LINES)]
        try:
            ns = {"lines": lines, "pairs": [(line, bool((PATTERN >> i) & 1)) for i, line in enumerate(lines)]}
            note = f"one line per object: {LINES} ioctls"
            runner.python(GROUP, get, "periphery", "peer", "for line in lines: line.read()", ns, note=note)
            runner.python(GROUP, put, "periphery", "peer", "for line, v in pairs: line.write(v)", ns, note=note)
        finally:
            for line in lines:
                line.close()
    else:
        for op in (get, put):
            runner.skip(GROUP, op, "periphery", "peer", periphery_missing)
    runner.floor(GROUP, get, "gpio", [chip.path, "get64", runner.target_ms, runner.settings.repeats])
    runner.floor(GROUP, put, "gpio", [chip.path, "set64", runner.target_ms, runner.settings.repeats])


def reconfigure(runner: Runner, chip: Chip, gpiod: Any, gpiod_missing: str, periphery: Any,
                periphery_missing: str) -> None:  # fmt: skip
    op = "reconfigure"
    note = "line 0: output, then input again (2 operations)"
    with gpio.request_lines(chip.path, {0: IN}, consumer="bench") as req:
        ns = {"req": req, "TO_OUT": {0: OUT}, "TO_IN": {0: IN}}
        runner.python(GROUP, op, LINUXHW, "linuxhw", "req.reconfigure(TO_OUT); req.reconfigure(TO_IN)", ns, per=2,
                      note=note)  # fmt: skip
    if gpiod is not None:
        settings, direction = gpiod.LineSettings, gpiod.line.Direction
        with gpiod.request_lines(chip.path, consumer="bench", config={0: settings(direction=direction.INPUT)}) as req:
            ns = {"req": req, "TO_OUT": {0: settings(direction=direction.OUTPUT)},
                  "TO_IN": {0: settings(direction=direction.INPUT)}}  # fmt: skip
            runner.python(GROUP, op, "gpiod", "peer", "req.reconfigure_lines(TO_OUT); req.reconfigure_lines(TO_IN)",
                          ns, per=2, note=note)  # fmt: skip
    else:
        runner.skip(GROUP, op, "gpiod", "peer", gpiod_missing)
    if periphery is not None:
        with periphery.GPIO(chip.path, 0, "in") as line:
            runner.python(GROUP, op, "periphery", "peer", "line.direction = 'out'; line.direction = 'in'",
                          {"line": line}, per=2, note="periphery releases and requests the line again")  # fmt: skip
    else:
        runner.skip(GROUP, op, "periphery", "peer", periphery_missing)
    runner.floor(GROUP, op, "gpio", [chip.path, "reconfigure", runner.target_ms, runner.settings.repeats])


def edge_events(runner: Runner, chip: Chip, gpiod: Any, gpiod_missing: str, periphery: Any,
                periphery_missing: str) -> None:  # fmt: skip
    events, repeats = runner.settings.events, runner.settings.repeats
    settle = 0.05 if runner.floors is not None else 0.0
    unit = "µs/event"

    def linuxhw_drain(max_events: int | None) -> list[float]:
        with gpio.request_lines(chip.path, {0: EDGES}, consumer="bench", event_buffer_size=events) as req:
            return drain(chip, settle, events, repeats, events, req.fileno(), req.read_edge_events, (max_events, 0))

    runner.measure(GROUP, BATCH, LINUXHW, "linuxhw", lambda: linuxhw_drain(None), unit)
    runner.measure(GROUP, SINGLE, LINUXHW, "linuxhw", lambda: linuxhw_drain(1), unit)
    if gpiod is not None:

        def gpiod_drain(max_events: int | None) -> list[float]:
            edge = gpiod.line.Edge.BOTH
            config = {0: gpiod.LineSettings(direction=gpiod.line.Direction.INPUT, edge_detection=edge)}
            with gpiod.request_lines(chip.path, consumer="bench", config=config, event_buffer_size=events) as req:
                return drain(chip, settle, events, repeats, events, req.fd, req.read_edge_events, (max_events,))

        runner.measure(GROUP, BATCH, "gpiod", "peer", lambda: gpiod_drain(None), unit,
                       note="gpiod's default read buffer (64 events)")  # fmt: skip
        runner.measure(GROUP, SINGLE, "gpiod", "peer", lambda: gpiod_drain(1), unit)
    else:
        for op in (BATCH, SINGLE):
            runner.skip(GROUP, op, "gpiod", "peer", gpiod_missing)
    if periphery is not None:
        runner.na(GROUP, BATCH, "periphery", "peer", "periphery reads one event per read()")

        def periphery_drain() -> list[float]:
            with periphery.GPIO(chip.path, 0, "in", edge="both") as line:
                return drain(chip, settle, events, repeats, PERIPHERY_EVENT_BUFFER, line.fd, line.read_event,
                             one_each=True)  # fmt: skip

        runner.measure(GROUP, SINGLE, "periphery", "peer", periphery_drain, unit,
                       note=f"its kernel buffer holds {PERIPHERY_EVENT_BUFFER} events")  # fmt: skip
    else:
        for op in (BATCH, SINGLE):
            runner.skip(GROUP, op, "periphery", "peer", periphery_missing)
    for op, name in ((BATCH, "drain-batch"), (SINGLE, "drain-single")):
        if chip.pull_attr is None:
            runner.floor(GROUP, op, "gpio", [], unit)  # skipped on the mock
        else:
            runner.floor(GROUP, op, "gpio", [chip.path, name, 0, repeats, chip.pull_attr, events], unit)
