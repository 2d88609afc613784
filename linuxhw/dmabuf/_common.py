"""Checks and helpers shared by the DMA-BUF modules: sizes, names, opening device nodes."""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import sys

from linuxhw._kernel import Backend
from linuxhw._uapi import lib
from linuxhw.errors import device_error

PAGE_SIZE = mmap.PAGESIZE
# Page-rounded, a size must still fit lseek's signed 64-bit result, and a Py_ssize_t (32 bits on armhf,
# where a 64-bit kernel can still hand out buffers past 2 GiB: a mapping of one could not be indexed).
MAX_SIZE = min(1 << 63, sys.maxsize + 1) - PAGE_SIZE
MAX_NAME_BYTES = lib.DMA_BUF_NAME_LEN - 1  # DMA_BUF_NAME_LEN counts the NUL


def check_size(size: int, what: str = "size") -> int:
    """A byte count for an allocation: an int from 1 to MAX_SIZE."""
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"{what} must be an int (bytes), not {size!r}")
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"{what} must be 1..{MAX_SIZE} bytes, not {size}")
    return size


def page_align(size: int) -> int:
    """``size`` rounded up to whole pages, as the kernel rounds allocations."""
    return -(-size // PAGE_SIZE) * PAGE_SIZE


def encode_name(name: str) -> bytes:
    """A dma-buf name as the kernel takes it: UTF-8, no NUL, at most DMA_BUF_NAME_LEN - 1 bytes."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {name!r}")
    raw = name.encode()
    if b"\0" in raw:
        raise ValueError(f"name must not contain NUL characters: {name!r}")
    if len(raw) > MAX_NAME_BYTES:
        raise ValueError(
            f"name must be at most {MAX_NAME_BYTES} bytes in UTF-8 (DMA_BUF_NAME_LEN - 1), not {len(raw)}: {name!r}"
        )
    return raw


def check_fd(fd: int, what: str = "fd") -> int:
    """A file descriptor number: an int >= 0."""
    if isinstance(fd, bool) or not isinstance(fd, int):
        raise TypeError(f"{what} must be a file descriptor (int), not {fd!r}")
    if fd < 0:
        raise ValueError(f"{what} must be >= 0, not {fd}")
    if fd > 0x7FFFFFFF:
        raise ValueError(f"{what} must be a file descriptor number (a C int), not {fd}")
    return fd


def open_node(backend: Backend, path: str, flags: int, missing_hint: str = "") -> int:
    """Open a device node, turning OSError into a DeviceError with what to do about it."""
    try:
        return backend.open(path, flags)
    except OSError as exc:
        err = exc.errno or errno.EIO
        if err in (errno.EACCES, errno.EPERM):
            hint = f"no access to {path}: run as a user allowed by its mode/group or add a udev rule granting it"
        elif err in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
            hint = missing_hint
        else:
            hint = ""
        raise device_error(err, path, "open", hint) from None


def discard_fd(backend: Backend, fd: int) -> None:
    """Close an fd that may be the backend's or a plain one (a mock board does not know plain fds)."""
    try:
        backend.close(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.close(fd)
