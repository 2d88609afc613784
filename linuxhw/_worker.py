"""A per-handle FIFO worker: calls run one at a time in submission order, off the caller's thread."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

T = TypeVar("T")


class FifoWorker:
    """Queue calls for one device. A future cancelled before its call starts never runs; once
    started, the call completes (the kernel cannot take a started transfer back)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``function(*args, **kwargs)``; the thread starts on first use (and concurrent.futures
        is imported then: a bus that never queues a call never needs it)."""
        with self._lock:
            if self._executor is None:
                from concurrent.futures import ThreadPoolExecutor

                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"linuxhw-{self._name}")
            return self._executor.submit(function, *args, **kwargs)

    def shutdown(self) -> None:
        """Run what is queued, then stop the thread (safe to repeat)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
