"""Reading fixed-size event records from a pollable kernel fd: many per read(), sync and asyncio.

The fd is non-blocking; a blocking wait is a poll() on it and on the handle's wake-up eventfd
(which close() signals from any thread), so the same code serves timeouts, Ctrl-C, close() from
another thread, asyncio's ``add_reader`` and the mock backend's pipe-backed fds.
"""

from __future__ import annotations

import errno
import select
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Callable, Generic, Protocol, TypeVar

from linuxhw._args import check_int, poll_timeout
from linuxhw._fastpath import FdGate, ReadLock
from linuxhw._uapi import ffi

if TYPE_CHECKING:  # asyncio is imported by the first asyncio call, not by every import
    import asyncio

T = TypeVar("T")

REMOVAL_CHECK_S = 1.0
"""The longest a blocked wait sleeps before looking again: 6.1's gpiolib does not wake a sleeping
poll() when the chip goes away (6.12's does), but answers the next poll() at once with POLLHUP."""


class Gated(Protocol):
    """A handle whose fd a wait may block on."""

    _gate: FdGate  # the fd's calls in flight, and the eventfd close() signals

    def _kernel_fd(self) -> int: ...  # raises ClosedError when closed


class EventSource(Gated, Protocol):
    """What an EventReader needs from the handle that owns the fd."""

    def _raise_kernel_error(self, err: int, operation: str) -> None: ...

    @property
    def _backend_read(self) -> Callable[[int, Any, int], int]: ...


def wait_slices(timeout: float | None, clock: Callable[[], float] = time.monotonic) -> Iterator[float]:
    """The timeouts of successive waits that together last ``timeout`` seconds (None: for ever),
    none longer than REMOVAL_CHECK_S; at least one (of 0 s when ``timeout`` is 0)."""
    deadline = None if timeout is None else clock() + max(0.0, timeout)
    while True:
        remaining = REMOVAL_CHECK_S if deadline is None else max(0.0, deadline - clock())
        yield min(remaining, REMOVAL_CHECK_S)
        if remaining <= REMOVAL_CHECK_S and deadline is not None:
            return


def wait_readable(handle: Gated, timeout: float | None) -> bool:
    """Block until the handle's fd is readable (True) or ``timeout`` seconds pass (None: forever);
    ClosedError when it is closed, also by another thread meanwhile (close() wakes the wait).
    A removed device makes the fd readable (a read tells): each slice's poll() sees it."""
    poll_timeout(timeout)  # a wrong timeout is refused before the wait
    gate = handle._gate
    ready = False
    with gate as fd:  # the fd stays open (its number ours) until this wait has left
        if fd >= 0:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            if timeout != 0:
                poller.register(gate.wake_fd(), select.POLLIN)
            ready = any(poller.poll(wait * 1000) for wait in wait_slices(timeout))
    handle._kernel_fd()  # raises ClosedError once closed
    return ready


# Futures awaiting readability, per (loop, fd): one reader callback per fd wakes them all, so tasks
# sharing a handle (an ``async for`` and a wait_edge_event(), say) never replace each other's.
_async_waiters: dict[tuple[int, int], set[asyncio.Future[None]]] = {}


def _wake_all(waiters: set[asyncio.Future[None]]) -> None:
    for future in waiters:
        if not future.done():
            future.set_result(None)


def _watch(loop: asyncio.AbstractEventLoop, fd: int, future: asyncio.Future[None]) -> None:
    waiters = _async_waiters.get((id(loop), fd))
    if waiters is None:
        waiters = _async_waiters[id(loop), fd] = set()
        loop.add_reader(fd, _wake_all, waiters)
    waiters.add(future)


def _unwatch(loop: asyncio.AbstractEventLoop, fd: int, future: asyncio.Future[None]) -> None:
    waiters = _async_waiters[id(loop), fd]
    waiters.discard(future)
    if not waiters:
        del _async_waiters[id(loop), fd]
        loop.remove_reader(fd)


async def wait_readable_async(fd: int, wake: int, timeout: float | None) -> bool:
    """Await readability of ``fd`` or ``wake`` through the running loop's reader callbacks (no thread)."""
    import asyncio

    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    _watch(loop, fd, ready)
    try:
        _watch(loop, wake, ready)
        try:
            done, _ = await asyncio.wait({ready}, timeout=timeout)
        finally:
            _unwatch(loop, wake, ready)
    finally:
        _unwatch(loop, fd, ready)
        ready.cancel()
    return bool(done)


def each_record(decode: Callable[[Any], T]) -> Callable[[Any, int], list[T]]:
    """A batch decoder for EventReader made of a one-record decoder (for records that come rarely)."""

    def decode_batch(buffer: Any, count: int) -> list[T]:
        return [decode(buffer[i]) for i in range(count)]

    return decode_batch


