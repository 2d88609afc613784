"""Waiting in tests: each wait is for the event itself, with a deadline that fails naming what never came.

No test sleeps to let another thread, process or the kernel get ready: it waits until the line is
used, the child printed its line, the events arrived.  The deadline is generous (the kernel tier runs
under software emulation on shared machines); a passing test never waits it out.  One thing the
kernel tier takes from how it runs instead: its guest has one CPU, so a gpio-sim edge event is queued
before set_pull() returns (tests/conftest.py says why), and tests that let edges pile up unread count
on that rather than on a wait.  Child processes
never outlive their test's block, so a test cannot hang on one.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from typing import IO, Any

from linuxhw import gpio
from linuxhw._kernel.backend import Backend

DEADLINE = 30.0
"""Seconds any single wait in the tests may take before it fails."""


@contextlib.contextmanager
def child_process(args: Sequence[str], **popen: Any) -> Iterator[subprocess.Popen[str]]:
    """``subprocess.Popen(args, text=True, **popen)`` for a test, stopped if the block leaves it running.

    The child starts with SIGINT's default action (tests/conftest.py gives the test process a SIGINT
    handler, which exec resets to the default). A Python child left running is first asked for its
    threads' stacks (SIGABRT with faulthandler on), which go to the test's captured stderr, then killed."""
    popen["env"] = {**(popen.get("env") or os.environ), "PYTHONFAULTHANDLER": "1"}
    with subprocess.Popen(args, text=True, **popen) as proc:
        try:
            yield proc
        finally:
            if proc.poll() is None:
                _stop(proc)


def run_to_end(
    args: Sequence[str], what: str, timeout: float, input: str | None = None, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(args, capture_output=True, text=True)`` whose child, still running after ``timeout``,
    is stopped as :func:`child_process` stops one (its threads' stacks printed) and fails naming ``what``."""
    with child_process(args, stdin=subprocess.PIPE if input is not None else None, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, **popen) as proc:  # fmt: skip
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{what} did not end within {timeout:g} s (its stacks follow on stderr)") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _stop(proc: subprocess.Popen[str]) -> None:
    """Print where a stuck child is (its faulthandler dump and kernel state), then kill it."""
    with contextlib.suppress(OSError):
        with open(f"/proc/{proc.pid}/status") as status:
            state = [line.strip() for line in status if line.startswith(("State", "SigBlk", "SigIgn", "SigCgt"))]
        with open(f"/proc/{proc.pid}/wchan") as wchan:
            state.append(f"wchan: {wchan.read()}")
        print(f"child {proc.pid} still running: {'; '.join(state)}", file=sys.stderr)
    proc.send_signal(signal.SIGABRT)
    try:
        _, err = proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        err = ""
    print(f"child {proc.pid} after SIGABRT:\n{err or ''}", file=sys.stderr)
    if proc.poll() is None:
        proc.kill()


def read_line(stream: IO[str] | None, what: str, timeout: float = DEADLINE) -> str:
    """The next line a child process writes to ``stream`` (a pipe); fails naming ``what`` if it
    does not come, or the pipe closes, within ``timeout``.  Reads the pipe unbuffered, so
    ``communicate()`` afterwards still sees everything that follows."""
    assert stream is not None, f"no pipe to read {what} from"
    fd = stream.fileno()
    deadline = time.monotonic() + timeout
    data = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise AssertionError(f"{what} did not come within {timeout:g} s (got {data!r})")
            byte = os.read(fd, 1)
            if not byte:
                raise AssertionError(f"the pipe closed before {what} (got {data!r})")
            data += byte
    return data.decode()


def wait_line_used(
    chip: str, offset: int, used: bool = True, *, backend: Backend | None = None, timeout: float = DEADLINE
) -> gpio.LineInfo:
    """Block until the line's info says it is (or, with ``used=False``, is no longer) requested.

    Watches the line's info, so a request and release in between are seen as events, never missed
    between two looks."""
    deadline = time.monotonic() + timeout
    with gpio.Chip(chip, backend=backend) as handle:
        info = handle.watch_line_info(offset)
        while info.used != used:
            remaining = deadline - time.monotonic()
            event = handle.read_info_event(timeout=max(remaining, 0))
            if event is None:
                state = "requested" if used else "released"
                raise AssertionError(f"{chip} line {offset} was not {state} within {timeout:g} s")
            if event.info.offset == offset:
                info = event.info
        return info


def read_edge_events(request: gpio.LineRequest, count: int, timeout: float = DEADLINE) -> list[gpio.EdgeEvent]:
    """Exactly ``count`` edge events, read as they arrive; fails naming how many came by the deadline."""
    deadline = time.monotonic() + timeout
    events: list[gpio.EdgeEvent] = []
    while len(events) < count:
        remaining = deadline - time.monotonic()
        got = request.read_edge_events(max_events=count - len(events), timeout=max(remaining, 0))
        if not got:
            raise AssertionError(f"{count} edge event(s) expected, {len(events)} came within {timeout:g} s: {events}")
        events += got
    return events
