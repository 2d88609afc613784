"""Hot-unplug tests' helpers: a call left blocked in a thread, the process's fds before and after, and
what every call on a handle whose device went away must raise.

A blocked call is seen blocked by the kernel itself: its thread sleeps in poll()/select()
(/proc/self/task/TID/wchan), so the device is removed under a waiter, never before it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from linuxhw import DeviceNotFoundError, DeviceRemovedError, NoAckError
from tests.waiting import DEADLINE

_POLL_WAITS = ("poll", "select")  # wchan of a thread asleep in poll(2)/select(2): do_sys_poll, do_select...


class BlockedCall:
    """``function()`` running in a thread: :meth:`wait_blocked` until it sleeps in the kernel's poll,
    :meth:`outcome` for what it returned or raised."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self._function = function
        self._tid = 0
        self._started = threading.Event()
        self._result: list[Any] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._tid = threading.get_native_id()
        self._started.set()
        try:
            self._result.append(self._function())
        except BaseException as exc:
            self._error.append(exc)

    def wait_blocked(self) -> None:
        """Return once the thread sleeps in poll/select (fails after DEADLINE)."""
        assert self._started.wait(DEADLINE), "the thread did not start"
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            assert self._thread.is_alive(), f"the call ended instead of blocking: {self._result or self._error}"
            with contextlib.suppress(OSError), open(f"/proc/self/task/{self._tid}/wchan") as wchan:
                if any(word in wchan.read() for word in _POLL_WAITS):
                    return
            self._thread.join(0.01)  # wait for the thread itself, a little, then look at its state again
        raise AssertionError("the call did not block in poll/select")

    def outcome(self) -> BaseException | Any:
        """What the call raised (or returned), once it ended (fails if it is still blocked after DEADLINE)."""
        self._thread.join(DEADLINE)
        assert not self._thread.is_alive(), "the blocked call was not woken up"
        return self._error[0] if self._error else self._result[0]


def open_fds() -> set[str]:
    """This process's open descriptors with what they point at."""
    fds = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            fds.add(f"{fd} -> {os.readlink(f'/proc/self/fd/{fd}')}")
    return fds


@contextlib.contextmanager
def no_fd_leaks() -> Iterator[None]:
    """Fail if the block leaves more descriptors open than it found."""
    before = open_fds()
    yield
    leaked = open_fds() - before
    assert not leaked, f"fds leaked: {sorted(leaked)}"


def assert_removed(error: object, err: int, path: str) -> None:
    """``error`` is the DeviceRemovedError of ``path`` with the kernel's ``err``, telling what to do."""
    assert isinstance(error, DeviceRemovedError), repr(error)
    assert isinstance(error, DeviceNotFoundError)  # what code written before it caught
    assert not isinstance(error, NoAckError)
    assert (error.errno, error.filename) == (err, path)
    assert "close() this handle" in str(error)


def assert_each_removed(calls: Mapping[str, Callable[[], object]], err: int, path: str) -> None:
    """Every call raises the DeviceRemovedError of ``path`` (``err``), each naming its operation."""
    for name, call in calls.items():
        with pytest.raises(DeviceRemovedError) as caught:
            call()
        assert_removed(caught.value, err, path)
        assert caught.value.operation, name
