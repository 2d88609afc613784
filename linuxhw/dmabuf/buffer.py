"""Buffer: one dma-buf fd — size, CPU mapping, CPU-access bracketing, name, sync_file fences, fdinfo."""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import select
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from linuxhw._handle import Handle
from linuxhw._kernel import Backend, get_backend
from linuxhw._uapi import ffi, lib
from linuxhw.dmabuf._common import check_fd, discard_fd, encode_name
from linuxhw.errors import UnsupportedError, device_error

__all__ = ["Buffer", "BufferInfo", "SyncFile"]

SYNC_FILE_HINT = "exporting and importing sync_file fences needs Linux 6.0 or newer built with CONFIG_SYNC_FILE"
_RESTART = (errno.EINTR, errno.EAGAIN)


@dataclass(frozen=True)
class BufferInfo:
    """What the kernel shows about a dma-buf in /proc/self/fdinfo.

    ``count`` is the number of references to the buffer's file: open fds, and for each
    mapping the mapping itself plus the fd Python's ``mmap`` keeps; ``name`` is None until set.
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
        """Block until the fences signalled (True) or ``timeout`` seconds passed (False)."""
        poller = select.poll()
        poller.register(self._kernel_fd(), select.POLLIN)
        return bool(poller.poll(None if timeout is None else max(0.0, timeout) * 1000))

    @property
    def signaled(self) -> bool:
        """True when every fence in the snapshot has signalled (a poll that does not block)."""
        return self.wait(0)


class Buffer(Handle):
    """A dma-buf: shared memory a device can DMA to and from, as an fd.

    Get one from :meth:`Heap.allocate`, :func:`allocate`, the udmabuf functions,
    :func:`receive_buffer` or :meth:`Buffer.from_fd`. ``size`` is the kernel's (page-rounded)
    size, read back from the fd. :meth:`map` gives a writable ``memoryview`` (numpy.frombuffer,
    struct.pack_into, file.readinto, ... all take it); bracket CPU access with :meth:`cpu_access`.
    """

    def __init__(
        self, backend: Backend, fd: int, path: str, exporter: str, *, size: int | None = None, writable: bool = True
    ) -> None:
        """Own ``fd`` (closed on failure too). Use the factories above rather than this."""
        super().__init__(backend, fd, path, f"dma-buf ({exporter}) from {path}")
        self.exporter = exporter
        self.writable = writable
        self._map: mmap.mmap | None = None
        self._sync_arg = ffi.new("struct dma_buf_sync *")
        if size is None:
            ret = backend.lseek(fd, 0, os.SEEK_END)
            if ret < 0:
                self.close()
                raise device_error(-ret, path, "read the buffer size (lseek SEEK_END)")
            size = ret
        self.size: int = size

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

    def map(self) -> memoryview:
        """The whole buffer mapped into this process (MAP_SHARED), as a memoryview.

        Writable unless the fd was opened read-only. The mapping is made once per Buffer;
        each call returns a new view of it. It stays valid while any view (or numpy array
        made from one) is alive, even after :meth:`close`.
        """
        mapping = self._map
        if mapping is None:
            fd = self._kernel_fd()
            try:
                mapping = self._backend.mmap(fd, self.size, 0, self.writable)
            except OSError as exc:
                err = exc.errno or errno.EIO
                hint = "the fd was opened without write access" if err == errno.EACCES else ""
                self._raise_kernel_error(err, "mmap", hint)
            self._map = mapping
        return memoryview(mapping)

    @property
    def mapped(self) -> bool:
        """True while :meth:`map` has a mapping in place."""
        return self._map is not None

    def unmap(self) -> None:
        """Drop the mapping now; raises BufferError while views of it (or numpy arrays) are alive."""
        mapping = self._map
        if mapping is None:
            return
        try:
            mapping.close()
        except BufferError:
            raise BufferError(
                "cannot unmap: memoryviews or arrays from map() still use the mapping; release them first"
            ) from None
        self._map = None

    def close(self) -> None:
        """Close the fd and unmap (the mapping lingers until the last view of it is gone)."""
        mapping, self._map = self._map, None
        if mapping is not None:
            with contextlib.suppress(BufferError):  # views are alive: unmapped when the last one goes
                mapping.close()
        super().close()

    # -- CPU access bracketing ----------------------------------------------------------------------

    def _sync(self, flags: int, operation: str) -> None:
        """DMA_BUF_IOCTL_SYNC, restarted while the kernel says EINTR/EAGAIN (as its doc requires)."""
        arg = self._sync_arg
        arg.flags = flags
        fd = self._kernel_fd()
        ioctl = self._backend.ioctl
        while True:
            ret = ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, arg)
            if ret >= 0:
                return
            if -ret not in _RESTART:
                hint = ""
                if -ret == errno.EINVAL and flags & lib.DMA_BUF_SYNC_END:
                    hint = "END without a matching START (udmabuf refuses that)"
                self._raise_kernel_error(-ret, operation, hint)

    def begin_cpu_access(self, *, read: bool | None = None, write: bool | None = None) -> None:
        """DMA_BUF_IOCTL_SYNC START: make the device's writes visible before the CPU touches the map."""
        self._sync(lib.DMA_BUF_SYNC_START | _direction(read, write), "begin CPU access (DMA_BUF_IOCTL_SYNC START)")

    def end_cpu_access(self, *, read: bool | None = None, write: bool | None = None) -> None:
        """DMA_BUF_IOCTL_SYNC END: hand the CPU's writes back to devices. Use the flags START had."""
        self._sync(lib.DMA_BUF_SYNC_END | _direction(read, write), "end CPU access (DMA_BUF_IOCTL_SYNC END)")

    @contextmanager
    def cpu_access(self, *, read: bool | None = None, write: bool | None = None) -> Iterator[memoryview]:
        """``with buf.cpu_access(write=True) as view:`` — START before the block, END after it.

        ``read``/``write`` say what the CPU does: both when neither is given, else only what is
        set (``cpu_access(write=True)`` is write-only). Yields :meth:`map`'s view. END is issued
        even when the block raises (then the block's exception propagates, not an END failure).
        """
        direction = _direction(read, write)
        view = self.map()
        self._sync(lib.DMA_BUF_SYNC_START | direction, "begin CPU access (DMA_BUF_IOCTL_SYNC START)")
        try:
            yield view
        except BaseException:
            fd = self._fd
            if fd >= 0:
                self._sync_arg.flags = lib.DMA_BUF_SYNC_END | direction
                self._backend.ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, self._sync_arg)
            raise
        self._sync(lib.DMA_BUF_SYNC_END | direction, "end CPU access (DMA_BUF_IOCTL_SYNC END)")

    # -- name and info ------------------------------------------------------------------------------

    def info(self) -> BufferInfo:
        """Size, exporter, name and reference count as /proc/self/fdinfo shows them."""
        fd = self._kernel_fd()
        try:
            fields = self._backend.fdinfo(fd)
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
        ret = self._backend.ioctl(self._kernel_fd(), lib.DMA_BUF_SET_NAME, ffi.new("char[]", raw))
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
        ret = self._backend.ioctl(self._kernel_fd(), lib.DMA_BUF_IOCTL_EXPORT_SYNC_FILE, arg)
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
        ret = self._backend.ioctl(self._kernel_fd(), lib.DMA_BUF_IOCTL_IMPORT_SYNC_FILE, arg)
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
            fd = self._backend.dup(self._kernel_fd())
        except OSError as exc:
            self._raise_kernel_error(exc.errno or errno.EMFILE, "dup")
        return Buffer(self._backend, fd, self.path, self.exporter, size=self.size, writable=self.writable)
