"""GPIO peripheral models: wired parts hear the program's outputs and answer with timed edges whose
event timestamps are the modelled times (no polling thread: the timeline sleeps until the next)."""

from __future__ import annotations

import threading
import time

import pytest

from linuxhw import gpio, mock
from linuxhw.gpio import Clock, Direction, Edge, EdgeType, LineSettings
from linuxhw.mock.hcsr04 import BURST_NS, NO_ECHO_NS, speed_of_sound
from tests.waiting import DEADLINE, read_edge_events

INPUT_BOTH = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)
OUTPUT = LineSettings(direction=Direction.OUTPUT)


class Follower(mock.GpioPeripheral):
    """Copies ``a`` to ``b`` inverted, 2 ms later: the smallest part that answers."""

    watches = ("a",)
    drives = ("b",)

    def __init__(self) -> None:
        self.heard: list[tuple[int, int]] = []

    def wired(self) -> None:
        self.drive("b", 1)

    def pin_changed(self, pin: str, level: int, time_ns: int) -> None:
        self.heard.append((level, time_ns))
        self.drive("b", 1 - level, time_ns + 2_000_000)


def _board() -> tuple[mock.Board, mock.MockGpioChip]:
    board = mock.Board()
    return board, board.add_gpio_chip(8, label="soc", names=[f"GPIO{i}" for i in range(8)])


def test_a_part_answers_with_timed_edges() -> None:
    board, soc = _board()
    part = soc.attach(Follower(), a="GPIO1", b=2)
    assert soc.get_value(2) == 1  # its idle level, driven when wired
    with gpio.request_lines("soc", {1: OUTPUT, 2: INPUT_BOTH}, backend=board) as req:
        req.set_value(1, 1)
        req.set_value(1, 0)
        falling, rising = read_edge_events(req, 2)
    (high, raised), (low, lowered) = part.heard
    assert (high, low) == (1, 0)
    assert (falling.type, rising.type) == (EdgeType.FALLING, EdgeType.RISING)
    assert falling.timestamp_ns - raised == 2_000_000 and rising.timestamp_ns - lowered == 2_000_000
    assert soc.get_value(2) == 1


def test_realtime_timestamps_tell_the_same_times() -> None:
    board, soc = _board()
    part = soc.attach(Follower(), a=1, b=2)
    settings = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH, event_clock=Clock.REALTIME)
    with gpio.request_lines("soc", {1: OUTPUT, 2: settings}, backend=board) as req:
        req.set_value(1, 1)
        req.set_value(1, 0)
        first, second = read_edge_events(req, 2)
    assert second.timestamp_ns - first.timestamp_ns == part.heard[1][1] - part.heard[0][1]


def test_wiring_is_checked() -> None:
    _, soc = _board()
    with pytest.raises(ValueError, match=r"Follower has no pin 'c': its pins are \['a', 'b'\]"):
        soc.attach(Follower(), c=1)
    with pytest.raises(ValueError, match="soc has no line named 'GPIO9'"):
        soc.attach(Follower(), a="GPIO9")
    with pytest.raises(ValueError, match=r"offset must be 0\.\.7"):
        soc.attach(Follower(), a=8)
    part = soc.attach(Follower(), a=1)
    with pytest.raises(ValueError, match="already wired"):
        soc.attach(part, a=3)


class OpenDrain(mock.GpioPeripheral):
    drives = ("irq",)


def test_a_driven_line_beats_the_requested_pull_and_lets_go_to_it() -> None:
    board, soc = _board()
    part = soc.attach(OpenDrain(), irq=5)
    part.drive("irq", 0)
    pulled_up = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH, bias=gpio.Bias.PULL_UP)
    with gpio.request_lines("soc", {5: pulled_up}, backend=board) as req:
        assert req.get_value(5) == 0
        part.drive("irq", None)
        assert req.get_value(5) == 1 and read_edge_events(req, 1)[0].type is EdgeType.RISING


def test_hcsr04_echo_is_the_round_trip() -> None:
    board, soc = _board()
    ranger = soc.attach(mock.Hcsr04(distance=0.5, temperature=20.0), trigger=3, echo=4)
    with gpio.request_lines("soc", {3: OUTPUT, 4: INPUT_BOTH}, backend=board) as req:
        for distance in (0.5, 2.0, None):
            ranger.distance = distance
            board.wait_for(lambda: board.timeline.pending() == 0, "the ranger idle")
            req.set_value(3, 1)
            threading.Event().wait(20e-6)  # the trigger pulse: at least 10 µs high
            req.set_value(3, 0)
            rise, fall = read_edge_events(req, 2)
            assert (rise.type, fall.type) == (EdgeType.RISING, EdgeType.FALLING)
            width = fall.timestamp_ns - rise.timestamp_ns
            expected = NO_ECHO_NS if distance is None else round(2 * distance / speed_of_sound(20.0) * 1e9)
            assert width == expected
    assert ranger.measurements == 3
    assert speed_of_sound(20.0) == pytest.approx(343.2, abs=0.05)


def test_hcsr04_ignores_short_and_overlapping_triggers() -> None:
    """The model's own rules, on made-up times: under 10 µs is no trigger; a trigger while echo is
    out is ignored; the echo rises one 8-cycle burst after the trigger falls."""
    _, soc = _board()
    ranger = soc.attach(mock.Hcsr04(distance=1.0), trigger=3, echo=4)
    t0 = time.monotonic_ns()  # its echo is then scheduled in the next milliseconds
    ranger.pin_changed("trigger", 1, t0)
    ranger.pin_changed("trigger", 0, t0 + 9_999)
    assert ranger.measurements == 0
    ranger.pin_changed("trigger", 1, t0 + 100_000)
    ranger.pin_changed("trigger", 0, t0 + 110_000)
    ranger.pin_changed("trigger", 1, t0 + 1_000_000)  # echo still out (1 m: 5.8 ms)
    ranger.pin_changed("trigger", 0, t0 + 1_010_000)
    assert ranger.measurements == 1
    assert ranger._busy_until == t0 + 110_000 + BURST_NS + ranger.echo_width_ns()


def test_the_timeline_thread_ends_when_nothing_is_due() -> None:
    board, soc = _board()
    part = soc.attach(Follower(), a=1, b=2)
    with gpio.request_lines("soc", {1: OUTPUT}, backend=board) as req:
        req.set_value(1, 1)
        board.wait_for(lambda: soc.get_value(2) == 0, "the answer")
    assert part.heard
    pause = threading.Event()
    deadline = time.monotonic() + DEADLINE
    while board.timeline.running() and time.monotonic() < deadline:
        pause.wait(0.01)
    assert not board.timeline.running() and board.timeline.pending() == 0
    scheduled = board.timeline.at(0, lambda due: None)
    scheduled.cancel()
    assert scheduled.cancelled
