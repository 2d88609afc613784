"""Threads in tests: workers side by side on one shared handle, bounded by a deadline that names the
ones that never finished, and the process's fds counted before and after.

Waiting for a thread to be blocked in a call is waiting for the event itself: the kernel's record
of the syscall the thread is in (/proc/self/task/TID/syscall), never a sleep.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from linuxhw import ClosedError
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
    # The kernel's syscall numbers: the host's when scripts/platforms runs us under qemu-user.
    machine = os.environ.get("LINUXHW_SYSCALL_MACHINE") or os.uname().machine
    names = BLOCKING_SYSCALLS.get(machine, {})
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


@contextmanager
def handler(signum: int, action: Callable[[int, Any], object]) -> Iterator[None]:
    """``action`` handles ``signum`` (in the main thread, as Python runs handlers) within the block."""
    previous = signal.signal(signum, action)
    try:
        yield
    finally:
        signal.signal(signum, previous)


@contextmanager
def helper(work: Callable[[], object], what: str) -> Iterator[None]:
    """Run ``work`` in a thread beside the block (which blocks the main thread in the call under
    test); after the block, fail with the helper's own failure or if it never finished."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test thread below
            errors.append(exc)

    thread = threading.Thread(target=run, name=what, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join(DEADLINE)
    assert not thread.is_alive(), f"{what} never finished within {DEADLINE:g} s"
    if errors:
        raise AssertionError(f"{what} failed: {errors[0]!r}") from errors[0]


def interrupt_when_blocked(signum: int, what: str, then: Callable[[], object] | None = None) -> Callable[[], None]:
    """A helper's work: once the main thread is blocked in ``what``, send it ``signum``; with
    ``then``, wait until the main thread is blocked again (the call went on after the handler
    returned) and run ``then()`` (which should let the call finish)."""
    main_tid = threading.get_native_id()  # called in the main thread, where the test runs
    main = threading.main_thread().ident
    assert main is not None and threading.current_thread() is threading.main_thread()

    def work() -> None:
        wait_blocked(main_tid, what)
        signal.pthread_kill(main, signum)
        if then is not None:
            wait_signalled(main_tid, signum, what)
            wait_blocked(main_tid, f"{what} after the handler returned")
            then()

    return work


def close_when_blocked(handle: Any, what: str = "the wait") -> Callable[[], None]:
    """A helper's work: once the main thread is blocked in ``what``, close ``handle`` (from the helper)."""
    main_tid = threading.get_native_id()

    def work() -> None:
        wait_blocked(main_tid, what)
        handle.close()

    return work


def wait_signalled(thread_id: int, signum: int, what: str, timeout: float = DEADLINE) -> None:
    """Block until ``signum`` is no longer pending for the thread (the kernel delivered it)."""
    deadline = time.monotonic() + timeout
    bit = 1 << (signum - 1)
    while time.monotonic() < deadline:
        with open(f"/proc/self/task/{thread_id}/status") as status:
            pending = next(int(line.split()[1], 16) for line in status if line.startswith("SigPnd:"))
        if not pending & bit:
            return
        os.sched_yield()
    raise AssertionError(f"signal {signum} was still pending for {what} after {timeout:g} s")


@contextmanager
def signal_when_blocked(
    signum: int, action: Callable[[int, Any], object], what: str, then: Callable[[], object] | None = None
) -> Iterator[None]:
    """Within the block, ``action`` handles ``signum``, which a helper thread sends to the main thread
    once the block has it blocked in ``what`` (see :func:`interrupt_when_blocked` for ``then``)."""
    with handler(signum, action), helper(interrupt_when_blocked(signum, what, then), f"the signaller of {what}"):
        yield


def close_amid_calls(handle: Any, calls: Mapping[str, Callable[[], object]], rounds: int = 40) -> None:
    """Each call (which checks its own answer) made over and over in its own thread, until the first
    thread closes the handle after ``rounds`` of them: every call answers right or raises ClosedError,
    never before close(), and the fd is closed once all have left (none still counted in flight)."""
    closed = threading.Event()
    closer = next(iter(calls))

    def worker(name: str, call: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            done = 0
            while True:  # until close() is seen (run_together's deadline bounds it)
                try:
                    call()
                except ClosedError:
                    assert closed.is_set(), "ClosedError before close()"
                    return
                done += 1
                if name == closer and done == rounds:
                    closed.set()
                    handle.close()

        return run

    run_together({name: worker(name, call) for name, call in calls.items()})
    assert handle.closed and handle._gate.fd == -1 and handle._gate.busy == 0
