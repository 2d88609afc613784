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

import contextlib
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
    """One ``wait_for_edge()`` call: woken by the first edge taken at or after ``since_ns`` (``taken``),
    or by the end of the channel's detection."""

    def __init__(self) -> None:
        self.since_ns = time.monotonic_ns()
        self.woken = threading.Event()
        self.taken = False


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
        self.ends_ns: int | None = None  # once removed: the edges after this time are not taken

    def end(self, at_ns: int) -> None:
        """Remove the record (remove_event_detect, cleanup, set up as an output): the edges up to
        ``at_ns`` are still taken, from events the thread has yet to read; waits return None."""
        self.ends_ns = at_ns
        for waiter in self.waiters:
            waiter.woken.set()

    @property
    def listening(self) -> bool:
        """Whether anything takes this channel's edges now (else the kernel need not report them)."""
        return self.watched or bool(self.waiters)

    def take(self, event: EdgeEvent) -> bool:
        """Whether an edge counts (its kind, and the bouncetime after the last one taken); records it."""
        stamp = event.timestamp_ns
        if event.type not in _TYPES[self.edge] or (self.ends_ns is not None and stamp > self.ends_ns):
            return False  # reported under a previous edge setting, or after the record ended
        if self.bouncetime is not None and self.last_ns is not None and stamp - self.last_ns <= self.bouncetime * 1e6:
            return False
        self.last_ns = stamp
        for waiter in self.waiters:
            if stamp >= waiter.since_ns and not waiter.woken.is_set():
                waiter.taken = True
                waiter.woken.set()
        if self.watched:
            self.detected = True
        return self.watched


Source = tuple[LineRequest, Detection]


class EdgeThread:
    """The thread reading the edge events of every watched line request, handing each request's
    events to ``deliver(detection, events)`` in the order they come.

    ``update()`` gives it the requests to watch; ``settle()`` returns once the thread has read what the
    requests it was watching before held (their edges until then are delivered) and polls only the
    ones given now (at once on the thread itself, as from a callback), so a caller may then close the
    others."""

    def __init__(self, deliver: Callable[[Detection, list[EdgeEvent]], None]) -> None:
        self._deliver = deliver
        self._sources: Sequence[Source] = ()
        self._leaving: list[Source] = []  # no longer watched, still to be read to the end of their edges
        self._changed = threading.Condition()
        self._generation = self._seen = 0
        self._stopping = False
        self._closed = False  # the thread has ended and closed its wake-up pipe
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._thread = threading.Thread(target=self._run, daemon=True, name="RPi.GPIO edges")
        self._thread.start()

    def update(self, sources: Sequence[Source]) -> None:
        """Watch these requests (and no others) from now on; what the others hold is read first."""
        with self._changed:
            self._leaving += [source for source in self._sources if source not in sources]
            self._sources = tuple(sources)
        self._wake()

    def settle(self) -> None:
        """Return once the thread polls only what the last update() gave it."""
        if threading.current_thread() is self._thread:
            return
        with self._changed:
            target = self._generation
            self._changed.wait_for(lambda: self._seen >= target or not self._thread.is_alive())

    def stop(self) -> None:
        """End the thread (joined, unless called on it); it closes its wake-up pipe."""
        self._wake(stopping=True)
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def _wake(self, stopping: bool = False) -> None:
        with self._changed:
            self._stopping = self._stopping or stopping
            self._generation += 1
            if not self._closed:
                with contextlib.suppress(BlockingIOError):  # full: it has wake-ups to read already
                    os.write(self._wake_write, b"x")

    @property
    def alive(self) -> bool:
        """False once the thread has ended (stopped, or killed by an error it printed)."""
        return self._thread.is_alive()

    def on_thread(self) -> bool:
        """Whether the caller runs on the thread (in a callback)."""
        return threading.current_thread() is self._thread

    def _run(self) -> None:
        try:
            generation = -1
            by_fd: dict[int, Source] = {}
            while True:
                with self._changed:
                    changed = generation != self._generation
                    leaving, self._leaving = self._leaving, []
                if changed:  # first the sources that go: their edges until now, then poll the new ones
                    for request, detection in leaving:
                        self._read(request, detection, drain=True)
                    with self._changed:
                        if self._stopping:
                            return
                        generation = self._seen = self._generation
                        by_fd = {source[0].fileno(): source for source in self._sources}
                        self._changed.notify_all()
                readable, _, _ = select.select([self._wake_read, *by_fd], [], [])
                if self._wake_read in readable:
                    self._drain_wake()
                    continue
                for fd in readable:
                    if not self._read(*by_fd[fd]):
                        del by_fd[fd]
                    if self._generation != generation:
                        break  # a callback changed the sources (or stopped the thread): look again
        finally:
            with self._changed:
                self._seen = self._generation
                self._closed = True
                self._changed.notify_all()
                os.close(self._wake_read)
                os.close(self._wake_write)

    def _read(self, request: LineRequest, detection: Detection, drain: bool = False) -> bool:
        """Deliver what the request holds (``drain``: all of it, as far as its detection lasts); False
        when it can no longer be read."""
        try:
            while True:
                events = request.read_edge_events(timeout=0)
                self._deliver(detection, events)
                ended = detection.ends_ns is not None and events and events[-1].timestamp_ns > detection.ends_ns
                if not (drain and events) or ended:
                    return True
        except (OSError, ValueError) as exc:  # closed, or its chip went away: poll it no more
            if detection.ends_ns is None:
                print(f"RPi.GPIO: edge detection on channel {detection.channel} ended: {exc}", file=sys.stderr)
            return False

    def _drain_wake(self) -> None:
        try:
            while os.read(self._wake_read, 512):
                pass
        except BlockingIOError:
            pass
