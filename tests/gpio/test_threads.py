"""Threads sharing one line request or chip: every answer right, no deadlock, no fd left open; close()
from another thread wakes each kind of blocked wait with ClosedError."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from linuxhw import ClosedError, gpio, mock
from linuxhw.gpio import Direction, Edge, EdgeType, LineSettings
from tests.conftest import GpioSimulator
from tests.threads import close_amid_calls, no_fd_leak, run_together, wait_blocked
from tests.waiting import DEADLINE

OUT = LineSettings(direction=Direction.OUTPUT)
IN = LineSettings(direction=Direction.INPUT)
EDGES = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)
SETTERS, EDGE_LINE, SWITCHED = (0, 1, 2), 3, 4
ROUNDS = 60  # per worker: modest, the kernel tier runs on one emulated CPU


def test_threads_share_one_request(sim: GpioSimulator) -> None:
    """Setters (each on its own output), an edge reader with the thread driving its edges, a reader
    of all values and a reconfiguring thread, all on one request. reconfigure() rewrites every
    output with the value it read just before (the kernel takes a whole configuration), so a
    set_value() racing it could be undone: the setters and it take turns, as the README says."""
    chip = sim.add_chip(6)
    turns = {line: threading.Lock() for line in SETTERS}
    with no_fd_leak(), gpio.request_lines(sim.path(chip), {SETTERS: OUT, EDGE_LINE: EDGES, SWITCHED: IN, 5: IN}) as req:

        def setter(line: int) -> Callable[[], None]:
            def work() -> None:
                for i in range(ROUNDS):
                    with turns[line]:
                        req.set_value(line, i & 1)
                        assert req.get_value(line) == i & 1, f"line {line} round {i}"
                        assert chip.get_value(line) == i & 1, f"line {line} round {i}: the wire"

            return work

        def drive_edges() -> None:
            for i in range(ROUNDS):
                chip.set_pull(EDGE_LINE, (i + 1) & 1)

        def read_edges() -> None:
            events: list[gpio.EdgeEvent] = []
            while len(events) < ROUNDS:
                events += req.read_edge_events(timeout=30)
                assert events, "no edge event within 30 s"
            assert [e.line_seqno for e in events] == list(range(1, ROUNDS + 1))
            assert [e.type for e in events] == [EdgeType.RISING, EdgeType.FALLING] * (ROUNDS // 2)
            assert {e.line_offset for e in events} == {EDGE_LINE}

        def read_all() -> None:
            for _ in range(ROUNDS):
                assert len(req.get_values()) == 6
                assert req.get_value(5) == 0  # an input nobody drives: gpio-sim's default pull-down

        def reconfigure() -> None:
            for i in range(ROUNDS // 2):
                value = i & 1
                for lock in turns.values():
                    lock.acquire()
                try:
                    req.reconfigure({SWITCHED: OUT}, output_values={SWITCHED: value})
                    assert req.get_value(SWITCHED) == value
                    req.reconfigure({SWITCHED: IN})
                finally:
                    for lock in turns.values():
                        lock.release()

        workers: dict[str, Callable[[], object]] = {f"setter {line}": setter(line) for line in SETTERS}
        workers.update(edges=drive_edges, edge_reader=read_edges, values=read_all, reconfigure=reconfigure)
        run_together(workers)
        assert req.lost_events == 0


def test_threads_share_one_chip(sim: GpioSimulator) -> None:
    """Line info of different lines read side by side on one chip (each call its own struct) while
    another thread requests and releases a line through the same chip."""
    chip = sim.add_chip(8, names={k: f"line-{k}" for k in range(8)})
    with no_fd_leak(), gpio.Chip(sim.path(chip)) as shared:

        def info(offset: int) -> Callable[[], None]:
            def work() -> None:
                for _ in range(ROUNDS):
                    line = shared.line_info(offset)
                    assert (line.offset, line.name) == (offset, f"line-{offset}")

            return work

        def request() -> None:
            for i in range(ROUNDS // 2):
                with shared.request_lines({7: OUT}, consumer=f"round-{i}") as req:
                    assert req.offsets == (7,)

        run_together({**{f"info {k}": info(k) for k in range(4)}, "request": request})


def _blocked_then_closed(
    handle: Any, call: Callable[[], object], what: str, expected: type[object] = ClosedError
) -> None:
    """Run ``call`` in a thread, wait until it is blocked in the kernel, close the handle from here:
    the call must end with ``expected`` (ClosedError), promptly."""
    outcome: list[BaseException | object] = []
    ident: list[int] = []
    started = threading.Event()

    def run() -> None:
        ident.append(threading.get_native_id())
        started.set()
        try:
            outcome.append(call())
        except BaseException as exc:  # checked below
            outcome.append(exc)

    thread = threading.Thread(target=run, name=what, daemon=True)
    thread.start()
    assert started.wait(30), f"{what}: the thread did not start"
    wait_blocked(ident[0], what)
    handle.close()
    thread.join(30)
    assert not thread.is_alive(), f"{what} was not woken by close() within 30 s"
    assert len(outcome) == 1 and isinstance(outcome[0], expected), f"{what} ended with {outcome!r}"


@pytest.mark.parametrize(
    "call",
    [
        lambda req: req.read_edge_events(),
        lambda req: req.wait_edge_events(),
        lambda req: list(req.edge_events()),
        lambda req: req.read_edge_events(timeout=600),
    ],
    ids=["read_edge_events", "wait_edge_events", "edge_events", "read_edge_events_timeout"],
)
def test_close_wakes_a_blocked_edge_wait(sim: GpioSimulator, call: Callable[[gpio.LineRequest], object]) -> None:
    chip = sim.add_chip(2)
    with no_fd_leak():
        req = gpio.request_lines(sim.path(chip), {0: EDGES})
        _blocked_then_closed(req, lambda: call(req), "the edge wait")
        with pytest.raises(ClosedError):
            req.read_edge_events(timeout=0)


def test_close_wakes_a_blocked_info_watch(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with no_fd_leak():
        handle = gpio.Chip(sim.path(chip))
        handle.watch_line_info(0)
        _blocked_then_closed(handle, handle.read_info_event, "read_info_event")


def test_close_from_another_thread_wakes_an_awaited_edge_event(sim: GpioSimulator) -> None:
    """The loop's thread awaits wait_edge_event() (and an ``async for``) while another thread closes
    the request: both raise ClosedError in the loop."""
    chip = sim.add_chip(2)

    async def both(req: gpio.LineRequest) -> list[BaseException]:
        async def stream() -> None:
            async for _ in req.edge_events():
                raise AssertionError("no edge was driven")

        results = await asyncio.gather(req.wait_edge_event(), stream(), return_exceptions=True)
        return [r for r in results if isinstance(r, BaseException)]

    with no_fd_leak():
        req = gpio.request_lines(sim.path(chip), {0: EDGES})
        errors: list[BaseException] = []
        _blocked_then_closed(req, lambda: errors.extend(asyncio.run(both(req))), "the awaiting loop", object)
        assert len(errors) == 2 and all(isinstance(e, ClosedError) for e in errors), errors


def test_close_while_calls_run_keeps_the_fd_until_they_left(sim: GpioSimulator) -> None:
    """close() from one thread while others hammer get/set: each call either answers right or raises
    ClosedError, and the fd is closed once (no call ever reaches a reused number; nothing leaks)."""
    chip = sim.add_chip(4)
    with no_fd_leak():
        req = gpio.request_lines(sim.path(chip), {(0, 1): OUT, (2, 3): IN})

        def toggle(line: int) -> Callable[[], None]:
            def call() -> None:
                value = req.get_value(line) ^ 1
                req.set_value(line, value)
                assert req.get_value(line) == value
                assert len(req.get_values()) == 4

            return call

        close_amid_calls(req, {"line 0": toggle(0), "line 1": toggle(1)}, ROUNDS)


class _TellingLock:
    """A request's read_lock that says when a thread other than its holder asks for it."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock
        self.asked = threading.Event()

    def acquire(self, blocking: bool = True) -> bool:
        if threading.current_thread().name == "second reader":
            self.asked.set()
        return bool(self._lock.acquire(blocking))

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def test_a_read_and_its_decoding_are_not_split_by_another_threads_read() -> None:
    """Thread A has read its event but not decoded it when thread B reads: B waits for A, each gets
    its own event and none counts as lost (both once shared one buffer: A returned B's event). On the
    mock, whose reads run in Python, the moment between read() and decoding is reachable; the kernel
    backend's C read takes the same lock (the threads above share requests on both tiers)."""
    board = mock.Board()
    chip = board.add_gpio_chip(2)
    request = gpio.request_lines(
        f"/dev/{chip.chip_name}", {0: LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)}, backend=board
    )
    chip.set_pull(0, 1)
    chip.set_pull(0, 0)  # seqno 1 and 2 queued
    reader = request._events
    lock = reader.read_lock = _TellingLock(reader.read_lock)  # type: ignore[assignment]
    decode = reader._decode
    got: dict[str, list[int]] = {}

    def read_one(name: str) -> None:
        try:
            got[name] = [event.line_seqno for event in request.read_edge_events(1)]
        finally:
            lock.asked.set()  # a second reader that never waited for the lock is done: go on too

    second = threading.Thread(target=read_one, args=("second reader",), name="second reader")

    def decode_once_the_second_reader_asked(buffer: Any, count: int) -> Any:
        if threading.current_thread() is not second:  # the first reader, between its read() and decoding
            second.start()
            assert lock.asked.wait(DEADLINE), "the second reader neither asked for the read lock nor finished"
        return decode(buffer, count)

    reader._decode = decode_once_the_second_reader_asked
    try:
        read_one("first reader")
        second.join(DEADLINE)
        assert not second.is_alive(), "the second reader never finished"
        assert got == {"first reader": [1], "second reader": [2]}
        assert request.lost_events == 0
    finally:
        request.close()
