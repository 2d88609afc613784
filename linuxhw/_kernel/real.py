"""The real backend: syscalls through the compiled ``linuxhw._uapi`` (the GIL is released in them)."""

from __future__ import annotations

import os
import re
import stat
from typing import Any

from linuxhw._kernel.backend import Backend
from linuxhw._uapi import lib

_NUMBER = re.compile(r"(\d+)")


def natural_key(path: str) -> list[Any]:
    """Sort key putting gpiochip2 before gpiochip10."""
    return [int(part) if part.isdigit() else part for part in _NUMBER.split(path)]


def _sysfs_dir(path: str) -> str:
    """The sysfs directory of a character device node (raises OSError if it has none)."""
    rdev = os.stat(path).st_rdev
    return f"/sys/dev/char/{os.major(rdev)}:{os.minor(rdev)}"


class RealBackend(Backend):
    """Talks to the running kernel."""

    name = "real"

    def __init__(self, dev_dir: str = "/dev") -> None:
        self.dev_dir = dev_dir
        # Bound straight to the C wrappers: no Python frame on the hot path.
        self.ioctl = lib.lhw_ioctl  # type: ignore[method-assign]
        self.read = lib.lhw_read  # type: ignore[method-assign]
        self.write = lib.lhw_write  # type: ignore[method-assign]
        self.smbus = lib.lhw_smbus  # type: ignore[method-assign]

    def open(self, path: str, flags: int) -> int:
        return os.open(path, flags | os.O_CLOEXEC)

    def close(self, fd: int) -> None:
        os.close(fd)

    def ioctl(self, fd: int, request: int, arg: Any) -> int:  # replaced per instance in __init__
        return int(lib.lhw_ioctl(fd, request, arg))

    def read(self, fd: int, buf: Any, count: int) -> int:  # replaced per instance in __init__
        return int(lib.lhw_read(fd, buf, count))

    def smbus(self, fd: int, read_write: int, command: int, size: int, data: Any) -> int:  # replaced in __init__
        return int(lib.lhw_smbus(fd, read_write, command, size, data))

    def write(self, fd: int, buf: Any, count: int) -> int:  # replaced per instance in __init__
        return int(lib.lhw_write(fd, buf, count))

    def device_attribute(self, path: str, name: str) -> str | None:
        try:
            with open(f"{_sysfs_dir(path)}/{name}") as attribute:
                return attribute.read().rstrip("\n")
        except OSError:
            return None

    def device_nodes(self, prefix: str) -> list[str]:
        try:
            names = os.listdir(self.dev_dir)
        except FileNotFoundError:
            return []
        paths = []
        for name in names:
            if not name.startswith(prefix):
                continue
            path = os.path.join(self.dev_dir, name)
            try:
                if stat.S_ISCHR(os.stat(path).st_mode):
                    paths.append(path)
            except OSError:
                continue
        return sorted(paths, key=natural_key)

    def subsystem(self, path: str) -> str | None:
        try:
            link = os.readlink(f"{_sysfs_dir(path)}/subsystem")
        except OSError:
            return None
        return os.path.basename(link)

    def set_blocking(self, fd: int, blocking: bool) -> None:
        os.set_blocking(fd, blocking)
