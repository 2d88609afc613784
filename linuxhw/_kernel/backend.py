"""The calls a backend answers: the handful of syscalls the device packages use."""

from __future__ import annotations

import abc
import errno
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from linuxhw._uapi import ffi, lib

if TYPE_CHECKING:  # a socket is the caller's: who passes one has imported it
    import socket

    from linuxhw._fastpath import SpiDeviceC


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

    def write_bytes(self, fd: int, data: bytes | bytearray) -> int:
        """write(2) of a bytes-like object: bytes written; raises OSError (the real backend is os.write)."""
        return self._check(self.write(fd, ffi.from_buffer(data), len(data)))

    def read_bytes(self, fd: int, count: int) -> bytes:
        """read(2) of up to ``count`` bytes as bytes; raises OSError (the real backend is os.read)."""
        buf = ffi.new("char[]", count)
        return ffi.unpack(buf, self._check(self.read(fd, buf, count)))  # type: ignore[no-any-return]

    def gpio_get_values(self, fd: int, mask: int) -> int:
        """GPIO_V2_LINE_GET_VALUES_IOCTL: the bitmap of values of the request's lines in ``mask``
        (raises OSError; the real backend is the C call in linuxhw._fastpath)."""
        values = ffi.new("struct gpio_v2_line_values *", {"mask": mask})
        self._check(self.ioctl(fd, lib.GPIO_V2_LINE_GET_VALUES_IOCTL, values))
        return int(values.bits)

    def gpio_set_values(self, fd: int, mask: int, bits: int) -> None:
        """GPIO_V2_LINE_SET_VALUES_IOCTL: drive the request's lines in ``mask`` to ``bits`` (raises OSError)."""
        values = ffi.new("struct gpio_v2_line_values *", {"mask": mask, "bits": bits})
        self._check(self.ioctl(fd, lib.GPIO_V2_LINE_SET_VALUES_IOCTL, values))

    def smbus_value(self, fd: int, read_write: int, command: int, size: int, value: int) -> int:
        """One I2C_SMBUS ioctl of a size carrying a byte or a word (QUICK, BYTE, BYTE_DATA, WORD_DATA,
        PROC_CALL): ``value`` goes out, the byte or word that comes back is returned, else 0
        (raises OSError)."""
        data = ffi.new("union i2c_smbus_data *")
        word = size in (lib.I2C_SMBUS_WORD_DATA, lib.I2C_SMBUS_PROC_CALL)
        if word:
            data.word = value
        else:
            data.byte = value
        self._check(self.smbus(fd, read_write, command, size, data))
        answers = size == lib.I2C_SMBUS_PROC_CALL or (read_write == lib.I2C_SMBUS_READ and size != lib.I2C_SMBUS_QUICK)
        return int(data.word if word else data.byte) if answers else 0

    def spi_exchange(self, fd: int, data: bytes | bytearray) -> bytes:
        """SPI_IOC_MESSAGE(1) with one full-duplex transfer of ``data`` at the device's settings:
        the bytes clocked in (raises OSError)."""
        rx = ffi.new("char[]", len(data))
        tx = ffi.from_buffer(data)
        transfer = ffi.new("struct spi_ioc_transfer *", {"len": len(data)})
        transfer.tx_buf = int(ffi.cast("uintptr_t", tx))
        transfer.rx_buf = int(ffi.cast("uintptr_t", rx))
        self._check(self.ioctl(fd, lib.lhw_spi_ioc_message(1), transfer))
        return ffi.unpack(rx, len(data))  # type: ignore[no-any-return]

    def dma_heap_alloc(self, fd: int, length: int, fd_flags: int, heap_flags: int) -> int:
        """DMA_HEAP_IOCTL_ALLOC on a heap: the new dma-buf's fd (raises OSError)."""
        data = ffi.new("struct dma_heap_allocation_data *", {"len": length, "fd_flags": fd_flags})
        data.heap_flags = heap_flags
        self._check(self.ioctl(fd, lib.DMA_HEAP_IOCTL_ALLOC, data))
        return int(data.fd)

    def dma_buf_sync(self, fd: int, flags: int) -> None:
        """DMA_BUF_IOCTL_SYNC, restarted while it says EINTR or EAGAIN as its documentation asks
        (raises OSError)."""
        sync = ffi.new("struct dma_buf_sync *", {"flags": flags})
        ret = self.ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, sync)
        while ret in (-errno.EINTR, -errno.EAGAIN):
            ret = self.ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, sync)
        self._check(ret)

    def spi_calls(
        self, gate: Any, bufsiz: int, message_max: int, device: SpiDeviceC
    ) -> tuple[Callable[..., None], Callable[..., bytes]] | None:
        """C stand-ins for ``device.write`` and ``device.transfer`` on this backend's fds, or None to
        keep the Python ones (the mock: its fds are not the kernel's spidev files)."""
        return None

    def gpio_values(self, gate: Any, index: dict[Any, int], outputs: int, count: int) -> Any:
        """The C state with which LineRequest.get_value/set_value/get_values/set_values (of a request
        of ``count`` lines) make their ioctl with no Python frame on this backend's fds, or None for
        the Python methods (the mock)."""
        return None

    def gpio_edge_reads(
        self, gate: Any, capacity: int, pending: Any, lock: Any, cls: type, types: tuple[Any, ...], sequence: Any
    ) -> Any:
        """The C state with which LineRequest.read_edge_events makes its read() with no Python frame
        on this backend's fds, or None for the Python method (the mock)."""
        return None

    def smbus_reads(self, channel: Any, key: object, can: int) -> Any:
        """The C state with which Device.read_byte_data/read_word_data make their ioctl with no
        Python frame on this backend's fds, or None for the Python methods (the mock)."""
        return None

    @staticmethod
    def _check(ret: int) -> int:
        """``ret`` if it is a result, OSError if it is ``-errno``."""
        if ret < 0:
            raise OSError(-ret, os.strerror(-ret))
        return ret

    @abc.abstractmethod
    def module_parameter(self, module: str, name: str) -> str | None:
        """A kernel module parameter (e.g. spidev's ``bufsiz``), None if absent."""

    @abc.abstractmethod
    def device_attribute(self, path: str, name: str) -> str | None:
        """A sysfs attribute of a character device (e.g. an I2C adapter's ``name``), None if absent."""

    @abc.abstractmethod
    def device_tree_property(self, name: str) -> bytes | None:
        """A property of the device tree the board booted with, as the kernel exports it under
        ``/proc/device-tree`` (``compatible``, ``model``, ``system/linux,revision``): its raw bytes (string
        lists NUL-separated), None where there is no such property or no device tree (x86 PCs)."""

    @staticmethod
    def check_device_tree_name(name: str) -> str:
        """``name`` if it is a relative property path inside the device tree (ValueError otherwise)."""
        if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"a device-tree property is a relative path such as 'model', not {name!r}")
        return name

    # -- sysfs attribute files (PWM's /sys/class/pwm) ---------------------------------------------------

    @abc.abstractmethod
    def sysfs_read(self, path: str) -> str:
        """The text of a sysfs attribute file, as one read(2) returns it (raises OSError: ENOENT when
        it is absent, EACCES where it is write-only or not readable, the ``show`` method's errno)."""

    @abc.abstractmethod
    def sysfs_write(self, path: str, text: str) -> None:
        """Store ``text`` in a sysfs attribute with one write(2), as the kernel's ``store`` method takes
        it (raises OSError with the errno that method answered: EINVAL, EBUSY, ENODEV...)."""

    @abc.abstractmethod
    def sysfs_list(self, path: str) -> list[str]:
        """The entry names of a sysfs directory, in natural order (raises OSError, ENOENT when absent)."""

    @abc.abstractmethod
    def sysfs_target(self, path: str) -> str | None:
        """Where a sysfs symlink (a class device's ``device``, a device's ``subsystem``/``driver``) leads,
        as an absolute path with no ``..``; None when there is no such link."""

    @abc.abstractmethod
    def configfs_mkdir(self, path: str) -> None:
        """mkdir(2) in configfs: the subsystem's ``make_group`` creates the item (an IIO software trigger
        under /sys/kernel/config/iio/triggers/hrtimer/); raises OSError with its errno (EEXIST, ENOENT
        where the subsystem is not loaded, EPERM where the directory makes nothing)."""

    @abc.abstractmethod
    def configfs_rmdir(self, path: str) -> None:
        """rmdir(2) of a configfs item made by :meth:`configfs_mkdir`: the subsystem drops it (raises OSError)."""

    @abc.abstractmethod
    def device_nodes(self, prefix: str) -> list[str]:
        """Paths of character devices in /dev whose name starts with ``prefix``, in natural order."""

    @abc.abstractmethod
    def subsystem(self, path: str) -> str | None:
        """The kernel subsystem of a character device ("gpio", "i2c-dev", ...), None if unknown."""

    @abc.abstractmethod
    def device_present(self, fd: int) -> bool:
        """Whether the device behind ``fd`` is still there: False once it was removed (unplugged, its
        driver unbound). Asked only after a call failed, to tell removal from an everyday errno."""

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
