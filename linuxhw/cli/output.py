"""Printing results: text or JSON documents, JSON-lines streams, status lines and TTY progress."""

from __future__ import annotations

import argparse
import errno
import sys
import time
from types import TracebackType
from typing import Any, Callable

# errno.errorcode picks the alias glibc lists first; the kernel's own headers and docs use these.
KERNEL_NAMES = {"ENOTSUP": "EOPNOTSUPP", "EDEADLOCK": "EDEADLK"}


def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str]) -> None:
    """Print ``data`` as one JSON document with --json, else the text ``text(data)`` renders."""
    if getattr(args, "json", False):
        import json  # with --json only: a plain command needs no json module

        print(json.dumps(data, indent=2))
    else:
        rendered = text(data)
        if rendered:
            print(rendered)


def emit_record(args: argparse.Namespace, record: dict[str, Any], text: str) -> None:
    """Print one record of a stream as it happens: a JSON line with --json, else ``text``; flushed at once."""
    if getattr(args, "json", False):
        import json

        text = json.dumps(record)
    print(text, flush=True)


def error(args: argparse.Namespace | None, message: str) -> None:
    """``<command>: error: <message>`` on stderr."""
    prog = getattr(args, "prog", None) or "linuxhw"
    print(f"{prog}: error: {message}", file=sys.stderr)


def status(message: str) -> None:
    """A note for the person at the terminal, on stderr so stdout stays parseable."""
    print(f"linuxhw: {message}", file=sys.stderr, flush=True)


def describe_error(exc: OSError) -> str:
    """``/dev/i2c-1: SMBus read byte at 0x1c failed: No such device or address; <hint> [ENXIO]``."""
    code = errno.errorcode.get(exc.errno or 0)
    code = KERNEL_NAMES.get(code, code) if code else None
    text = exc.strerror or str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{text}" + (f" [{code}]" if code else "")


def hex_bytes(data: bytes | bytearray | memoryview) -> str:
    """``0x01 0x02 ...`` as i2c-tools print bytes."""
    return " ".join(f"0x{b:02x}" for b in bytes(data))


class Progress:
    """``label: 40%`` on stderr, redrawn in place, only when stderr is a terminal; erased when done.

    Use as a context manager and call ``update(done)`` as work completes.
    """

    INTERVAL = 0.1  # seconds between redraws

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = max(total, 1)
        self.enabled = sys.stderr.isatty()
        self._last = 0.0
        self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < self.INTERVAL and done < self.total:
            return
        self._last = now
        sys.stderr.write(f"\r{self.label}: {100 * done // self.total:3d}%")
        sys.stderr.flush()
        self._drawn = True

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._drawn:
            sys.stderr.write("\r" + " " * (len(self.label) + 6) + "\r")
            sys.stderr.flush()