class EventReader(Generic[T]):
    """Reads records of one C type into a reused buffer and decodes them, keeping leftovers in order.

    ``decode(buffer, count)`` turns the first ``count`` records of the buffer into events;
    ``on_batch(source, events)`` sees every batch read, before it is handed out.
    """

    def __init__(
        self,
        source: EventSource,
        ctype: str,
        capacity: int,
        decode: Callable[[Any, int], list[T]],
        on_batch: Callable[[Any, list[T]], None] | None = None,
    ) -> None:
        # A proxy, so the owner is not kept alive by its own reader and its finalizer runs on del.
        self._source = weakref.proxy(source)
        self._ctype = ctype
        self._capacity = capacity
        self._decode = decode
        self._on_batch = on_batch
        self._buffer: Any = None
        self._record_size = ffi.sizeof(ctype)
        self.pending: deque[T] = deque()
        # One read and its decoding and counting (on_batch) at a time, never held over a wait: another
        # thread's read in between would land in the same buffer, or count this one's events as lost.
        # A C stand-in for read() (LineRequest's) takes it too.
        self.read_lock = ReadLock()  # threading.Lock's calls, and the C read takes it with none

    def _read_available(self, max_events: int) -> list[T]:
        """One non-blocking read() of up to ``max_events`` records; [] if none are queued."""
        with self.read_lock:
            if self._buffer is None:
                self._buffer = ffi.new(f"{self._ctype}[]", self._capacity)
            count = min(max_events, self._capacity)
            gate = self._source._gate
            try:  # the fd stays ours until leave(); -1 once closed: EBADF, then ClosedError
                ret = self._source._backend_read(gate.enter(), self._buffer, count * self._record_size)
            finally:
                gate.leave()
            if ret < 0:
                if -ret in (errno.EAGAIN, errno.EINTR):
                    return []
                self._source._raise_kernel_error(-ret, "read events")
            events = self._decode(self._buffer, ret // self._record_size)
            if self._on_batch is not None and events:
                self._on_batch(self._source, events)
            return events

    def read(self, max_events: int | None = None, timeout: float | None = None) -> list[T]:
        """Up to ``max_events`` records, blocking until at least one arrives or ``timeout`` passes."""
        limit = self._capacity if max_events is None else check_int(max_events, "max_events")
        poll_timeout(timeout)  # checked even when records are pending
        if limit < 1:
            raise ValueError(f"max_events must be at least 1, not {max_events}")
        if self.pending:
            out: list[T] = []
            while self.pending and len(out) < limit:
                out.append(self.pending.popleft())
            return out
        while True:
            events = self._read_available(limit)
            if events or not self.wait(timeout):
                return events

    def wait(self, timeout: float | None) -> bool:
        """True once a record can be read without blocking (or the device is gone: a read tells);
        False after ``timeout``; ClosedError when the handle is closed, also by another thread while
        this one waits."""
        return bool(self.pending) or wait_readable(self._source, timeout)

    def next(self, timeout: float | None) -> T | None:
        """The next record, or None after ``timeout`` seconds with none."""
        if not self.pending:
            self.pending.extend(self.read(timeout=timeout))
        return self.pending.popleft() if self.pending else None

    async def wait_async(self, timeout: float | None) -> bool:
        """Await until a record is readable (or the device is gone); False after ``timeout``;
        ClosedError when the handle is closed, also from another thread (or task) while this one waits."""
        import asyncio

        poll_timeout(timeout)  # a wrong timeout is refused before the wait
        if self.pending:
            return True
        gate = self._source._gate
        ready = False
        with gate as fd:  # the fd stays open (its number ours) until this wait has left
            if fd >= 0:
                for wait in wait_slices(timeout, asyncio.get_running_loop().time):
                    # each slice registers the fd anew: epoll polls it then (6.1 tells removal only so)
                    if await wait_readable_async(fd, gate.wake_fd(), wait):
                        ready = True
                        break
        self._source._kernel_fd()  # raises ClosedError once closed
        return ready

    async def next_async(self, timeout: float | None) -> T | None:
        """Await the next record, or None after ``timeout`` seconds with none."""
        import asyncio

        poll_timeout(timeout)  # a wrong timeout fails here, not deep in asyncio
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self.pending:
            self.pending.extend(self._read_available(self._capacity))
            if self.pending:
                break
            remaining = None if deadline is None else deadline - loop.time()
            if (remaining is not None and remaining <= 0) or not await self.wait_async(remaining):
                return None
        return self.pending.popleft()

    def stream(self, timeout: float | None) -> EventStream[T]:
        """An iterable over records, for ``for`` and ``async for`` alike."""
        return EventStream(self, timeout)


class EventStream(Generic[T]):
    """Iterate records as they arrive; stops after ``timeout`` seconds without one (None: never)."""

    def __init__(self, reader: EventReader[T], timeout: float | None) -> None:
        self._reader = reader
        self._timeout = timeout

    def __iter__(self) -> Iterator[T]:
        while (event := self._reader.next(self._timeout)) is not None:
            yield event

    async def __aiter__(self) -> AsyncIterator[T]:
        while (event := await self._reader.next_async(self._timeout)) is not None:
            yield event
