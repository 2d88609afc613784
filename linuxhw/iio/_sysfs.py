"""Reading and writing one IIO device's sysfs attributes through the backend, with errors that name
the attribute and, where the kernel's errno has a usual reason in IIO, say it."""

from __future__ import annotations

import errno

from linuxhw._kernel import Backend
from linuxhw.errors import device_error

__all__ = ["read_text", "write_text"]

BUS_DIR = "/sys/bus/iio/devices"
BUSY_HINT = "the device's buffer is enabled (a capture is running): direct reads and settings wait until it stops"


def _hint(err: int, writing: bool) -> str:
    if err == errno.EBUSY:
        return BUSY_HINT
    if err == errno.EACCES:
        return "the attribute is read-only" if writing else "the attribute is write-only or not readable by you"
    return ""


def read_text(backend: Backend, path: str) -> str:
    """The text of the attribute at ``path`` without its newline (DeviceError naming it otherwise)."""
    try:
        return backend.sysfs_read(path).rstrip("\n")
    except OSError as exc:
        err = exc.errno or errno.EIO
        raise device_error(err, path, f"read {path.rpartition('/')[2]}", _hint(err, False)) from None


def write_text(backend: Backend, path: str, text: str, allowed: str = "") -> None:
    """Store ``text`` in the attribute at ``path``; DeviceError naming it (and ``allowed``, what the
    driver takes, on EINVAL) otherwise."""
    try:
        backend.sysfs_write(path, text)
    except OSError as exc:
        err = exc.errno or errno.EIO
        hint = f"the driver takes {allowed}" if err == errno.EINVAL and allowed else _hint(err, True)
        raise device_error(err, path, f"write {text!r} to {path.rpartition('/')[2]}", hint) from None
