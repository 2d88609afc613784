"""The real backend: syscalls through the compiled ``linuxhw._uapi`` (the GIL is released in them)."""

from __future__ import annotations

import errno
import os
import select
import stat
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

from linuxhw import _fastpath
from linuxhw._kernel.backend import Backend
from linuxhw._kernel.formats import natural_key, parse_fdinfo
from linuxhw._uapi import lib

if TYPE_CHECKING:
    import socket


def _sysfs_dir(path: str) -> str:
    """The sysfs directory of a character device node (raises OSError if it has none)."""
    rdev = os.stat(path).st_rdev
    return f"/sys/dev/char/{os.major(rdev)}:{os.minor(rdev)}"


class RealBackend(Backend):
    """Talks to the running kernel."""

    name = "real"

    def __init__(self, dev_dir: str = "/dev", device_tree_dir: str = "/proc/device-tree") -> None:
        self.dev_dir = dev_dir
        self.device_tree_dir = device_tree_dir
        # Bound straight to the C wrappers: no Python frame on the hot path.
        self.ioctl = lib.lhw_ioctl  # type: ignore[method-assign]
        self.read = lib.lhw_read  # type: ignore[method-assign]
        self.lseek = lib.lhw_lseek  # type: ignore[method-assign]
        self.close = os.close  # type: ignore[method-assign]
        self.write = lib.lhw_write  # type: ignore[method-assign]
        self.smbus = lib.lhw_smbus  # type: ignore[method-assign]
        self.write_bytes = os.write  # type: ignore[method-assign, assignment]
        self.read_bytes = os.read  # type: ignore[method-assign, assignment]
        self.gpio_get_values = _fastpath.gpio_get_values  # type: ignore[method-assign, assignment]
        self.gpio_set_values = _fastpath.gpio_set_values  # type: ignore[method-assign, assignment]
        self.smbus_value = _fastpath.smbus_value  # type: ignore[method-assign, assignment]
        self.spi_exchange = _fastpath.spi_exchange  # type: ignore[method-assign, assignment]
        self.dma_heap_alloc = _fastpath.dma_heap_alloc  # type: ignore[method-assign, assignment]
        self.dma_buf_sync = _fastpath.dma_buf_sync  # type: ignore[method-assign, assignment]
        self.mmap = _fastpath.map_shared  # type: ignore[method-assign, assignment]

    def spi_calls(
        self, gate: Any, bufsiz: int, message_max: int, device: _fastpath.SpiDeviceC
    ) -> tuple[Callable[..., None], Callable[..., bytes]] | None:
        cls = type(device)
        return (
            _fastpath.SpiWriter(gate, bufsiz, device, False, cls.write),  # type: ignore[attr-defined]
            _fastpath.SpiWriter(gate, message_max, device, True, cls.transfer),  # type: ignore[attr-defined]
        )

    def gpio_values(self, gate: Any, index: dict[Any, int], outputs: int, count: int) -> Any:
        return _fastpath.GpioValues(gate, outputs, index, count)

    def gpio_edge_reads(
        self, gate: Any, capacity: int, pending: Any, lock: Any, cls: type, types: tuple[Any, ...], sequence: Any
    ) -> Any:
        return _fastpath.EdgeReads(gate, capacity, pending, lock, cls, types, sequence)

    def smbus_reads(self, channel: Any, key: object, can: int) -> Any:
        return _fastpath.SmbusReads(channel, key, can)

    def open(self, path: str, flags: int) -> int:
        return os.open(path, flags | os.O_CLOEXEC)

    def close(self, fd: int) -> None:  # replaced per instance in __init__
        os.close(fd)

    def ioctl(self, fd: int, request: int, arg: Any) -> int:  # replaced per instance in __init__
        return int(lib.lhw_ioctl(fd, request, arg))

    def read(self, fd: int, buf: Any, count: int) -> int:  # replaced per instance in __init__
        return int(lib.lhw_read(fd, buf, count))

    def smbus(self, fd: int, read_write: int, command: int, size: int, data: Any) -> int:  # replaced in __init__
        return int(lib.lhw_smbus(fd, read_write, command, size, data))

    def write(self, fd: int, buf: Any, count: int) -> int:  # replaced per instance in __init__
        return int(lib.lhw_write(fd, buf, count))

    def module_parameter(self, module: str, name: str) -> str | None:
        try:
            with open(f"/sys/module/{module}/parameters/{name}") as parameter:
                return parameter.read().strip()
        except OSError:
            return None

    def device_attribute(self, path: str, name: str) -> str | None:
        try:
            with open(f"{_sysfs_dir(path)}/{name}") as attribute:
                return attribute.read().rstrip("\n")
        except OSError:
            return None

    def device_tree_property(self, name: str) -> bytes | None:
        try:
            with open(os.path.join(self.device_tree_dir, self.check_device_tree_name(name)), "rb") as prop:
                return prop.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def sysfs_read(self, path: str) -> str:
        with open(path, encoding="utf-8", errors="replace") as attribute:
            return attribute.read()

    def sysfs_write(self, path: str, text: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
        try:
            os.write(fd, text.encode())  # one write: sysfs hands the store method this buffer whole
        finally:
            os.close(fd)

    def sysfs_list(self, path: str) -> list[str]:
        return sorted(os.listdir(path), key=natural_key)

    def sysfs_target(self, path: str) -> str | None:
        return os.path.realpath(path) if os.path.islink(path) else None

    def configfs_mkdir(self, path: str) -> None:
        os.mkdir(path)

    def configfs_rmdir(self, path: str) -> None:
        os.rmdir(path)

    def device_nodes(self, prefix: str) -> list[str]:
        directory, _, prefix = prefix.rpartition("/")  # "dma_heap/" lists /dev/dma_heap
        base = os.path.join(self.dev_dir, directory) if directory else self.dev_dir
        try:
            names = os.listdir(base)
        except (FileNotFoundError, NotADirectoryError):
            return []
        paths = []
        for name in names:
            if not name.startswith(prefix):
                continue
            path = os.path.join(base, name)
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

    def device_present(self, fd: int) -> bool:
        # A character device's node leaves devtmpfs (the open inode's link count drops to 0, even if a
        # new device takes the same number) and sysfs with the device (i2c-dev, spidev, a GPIO chip);
        # the files hanging off a device (a GPIO line request, anonymous) poll HUP|ERR once it has gone.
        try:
            st = os.fstat(fd)
        except OSError:
            return True  # fd closed meanwhile: not our call to make
        if stat.S_ISCHR(st.st_mode) and (
            st.st_nlink == 0 or not os.path.exists(f"/sys/dev/char/{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}")
        ):
            return False
        poller = select.poll()
        poller.register(fd, 0)  # no events asked: only POLLHUP, POLLERR and POLLNVAL come back
        return not any(events & (select.POLLHUP | select.POLLERR) for _, events in poller.poll(0))

    def set_blocking(self, fd: int, blocking: bool) -> None:
        os.set_blocking(fd, blocking)

    # -- memory-like files (DMA-BUF) ----------------------------------------------------------------

    def lseek(self, fd: int, offset: int, whence: int) -> int:  # replaced per instance in __init__
        return int(lib.lhw_lseek(fd, offset, whence))

    def mmap(self, fd: int, length: int, offset: int, writable: bool) -> memoryview:  # replaced in __init__
        return _fastpath.map_shared(fd, length, offset, writable)

    def dup(self, fd: int) -> int:
        return os.dup(fd)

    def fdinfo(self, fd: int) -> dict[str, str]:
        try:
            with open(f"/proc/self/fdinfo/{fd}", encoding="utf-8", errors="replace") as info:
                text = info.read()
        except FileNotFoundError:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF)) from None
        return parse_fdinfo(text)

    def send_fds(self, sock: socket.socket, data: bytes, fds: Sequence[int]) -> None:
        import socket  # the caller's socket has imported it: only DMA-BUF sharing needs it

        socket.send_fds(sock, [data], list(fds))

    def recv_fds(self, sock: socket.socket, bufsize: int, maxfds: int) -> tuple[bytes, list[int]]:
        import socket

        data, fds, flags, _ = socket.recv_fds(sock, bufsize, maxfds, socket.MSG_CMSG_CLOEXEC)
        if flags & socket.MSG_CTRUNC:
            for fd in fds:
                os.close(fd)
            raise OSError(errno.EMSGSIZE, f"more than {maxfds} file descriptor(s) arrived; the rest were dropped")
        return data, fds
