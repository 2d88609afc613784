"""Real signals while the main thread is blocked in a GPIO wait: a handler that returns lets the call go
on (it returns what comes next, as if nothing happened: the poll() is made again with the time left),
and a handler that raises (Ctrl-C's KeyboardInterrupt) ends the call at once, the request still usable.
The signal is sent once the main thread is seen blocked in the kernel, never after a guessed delay."""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

import pytest

from linuxhw import gpio
from linuxhw.gpio import Direction, Edge, EdgeType, LineSettings
from tests.conftest import GpioSimulator, SimChip
from tests.threads import signal_when_blocked
from tests.waiting import DEADLINE

EDGES = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)
# Each wait: (what blocks, what makes it return, what it then returned must be). The chip watches line 1
# and the request has line 0 with edge detection.
Wait = Callable[[gpio.LineRequest, gpio.Chip], Any]
WAITS: dict[str, Wait] = {
    "read_edge_events": lambda req, chip: req.read_edge_events(timeout=DEADLINE),
    "wait_edge_events": lambda req, chip: req.wait_edge_events(DEADLINE),
    "edge_events": lambda req, chip: next(iter(req.edge_events(DEADLINE))),
    "read_info_event": lambda req, chip: chip.read_info_event(DEADLINE),
}


def _wake(sim: GpioSimulator, chip: SimChip, name: str) -> Callable[[], None]:
    """What ends the wait: an edge on line 0, or (an info watch) a request of line 1."""
    if name == "read_info_event":
        return lambda: gpio.request_lines(sim.path(chip), {1: LineSettings()}).close()
    return lambda: chip.set_pull(0, 1)


@pytest.mark.parametrize("name", WAITS)
def test_a_handler_that_returns_lets_the_wait_go_on(sim: GpioSimulator, name: str) -> None:
    chip = sim.add_chip(2)
    handled: list[int] = []
    with gpio.Chip(sim.path(chip)) as watcher, gpio.request_lines(sim.path(chip), {0: EDGES}) as req:
        watcher.watch_line_info(1)
        record = lambda signum, frame: handled.append(signum)  # noqa: E731
        with signal_when_blocked(signal.SIGUSR1, record, name, _wake(sim, chip, name)):
            result = WAITS[name](req, watcher)
        assert handled == [signal.SIGUSR1]
        if name == "read_info_event":
            assert result is not None and result.info.offset == 1 and result.info.used
        elif name == "wait_edge_events":
            assert result is True
            assert [e.type for e in req.read_edge_events()] == [EdgeType.RISING]
        else:
            events = result if isinstance(result, list) else [result]
            assert [e.type for e in events] == [EdgeType.RISING]
        assert req._gate.busy == 0 and watcher._gate.busy == 0


@pytest.mark.parametrize("name", WAITS)
def test_ctrl_c_interrupts_the_wait(sim: GpioSimulator, name: str) -> None:
    """SIGINT with Python's default handler: KeyboardInterrupt out of the wait, nothing read or lost,
    and the request and chip work on."""
    chip = sim.add_chip(2)
    with gpio.Chip(sim.path(chip)) as watcher, gpio.request_lines(sim.path(chip), {0: EDGES}) as req:
        watcher.watch_line_info(1)
        with signal_when_blocked(signal.SIGINT, signal.default_int_handler, name), pytest.raises(KeyboardInterrupt):
            WAITS[name](req, watcher)
        assert req._gate.busy == 0 and watcher._gate.busy == 0
        _wake(sim, chip, name)()
        assert WAITS[name](req, watcher)  # the wait works on
