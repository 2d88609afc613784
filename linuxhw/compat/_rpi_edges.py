"""RPi.GPIO's edge detection over the kernel's edge events: the per-channel record and the one thread.

RPi.GPIO keeps one record per channel with edge detection (event_gpio.c's ``struct gpios``): the
edge, the bouncetime, when the last edge was taken, whether the background thread watches it, and
its callbacks. It outlives a ``wait_for_edge()`` (so a second wait honours the bouncetime of the
first) until ``remove_event_detect()`` or ``cleanup()``. Its bouncetime is a lockout: an edge less
than ``bouncetime`` ms after the last one taken is ignored; here that is timed by the kernel's
event timestamps, not by when a thread got to look.

As in RPi.GPIO, one thread serves every channel, so callbacks run one at a time, in the order the
edges happened: :class:`EdgeThread` polls the line requests' fds and hands their events on.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from collections.abc import Sequence
from typing import Callable

from linuxhw.gpio import EdgeEvent, EdgeType, LineRequest

__all__ = ["Detection", "EdgeThread", "Waiter"]

RISING, FALLING, BOTH = 31, 32, 33  # RPi.GPIO's edge constants
_TYPES = {RISING: {EdgeType.RISING}, FALLING: {EdgeType.FALLING}, BOTH: {EdgeType.RISING, EdgeType.FALLING}}


class Waiter:
    """One ``wait_for_edge()`` call: woken by the first edge taken at or after ``since_ns``."""

    def __init__(self) -> None:
        self.since_ns = time.monotonic_ns()
        self.woken = threading.Event()


class Detection:
    """The edge detection record of one channel (see the module docstring)."""

    def __init__(self, channel: int, edge: int, bouncetime: int | None) -> None:
        self.channel = channel  # as the user numbered it: what callbacks are given
        self.edge = edge
        self.bouncetime = bouncetime  # ms, or None
        self.last_ns: int | None = None
        self.watched = False  # add_event_detect() has put it on the thread
        self.callbacks: list[Callable[[int], object]] = []
        self.detected = False  # event_detected()'s flag
        self.waiters: list[Waiter] = []
        self.active = True  # False once removed (remove_event_detect, cleanup, set up as an output)

    @property
    def listening(self) -> bool:
        """Whether anything takes this channel's edges now (else the kernel need not report them)."""
        return self.watched or bool(self.waiters)

    def take(self, event: EdgeEvent) -> bool:
        """Whether an edge counts (its kind, and the bouncetime after the last one taken); records it."""
        if event.type not in _TYPES[self.edge]:
            return False  # reported under a previous edge setting
        stamp = event.timestamp_ns
        if self.bouncetime is not None and self.last_ns is not None and stamp - self.last_ns <= self.bouncetime * 1e6:
            return False
        self.last_ns = stamp
        for waiter in self.waiters:
            if stamp >= waiter.since_ns:
                waiter.woken.set()
        if self.watched:
            self.detected = True
        return self.watched


Source = tuple[LineRequest, Detection]


class EdgeThread:
    """The thread reading the edge events of every watched line request, handing each request's
    events to ``deliver(detection, events)`` in the order they come.

    ``update()`` gives it the requests to watch; a caller about to close one of them calls
    ``settle()`` first, which returns once the thread has stopped using the ones no longer given
    (at once on the thread itself, as from a callback)."""

    def __init__(self, deliver: Callable[[Detection, list[EdgeEvent]], None]) -> None:
        self._deliver = deliver
        self._sources: Sequence[Source] = ()
        self._changed = threading.Condition()
        self._generation = self._seen = 0
        self._stopping = False
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self._thread = threading.Thread(target=self._run, daemon=True, name="RPi.GPIO edges")
        self._thread.start()

    def update(self, sources: Sequence[Source]) -> None:
        """Watch these requests (and no others) from now on."""
        with self._changed:
            self._sources = tuple(sources)
            self._generation += 1
        os.write(self._wake_write, b"x")

    def settle(self) -> None:
        """Return once the thread polls only what the last update() gave it."""
        if threading.current_thread() is self._thread:
            return
        with self._changed:
            target = self._generation
            self._changed.wait_for(lambda: self._seen >= target or not self._thread.is_alive())

    def stop(self) -> None:
        """End the thread (joined, unless called on it) and close its wake-up pipe."""
        with self._changed:
            self._stopping = True
            self._generation += 1
        os.write(self._wake_write, b"x")
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def _run(self) -> None:
        try:
            generation = -1
            by_fd: dict[int, Source] = {}
            while True:
                with self._changed:
                    if self._stopping:
                        return
                    if generation != self._generation:  # new sources: poll them from now on
                        generation = self._seen = self._generation
                        by_fd = {source[0].fileno(): source for source in self._sources}
                        self._changed.notify_all()
                readable, _, _ = select.select([self._wake_read, *by_fd], [], [])
                if self._wake_read in readable:
                    self._drain_wake()
                    continue  # look at the sources again before reading anything
                for fd in readable:
                    request, detection = by_fd[fd]
                    try:
                        events = request.read_edge_events(timeout=0)
                    except (OSError, ValueError) as exc:  # its chip went away: poll it no more
                        del by_fd[fd]
                        print(f"RPi.GPIO: edge detection on channel {detection.channel} ended: {exc}", file=sys.stderr)
                        continue
                    self._deliver(detection, events)
                    if self._generation != generation:
                        break  # a callback changed the sources (or stopped the thread): look again
        finally:
            with self._changed:
                self._seen = self._generation
                self._changed.notify_all()
            os.close(self._wake_read)
            os.close(self._wake_write)

    def _drain_wake(self) -> None:
        try:
            while os.read(self._wake_read, 512):
                pass
        except BlockingIOError:
            pass
