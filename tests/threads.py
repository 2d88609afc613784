"""Threads in tests: workers side by side on one shared handle, bounded by a deadline that names the
ones that never finished, and the process's fds counted before and after.

Waiting for a thread to be blocked in a call is waiting for the event itself: the kernel's record
of the syscall the thread is in (/proc/self/task/TID/syscall), never a sleep.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from tests.waiting import DEADLINE

# x86_64 and aarch64 numbers of the syscalls a blocked call of this library (or asyncio's loop) sits in.
BLOCKING_SYSCALLS = {
    "x86_64": {7: "poll", 271: "ppoll", 16: "ioctl", 232: "epoll_wait", 281: "epoll_pwait"},
    "aarch64": {73: "ppoll", 29: "ioctl", 22: "epoll_pwait"},
}


def run_together(workers: Mapping[str, Callable[[], object]], timeout: float = DEADLINE) -> None:
    """Run each worker in its own thread, all released at once; re-raise the first failure (naming its
    worker), or fail naming the workers still running at the deadline (a deadlock or a lost wake-up)."""
    start = threading.Barrier(len(workers))
    errors: dict[str, BaseException] = {}

    def run(name: str, work: Callable[[], object]) -> None:
        try:
            start.wait(timeout)
            work()
        except BaseException as exc:  # handed to the test thread below
            errors[name] = exc

    threads = [threading.Thread(target=run, args=item, name=item[0], daemon=True) for item in workers.items()]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"never finished within {timeout:g} s: {', '.join(stuck)}"
    for name, exc in errors.items():
        raise AssertionError(f"worker {name!r} failed: {exc!r}") from exc


def open_fds() -> set[str]:
    """The fds of this process (after a collection, so nothing unreachable still holds one)."""
    gc.collect()
    return set(os.listdir("/proc/self/fd"))


@contextmanager
def no_fd_leak() -> Iterator[None]:
    """Fail if the block leaves more fds open than it found."""
    before = open_fds()
    yield
    leaked = open_fds() - before
    assert not leaked, f"fds left open: {sorted(leaked)}"


def wait_blocked(thread_id: int, what: str, timeout: float = DEADLINE) -> str:
    """Block until the thread (a native id) sits in a blocking syscall (poll, ioctl, epoll_wait, per
    /proc/self/task/TID/syscall); its name. Fails naming ``what`` at the deadline."""
    names = BLOCKING_SYSCALLS.get(os.uname().machine, {})
    path = f"/proc/self/task/{thread_id}/syscall"
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        with open(path) as record:
            seen = record.read().split(" ", 1)[0]
        if seen.isdigit() and int(seen) in names:
            return names[int(seen)]
        # The thread is still on its way into the call: give it the CPU (one guest CPU in the kernel
        # tier) and look again; this is the wait for the event itself, not a sleep for a guess.
        os.sched_yield()
    raise AssertionError(f"{what} was not blocked in {sorted(names.values())} within {timeout:g} s (last: {seen!r})")
