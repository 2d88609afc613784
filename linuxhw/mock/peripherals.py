"""Parts wired to mock GPIO lines: a model hears when a line it watches changes level (the program
drove an output), and answers by driving lines, now or at chosen times, through the chip's own
edge-event machinery. Edge events it causes carry the modelled times as their timestamps, so a
program measuring a pulse (an ultrasonic ranger's echo) reads the modelled width however late the
board got round to it. No thread polls: one timer per board sleeps until the next scheduled edge.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from linuxhw.mock.board import Board
    from linuxhw.mock.gpio import MockGpioChip

__all__ = ["GpioPeripheral", "PeripheralPins", "Scheduled", "Timeline"]


class Scheduled:
    """Something a timeline will do at ``time_ns``; ``cancel()`` takes it back if it has not run."""

    def __init__(self, time_ns: int, action: Callable[[int], None]) -> None:
        self.time_ns = time_ns
        self.action = action
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Timeline:
    """A board's modelled future: actions run at their CLOCK_MONOTONIC times, in time order, under the
    board lock, each told the time it was due at (then the board's observers and ``wait_for`` look).
    One thread sleeps until the next is due and ends when nothing is left; when it wakes late, what
    was due runs at once, still with its own time."""

    def __init__(self, board: Board) -> None:
        self._board = board
        self._wake = threading.Condition(threading.Lock())
        self._due: list[tuple[int, int, Scheduled]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def at(self, time_ns: int, action: Callable[[int], None]) -> Scheduled:
        """Run ``action(time_ns)`` at ``time_ns`` (monotonic ns; a time already past runs at once)."""
        entry = Scheduled(time_ns, action)
        with self._wake:
            heapq.heappush(self._due, (time_ns, next(self._order), entry))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mock board timeline", daemon=True)
                self._thread.start()
            self._wake.notify()
        return entry

    def pending(self) -> int:
        """How many actions are still to run (cancelled ones included until their time)."""
        with self._wake:
            return len(self._due)

    def running(self) -> bool:
        """Whether its thread is up (it is only while something is still to run)."""
        with self._wake:
            return self._thread is not None

    def _next(self) -> Scheduled | None:
        with self._wake:
            while self._due:
                due_ns = self._due[0][0]
                now = time.monotonic_ns()
                if due_ns <= now:
                    return heapq.heappop(self._due)[2]
                self._wake.wait((due_ns - now) / 1e9)
            self._thread = None
            return None

    def _run(self) -> None:
        while True:
            entry = self._next()
            if entry is None:
                return
            with self._board.lock:
                if not entry.cancelled:
                    entry.action(entry.time_ns)
                    self._board._state_changed()  # wires follow, and board.wait_for() looks again


class PeripheralPins:
    """A part's pins as wired to one mock GPIO chip: what the part reads and drives them through."""

    def __init__(self, chip: MockGpioChip, offsets: Mapping[str, int]) -> None:
        self.chip = chip
        self.offsets = dict(offsets)

    def now_ns(self) -> int:
        """CLOCK_MONOTONIC in ns: the clock of edge-event timestamps and of ``at_ns``."""
        return time.monotonic_ns()

    def level(self, pin: str) -> int:
        """The physical level of the line the pin is wired to."""
        return self.chip.get_value(self.offsets[pin])

    def drive(self, pin: str, level: int | None, at_ns: int | None = None) -> Scheduled | None:
        """Drive the pin's line to ``level`` (None: let go, as an open-drain output does), now or at
        ``at_ns``. An unwired pin drives nothing."""
        offset = self.offsets.get(pin)
        if offset is None:
            return None
        if at_ns is None:
            with self.chip.board.lock:
                self.chip.drive_from_outside(offset, level, time.monotonic_ns())
                self.chip.board._state_changed()  # wires follow, and board.wait_for() looks again
            return None
        return self.chip.board.timeline.at(at_ns, lambda due: self.chip.drive_from_outside(offset, level, due))

    def call_at(self, at_ns: int, action: Callable[[int], None]) -> Scheduled:
        """Run ``action(time_ns)`` at ``at_ns`` under the board lock (a conversion completing, ...)."""
        return self.chip.board.timeline.at(at_ns, action)


class GpioPeripheral:
    """Base for a part wired to mock GPIO lines: ``MockGpioChip.attach(part, pin=line, ...)`` wires
    its pins, named in ``watches`` (lines it hears: the program's outputs into it) and ``drives``
    (lines it drives: the program's inputs). Wired pins are ``self.pins``.

    ``pin_changed`` is called under the board lock as the program changes a watched line, with the
    time of the change: answer through ``self.pins.drive(...)`` (now or at a time) and never block.
    """

    watches: ClassVar[tuple[str, ...]] = ()
    drives: ClassVar[tuple[str, ...]] = ()
    pins: PeripheralPins | None = None

    def wired(self) -> None:
        """The pins were just wired (``self.pins`` is set): drive their idle levels here."""

    def pin_changed(self, pin: str, level: int, time_ns: int) -> None:
        """A watched pin went to ``level`` at ``time_ns`` (CLOCK_MONOTONIC)."""

    def drive(self, pin: str, level: int | None, at_ns: int | None = None) -> None:
        """Drive one of ``drives`` (no-op until wired, or when that pin is not)."""
        if self.pins is not None:
            self.pins.drive(pin, level, at_ns)
