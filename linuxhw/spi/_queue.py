"""One SPI device's queue: queued messages and the synchronous calls made behind them take turns in
FIFO order on a worker thread, as spi_async() and the calls that wrap it do in the kernel."""

from __future__ import annotations

import threading
import weakref
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, NoReturn, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

T = TypeVar("T")


class MessageQueue:
    """Entries run one at a time in submission order; an entry is over when its function (message and
    completion callback) returns. The device hears through ``on_busy`` when the queue turns busy and
    idle again: a synchronous call made while it is idle runs at once on its own thread (no lock: the
    device's flag is all it checks), otherwise it waits its turn (see :meth:`defer`). So a call is
    ordered after every message submitted before it began; one already running when another thread
    submits is not waited for by that message."""

    def __init__(self, name: str, on_busy: Callable[[bool], None], refuse: Callable[[], NoReturn]) -> None:
        self._pending = 0  # entries queued or running (under the lock)
        self.closing = False
        self._name = name
        # Weakly held, so the device they belong to is not kept alive (and its finalizer runs) by its queue.
        self._on_busy = weakref.WeakMethod(on_busy)  # under the lock, leaving/reaching 0
        self._refuse_method = weakref.WeakMethod(refuse)  # the error after close()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._worker: int | None = None  # the worker thread's ident once it has run something
        self._entry = 0  # the number of the entry the worker runs (or ran last)
        self._closed_by: int | None = None  # the entry whose callback called close(), if one did
        self._in_call = False  # the worker is running a synchronous call that waited its turn

    def submit(self, function: Callable[[], T]) -> Future[T]:
        """Queue ``function`` behind everything queued before; the thread starts on first use. A
        future cancelled before its turn never runs (concurrent.futures is imported then: a device
        that never queues a message never needs it)."""
        with self._lock:
            if self.closing:
                self._refuse()
            if self._executor is None:
                from concurrent.futures import ThreadPoolExecutor

                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"linuxhw-{self._name}")
            return self._enqueue(self._executor, function)

    def _enqueue(self, executor: ThreadPoolExecutor, function: Callable[[], T]) -> Future[T]:
        self._pending += 1
        if self._pending == 1:
            self._tell(True)
        try:
            future = executor.submit(self._run, function)
        except BaseException:
            self._leave()
            raise
        future.add_done_callback(self._dropped)
        return future

    def _run(self, function: Callable[[], T]) -> T:
        self._worker = threading.get_ident()
        self._entry += 1
        try:
            return function()
        finally:
            with self._lock:
                self._leave()  # before the future completes: whoever waits on it finds the turn over

    def _dropped(self, future: Future[Any]) -> None:
        if future.cancelled():  # it never ran, so _run did not count it out
            with self._lock:
                self._leave()

    def _leave(self) -> None:
        self._pending -= 1
        if not self._pending:
            self._tell(False)

    def _tell(self, busy: bool) -> None:
        on_busy = self._on_busy()
        if on_busy is not None:
            on_busy(busy)

    def _refuse(self) -> NoReturn:
        refuse = self._refuse_method()
        if refuse is not None:
            refuse()
        raise RuntimeError(f"{self._name}: the device of this queue is gone")

    def defer(self) -> bool:
        """For a synchronous call while ``busy``: True if it must wait its turn through :meth:`call`;
        False on the worker itself, where a completion callback holds the device and runs its own
        calls at once; every entry was queued before close(), so only the callback that called close()
        itself is refused afterwards)."""
        if threading.get_ident() != self._worker:
            return True
        if self._closed_by == self._entry and not self._in_call:
            self._refuse()
        return False

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``function`` in turn, after everything queued before, and return what it returns."""
        future = self.submit(partial(self._in_turn, function, args, kwargs))
        try:
            return future.result()
        except BaseException:
            future.cancel()  # interrupted while waiting: a call that has not started never will
            raise

    def _in_turn(self, function: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        self._in_call = True
        try:
            return function(*args, **kwargs)
        finally:
            self._in_call = False

    def close(self, then: Callable[[], None]) -> None:
        """Refuse new entries, run what is queued, then ``then()``. From a completion callback (on the
        worker, which cannot wait for itself) ``then`` is queued last and this returns at once."""
        with self._lock:
            first, self.closing = not self.closing, True
            executor = self._executor
            if executor is not None and threading.get_ident() == self._worker:
                self._closed_by = self._entry
                if first:
                    self._enqueue(executor, then)
                    executor.shutdown(wait=False)
                return
        if executor is not None:
            executor.shutdown(wait=True)  # also waits for a close() made by a callback
        then()
