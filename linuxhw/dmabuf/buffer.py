"""Buffer: one dma-buf fd — size, CPU mapping, CPU-access bracketing, name, sync_file fences, fdinfo."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from typing import NoReturn

from linuxhw import _fastpath
from linuxhw._events import wait_readable
from linuxhw._handle import Handle
from linuxhw._kernel import Backend, get_backend
from linuxhw._uapi import ffi, lib
from linuxhw.dmabuf._common import check_fd, discard_fd, encode_name
from linuxhw.errors import UnsupportedError, device_error

__all__ = ["Buffer", "BufferInfo", "SyncFile"]

_END = lib.DMA_BUF_SYNC_END
SEEK_END = os.SEEK_END
SYNC_FILE_HINT = "exporting and importing sync_file fences needs Linux 6.0 or newer built with CONFIG_SYNC_FILE"


@dataclass(frozen=True)
class BufferInfo:
    """What the kernel shows about a dma-buf in /proc/self/fdinfo.

    ``count`` is the number of references to the buffer's file: open fds and mappings;
    ``name`` is None until set.
    """

    size: int
    exporter: str
    name: str | None
    count: int
    inode: int
    flags: int


def _direction(read: bool | None, write: bool | None) -> int:
    """DMA_BUF_SYNC_READ/WRITE flags: neither given means both; naming one leaves the other off."""
    if read is None and write is None:
        return int(lib.DMA_BUF_SYNC_RW)
    if not isinstance(read, (bool, type(None))) or not isinstance(write, (bool, type(None))):
        raise TypeError(f"read and write must be bools, not read={read!r}, write={write!r}")
    if not (read or write):
        raise ValueError("read=False and write=False: say which access the CPU makes (read, write or both)")
    return (lib.DMA_BUF_SYNC_READ if read else 0) | (lib.DMA_BUF_SYNC_WRITE if write else 0)


class SyncFile(Handle):
    """A sync_file fd: a snapshot of a buffer's fences. Readable (pollable) once they all signalled."""

    def __init__(self, backend: Backend, fd: int, path: str) -> None:
        super().__init__(backend, fd, path, f"sync_file of {path}")

    def __repr__(self) -> str:
        return f"<SyncFile of {self.path} {'closed' if self.closed else f'fd={self._fd}'}>"

    def __enter__(self) -> SyncFile:
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the fences signalled (True) or ``timeout`` seconds passed (False); close()
        from another thread wakes it with ClosedError."""
        return wait_readable(self, timeout)

    @property
    def signaled(self) -> bool:
        """True when every fence in the snapshot has signalled (a poll that does not block)."""
        return self.wait(0)


class Buffer(_fastpath.BufferBase, Handle):
    """A dma-buf: shared memory a device can DMA to and from, as an fd.

    Get one from :meth:`Heap.allocate`, :func:`allocate`, the udmabuf functions,
    :func:`receive_buffer` or :meth:`Buffer.from_fd`. ``size`` is the kernel's (page-rounded)
    size, read back from the fd. :meth:`map` gives a writable ``memoryview`` (numpy.frombuffer,
    struct.pack_into, file.readinto, ... all take it); bracket CPU access with :meth:`cpu_access`.

    The fd, size, mapping, :meth:`map`, :meth:`cpu_access` and :meth:`close` live in the C base
    (linuxhw/_ext/dmabuf.c): one buffer's life is a few syscalls, and Python frames cost more. A
    forgotten Buffer is closed by it with a ResourceWarning. The error messages stay here. Its calls
    run inside the fd's gate (``_gate``, as every Handle's): close() from another thread leaves the
    fd to an mmap or sync in flight, and it is closed once that call has returned.
    """

    def __init__(
        self, backend: Backend, fd: int, path: str, exporter: str, *, size: int | None = None, writable: bool = True
    ) -> None:
        """Own ``fd`` (closed on failure too). Use the factories above rather than this."""
        # Handle.__init__'s weakref.finalize is skipped on purpose: buffers come and go per frame,
        # and the C base's finalizer gives the same guarantee (closed with a ResourceWarning) for less.
        self._backend = backend
        self._fd = fd
        self._gate = _fastpath.FdGate(fd, backend.close)  # a sync in flight on another thread keeps the fd
        self.path = path
        self.exporter = exporter
        self.writable = writable
        if size is None:
            size = backend.lseek(fd, 0, SEEK_END)
            if size < 0:
                self.close()
                raise device_error(-size, path, "read the buffer size (lseek SEEK_END)")
        self.size = size

    @classmethod
    def _fresh(
        cls, backend: Backend, fd: int, path: str, exporter: str, name: str | None, size: int | None = None
    ) -> Buffer:
        """A Buffer for a dma-buf fd just created, named if ``name`` is given (closed if that fails);
        ``size`` when the caller knows it (else it is read back from the fd)."""
        buf = cls(backend, fd, path, exporter, size=size)
        if name is not None:
            try:
                buf.set_name(name)
            except BaseException:
                buf.close()
                raise
        return buf

    @classmethod
    def from_fd(cls, fd: int, *, take: bool = False, backend: Backend | None = None) -> Buffer:
        """Wrap an existing dma-buf fd (from another library, a driver or a socket).

        The fd is checked to be a dma-buf (fdinfo names its exporter). With ``take=False``
        the Buffer works on a dup() and ``fd`` stays yours; with ``take=True`` the Buffer
        owns ``fd`` from this call on and closes it, also when the check fails.
        """
        check_fd(fd)
        backend = backend or get_backend()
        try:
            try:
                fields = backend.fdinfo(fd)
            except OSError as exc:
                err = exc.errno or errno.EBADF
                hint = "not an open file descriptor" if err == errno.EBADF else ""
                raise device_error(err, f"fd {fd}", "read fdinfo", hint) from None
            exporter = fields.get("exp_name")
            if exporter is None:
                raise ValueError(f"fd {fd} is not a dma-buf: /proc/self/fdinfo/{fd} names no exporter (exp_name)")
            writable = int(fields.get("flags", "2"), 8) & os.O_ACCMODE == os.O_RDWR
            if take:
                own = fd
            else:
                try:
                    own = backend.dup(fd)
                except OSError as exc:
                    raise device_error(exc.errno or errno.EBADF, f"fd {fd}", "dup") from None
        except BaseException:
            if take:
                discard_fd(backend, fd)
            raise
        return cls(backend, own, f"dmabuf:{exporter}", exporter, writable=writable)

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"fd={self._fd}"
        return f"<Buffer {self.exporter} {self.size} bytes {state}>"

    def __enter__(self) -> Buffer:
        return self

    @property
    def fd(self) -> int:
        """The dma-buf file descriptor (same as :meth:`fileno`)."""
        return self._kernel_fd()

    # -- CPU mapping --------------------------------------------------------------------------------

    def _map_failed(self, err: int) -> NoReturn:
        """Raise the library's error for a failed mmap of the buffer (called by the C map())."""
        hint = "the fd was opened without write access" if err == errno.EACCES else ""
        self._raise_kernel_error(err, "mmap", hint)

    @property
    def mapped(self) -> bool:
        """True while the Buffer holds a mapping made by :meth:`map`."""
        return self._view is not None

    def unmap(self) -> None:
        """Let go of the mapping: it is unmapped now, or when the last view of it is released."""
        self._view = None

    # -- CPU access bracketing ----------------------------------------------------------------------

    def _sync(self, flags: int, operation: str) -> None:
        """DMA_BUF_IOCTL_SYNC (the backend restarts it while the kernel says EINTR/EAGAIN)."""
        gate = self._gate
        fd = gate.enter()  # the number stays this buffer's while the sync (restarted on EINTR) runs
        try:
            if fd < 0:
                self._raise_closed()
            self._backend.dma_buf_sync(fd, flags)
        except OSError as exc:
            self._sync_failed(exc.errno or errno.EIO, flags, operation)
        finally:
            gate.leave()

    def _sync_failed(self, err: int, flags: int, operation: str) -> NoReturn:
        """Raise the library's error for a failed DMA_BUF_IOCTL_SYNC (also called by the C cpu_access)."""
        hint = "END without a matching START (udmabuf refuses that)" if err == errno.EINVAL and flags & _END else ""
        self._raise_kernel_error(err, operation, hint)

    def begin_cpu_access(self, *, read: bool | None = None, write: bool | None = None) -> None:
        """DMA_BUF_IOCTL_SYNC START: make the device's writes visible before the CPU touches the map."""
        self._sync(lib.DMA_BUF_SYNC_START | _direction(read, write), "begin CPU access (DMA_BUF_IOCTL_SYNC START)")

    def end_cpu_access(self, *, read: bool | None = None, write: bool | None = None) -> None:
        """DMA_BUF_IOCTL_SYNC END: hand the CPU's writes back to devices. Use the flags START had."""
        self._sync(lib.DMA_BUF_SYNC_END | _direction(read, write), "end CPU access (DMA_BUF_IOCTL_SYNC END)")

    # -- name and info ------------------------------------------------------------------------------

    def info(self) -> BufferInfo:
        """Size, exporter, name and reference count as /proc/self/fdinfo shows them."""
        try:
            fields = self._on_fd(self._backend.fdinfo)
        except OSError as exc:
            self._raise_kernel_error(exc.errno or errno.EIO, "read fdinfo")
        try:
            return BufferInfo(
                size=int(fields["size"]),
                exporter=fields["exp_name"],
                name=fields.get("name"),
                count=int(fields["count"]),
                inode=int(fields.get("ino", "0")),
                flags=int(fields.get("flags", "0"), 8),
            )
        except (KeyError, ValueError):
            raise device_error(errno.EBADF, self.path, "read fdinfo", f"not a dma-buf's fdinfo: {fields}") from None

    @property
    def name(self) -> str | None:
        """The buffer's debug name (DMA_BUF_SET_NAME; shown in fdinfo and debugfs), None until set."""
        return self.info().name

    @name.setter
    def name(self, name: str) -> None:
        self.set_name(name)

    def set_name(self, name: str) -> None:
        """Name the buffer: at most 31 bytes of UTF-8 (DMA_BUF_NAME_LEN with its NUL)."""
        raw = encode_name(name)
        ret = self._on_fd(self._backend.ioctl, lib.DMA_BUF_SET_NAME, ffi.new("char[]", raw))
        if ret < 0:
            hint = "this kernel does not rename a buffer a device has attached" if -ret == errno.EBUSY else ""
            self._raise_kernel_error(-ret, "set name (DMA_BUF_SET_NAME)", hint)

    # -- fences -------------------------------------------------------------------------------------

    def export_sync_file(self, *, read: bool | None = None, write: bool | None = None) -> SyncFile:
        """The buffer's current fences as a sync_file (DMA_BUF_IOCTL_EXPORT_SYNC_FILE).

        For writing (the default, or ``write=True``) it waits for every user of the buffer; for
        ``read=True`` alone only for writers.
        Raises UnsupportedError where the kernel lacks it (before 6.0, or no CONFIG_SYNC_FILE).
        """
        arg = ffi.new("struct dma_buf_export_sync_file *")
        arg.flags = _direction(read, write)
        ret = self._on_fd(self._backend.ioctl, lib.DMA_BUF_IOCTL_EXPORT_SYNC_FILE, arg)
        if ret < 0:
            self._raise_kernel_error(-ret, "export sync_file", SYNC_FILE_HINT if -ret == errno.ENOTTY else "")
        return SyncFile(self._backend, arg.fd, self.path)

    def import_sync_file(
        self, sync_file: SyncFile | int, *, read: bool | None = None, write: bool | None = None
    ) -> None:
        """Add a sync_file's fences to the buffer (DMA_BUF_IOCTL_IMPORT_SYNC_FILE): as a write
        fence (the default, or ``write=True``: all later access waits) or a read fence (``read=True``)."""
        fd = sync_file.fileno() if isinstance(sync_file, SyncFile) else check_fd(sync_file, "sync_file")
        arg = ffi.new("struct dma_buf_import_sync_file *")
        arg.flags = _direction(read, write)
        arg.fd = fd
        ret = self._on_fd(self._backend.ioctl, lib.DMA_BUF_IOCTL_IMPORT_SYNC_FILE, arg)
        if ret < 0:
            hint = SYNC_FILE_HINT if -ret == errno.ENOTTY else "not a sync_file fd" if -ret == errno.EINVAL else ""
            self._raise_kernel_error(-ret, "import sync_file", hint)

    def supports_sync_file(self) -> bool:
        """Whether this kernel can export/import sync_files for the buffer (tries an export)."""
        try:
            self.export_sync_file().close()
        except UnsupportedError:
            return False
        return True

    # -- sharing ------------------------------------------------------------------------------------

    def dup(self) -> Buffer:
        """Another Buffer on a dup() of the fd: the same memory, closed independently."""
        try:
            fd = self._on_fd(self._backend.dup)
        except OSError as exc:
            self._raise_kernel_error(exc.errno or errno.EMFILE, "dup")
        return Buffer(self._backend, fd, self.path, self.exporter, size=self.size, writable=self.writable)
