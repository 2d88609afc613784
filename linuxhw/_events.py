"""Reading fixed-size event records from a pollable kernel fd: many per read(), sync and asyncio.

The fd is non-blocking; a blocking wait is a poll() on it, so the same code serves
timeouts, Ctrl-C, asyncio's ``add_reader`` and the mock backend's pipe-backed fds.
"""

from __future__ import annotations

import asyncio
import errno
import select
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import Any, Callable, Generic, Protocol, TypeVar

from linuxhw._args import check_int, poll_timeout
from linuxhw._uapi import ffi

T = TypeVar("T")


class EventSource(Protocol):
    """What an EventReader needs from the handle that owns the fd."""

    def _kernel_fd(self) -> int: ...  # raises ClosedError when closed

    def _raise_kernel_error(self, err: int, operation: str) -> None: ...

    @property
    def _backend_read(self) -> Callable[[int, Any, int], int]: ...


def wait_readable(fd: int, timeout: float | None) -> bool:
    """Block until ``fd`` is readable or ``timeout`` seconds pass (None: forever)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(poll_timeout(timeout)))


async def wait_readable_async(fd: int, timeout: float | None) -> bool:
    """Await readability of ``fd`` through the running loop's reader callback (no thread)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def on_readable() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, on_readable)
    try:
        done, _ = await asyncio.wait({ready}, timeout=timeout)
    finally:
        loop.remove_reader(fd)
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

    def _read_available(self, max_events: int) -> list[T]:
        """One non-blocking read() of up to ``max_events`` records; [] if none are queued."""
        fd = self._source._kernel_fd()
        if self._buffer is None:
            self._buffer = ffi.new(f"{self._ctype}[]", self._capacity)
        count = min(max_events, self._capacity)
        ret = self._source._backend_read(fd, self._buffer, count * self._record_size)
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
        """True once a record can be read without blocking; False after ``timeout``."""
        return bool(self.pending) or wait_readable(self._source._kernel_fd(), timeout)

    def next(self, timeout: float | None) -> T | None:
        """The next record, or None after ``timeout`` seconds with none."""
        if not self.pending:
            self.pending.extend(self.read(timeout=timeout))
        return self.pending.popleft() if self.pending else None

    async def wait_async(self, timeout: float | None) -> bool:
        """Await until a record is readable; False after ``timeout``."""
        return bool(self.pending) or await wait_readable_async(self._source._kernel_fd(), timeout)

    async def next_async(self, timeout: float | None) -> T | None:
        """Await the next record, or None after ``timeout`` seconds with none."""
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
