"""Stopping a command by signal (Ctrl-C, SIGTERM), with waits that cannot miss the signal.

A signal that lands after Python last looked for one but before ``select()`` or ``sleep()`` blocks
has already run its C handler, and the call then waits out its whole timeout (seen under emulation:
``gpio set`` ignored Ctrl-C). While a command runs, every signal also writes a byte to a pipe that
each blocking wait of the CLI watches, so the wait ends at once and the signal's exception
(KeyboardInterrupt, Terminated) is raised.
"""

from __future__ import annotations

import contextlib
import os
import select
import selectors
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

SIGNALLED = object()
"""The selector data of the signal pipe (see ``watch_signals``)."""

_pipe: int | None = None  # read end of the signal pipe while a command runs in the main thread


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C so every line and fd is released on the way out."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextlib.contextmanager
def signals_stop_the_command() -> Iterator[None]:
    """While the block runs: SIGTERM raises Terminated, and signals wake the CLI's waits (main thread
    only: that is where Python runs signal handlers; elsewhere nothing changes)."""
    global _pipe
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    previous_handler = signal.signal(signal.SIGTERM, _terminate)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    _pipe = read_end
    try:
        yield
    finally:
        _pipe = None
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGTERM, previous_handler)
        os.close(read_end)
        os.close(write_end)


def watch_signals(selector: selectors.BaseSelector) -> None:
    """Make ``selector.select()`` return when a signal arrives (its key's data is SIGNALLED)."""
    if _pipe is not None:
        selector.register(_pipe, selectors.EVENT_READ, SIGNALLED)


def drain_signals() -> None:
    """Empty the signal pipe after a signal whose handler did not raise."""
    if _pipe is not None:
        with contextlib.suppress(BlockingIOError):
            while os.read(_pipe, 256):
                pass


def sleep(seconds: float) -> None:
    """Sleep ``seconds`` (forever when infinite) unless a signal's handler raises first."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        if _pipe is None:
            time.sleep(min(remaining, 3600.0))
        elif select.select([_pipe], [], [], min(remaining, 3600.0))[0]:
            drain_signals()
