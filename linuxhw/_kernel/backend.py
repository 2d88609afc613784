"""The calls a backend answers: the handful of syscalls the device packages use."""

from __future__ import annotations

import abc
import socket
from collections.abc import Sequence
from typing import Any


class Backend(abc.ABC):
    """Kernel-facing operations. Results are ``>= 0`` or ``-errno``; ``open`` raises OSError like os.open."""

    name: str

    @abc.abstractmethod
    def open(self, path: str, flags: int) -> int:
        """Open a device node and return a file descriptor (raises OSError)."""

    @abc.abstractmethod
    def close(self, fd: int) -> None:
        """Close a descriptor returned by :meth:`open` or by an ioctl that creates one."""

    @abc.abstractmethod
    def ioctl(self, fd: int, request: int, arg: Any) -> int:
        """ioctl(2) with a cffi pointer argument; ``-errno`` on failure."""

    @abc.abstractmethod
    def read(self, fd: int, buf: Any, count: int) -> int:
        """read(2) into a cffi buffer; bytes read or ``-errno``."""

    @abc.abstractmethod
    def smbus(self, fd: int, read_write: int, command: int, size: int, data: Any) -> int:
        """The I2C_SMBUS ioctl with its argument struct built from the parts; 0 or ``-errno``."""

    @abc.abstractmethod
    def write(self, fd: int, buf: Any, count: int) -> int:
        """write(2) from a cffi buffer; bytes written or ``-errno``."""

    @abc.abstractmethod
    def module_parameter(self, module: str, name: str) -> str | None:
        """A kernel module parameter (e.g. spidev's ``bufsiz``), None if absent."""

    @abc.abstractmethod
    def device_attribute(self, path: str, name: str) -> str | None:
        """A sysfs attribute of a character device (e.g. an I2C adapter's ``name``), None if absent."""

    @abc.abstractmethod
    def device_nodes(self, prefix: str) -> list[str]:
        """Paths of character devices in /dev whose name starts with ``prefix``, in natural order."""

    @abc.abstractmethod
    def subsystem(self, path: str) -> str | None:
        """The kernel subsystem of a character device ("gpio", "i2c-dev", ...), None if unknown."""

    @abc.abstractmethod
    def set_blocking(self, fd: int, blocking: bool) -> None:
        """Set or clear O_NONBLOCK on a descriptor."""

    # -- memory-like files (DMA-BUF) ----------------------------------------------------------------

    @abc.abstractmethod
    def lseek(self, fd: int, offset: int, whence: int) -> int:
        """lseek(2): the new offset or ``-errno`` (a dma-buf's size is ``lseek(fd, 0, SEEK_END)``)."""

    @abc.abstractmethod
    def mmap(self, fd: int, length: int, offset: int, writable: bool) -> memoryview:
        """A MAP_SHARED mapping of ``length`` bytes at ``offset`` as a memoryview (read-only unless
        ``writable``), unmapped when the last view of it is gone (raises OSError like mmap(2))."""

    @abc.abstractmethod
    def dup(self, fd: int) -> int:
        """dup(2), close-on-exec: another descriptor of the same open file (raises OSError)."""

    @abc.abstractmethod
    def fdinfo(self, fd: int) -> dict[str, str]:
        """The fields of /proc/self/fdinfo/<fd> (raises OSError, EBADF when ``fd`` is not open)."""

    @abc.abstractmethod
    def send_fds(self, sock: socket.socket, data: bytes, fds: Sequence[int]) -> None:
        """Send ``data`` with ``fds`` attached (SCM_RIGHTS) over a Unix socket (raises OSError)."""

    @abc.abstractmethod
    def recv_fds(self, sock: socket.socket, bufsize: int, maxfds: int) -> tuple[bytes, list[int]]:
        """Receive data and up to ``maxfds`` close-on-exec fds (raises OSError, EMSGSIZE if fds were cut off)."""
