"""The calls a backend answers: the handful of syscalls the device packages use."""

from __future__ import annotations

import abc
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
