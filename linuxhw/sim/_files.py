"""Small helpers for configfs/sysfs attribute files, with errors that say where and what."""

from __future__ import annotations

import os
from pathlib import Path


class SimulatorUnavailableError(RuntimeError):
    """A kernel simulator (or the filesystem it is driven through) is not there; the message has a hint."""


def path_error(exc: OSError, path: Path, doing: str) -> OSError:
    """An OSError of the same errno (so the same subclass) naming the path and the operation."""
    return OSError(exc.errno, f"{doing}: {exc.strerror}", str(path))


def read_attr(path: Path, doing: str) -> str:
    try:
        return path.read_text().strip()
    except OSError as exc:
        raise path_error(exc, path, doing) from exc


def write_attr(path: Path, value: str, doing: str) -> None:
    # One write() call: configfs and sysfs attributes take the whole value at once.
    try:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, value.encode())
        finally:
            os.close(fd)
    except OSError as exc:
        raise path_error(exc, path, doing) from exc


def make_dir(path: Path, doing: str) -> None:
    try:
        path.mkdir()
    except OSError as exc:
        raise path_error(exc, path, doing) from exc


def remove_dir(path: Path, doing: str) -> None:
    try:
        path.rmdir()
    except OSError as exc:
        raise path_error(exc, path, doing) from exc
