"""Open files of the mock kernel: each owns a real, pollable fd (a pipe readable while data is queued)."""

from __future__ import annotations

import contextlib
import errno
import os
import select
from typing import Any


class MockFile:
    """Base for a mock open file. ``fd`` is a real pipe read end, so select/poll/asyncio work on it;
    ``set_readable`` keeps it readable exactly while the file has something to read."""

    owner: object | None = None  # the device whose removal ends this file (set by Board.open)
    removed_errno = 0  # once its device is gone: what its calls answer (Board.remove_device)

    def __init__(self) -> None:
        self.fd, self._wake = os.pipe()
        os.set_blocking(self.fd, False)
        os.set_blocking(self._wake, False)
        self.nonblocking = False
        self._readable = False

    def set_readable(self, readable: bool) -> None:
        """Make ``fd`` poll as readable (True) or not (False)."""
        if readable and not self._readable:
            os.write(self._wake, b"\0")
        elif not readable and self._readable:
            with contextlib.suppress(BlockingIOError):
                os.read(self.fd, 64)
        self._readable = readable

    def wait_readable(self) -> None:
        """Block (without the GIL) until something is queued, as a blocking read(2) would."""
        select.select([self.fd], [], [])

    def device_removed(self, err: int) -> None:
        """Its device went away: calls answer ``-err`` from now on, and pollers wake up (the kernel
        reports POLLHUP|POLLERR, which wakes readers as readability does here)."""
        self.removed_errno = err
        self.set_readable(True)

    def removed_ioctl_errno(self, request: int) -> int:
        """The errno an ioctl gets once the device is gone (0: it still goes through, as an ioctl
        answered from the file's own state does in the kernel)."""
        return self.removed_errno

    def ioctl(self, request: int, arg: Any) -> int:
        """Handle an ioctl; unknown requests get the kernel's answer for this kind of file."""
        return -errno.ENOTTY

    def read(self, buf: Any, count: int) -> int:
        """Copy queued records into ``buf``; -EINVAL where the kernel file has no read()."""
        return -errno.EINVAL

    def write(self, buf: Any, count: int) -> int:
        """Take ``count`` bytes from ``buf``; -EINVAL where the kernel file has no write()."""
        return -errno.EINVAL

    def release(self) -> None:
        """Last close: undo what the open file held, then drop the pipe."""
        os.close(self._wake)
        os.close(self.fd)
