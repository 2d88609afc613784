"""udmabuf (/dev/udmabuf): dma-bufs made of memfd memory, from one range or a list of ranges.

The device shares the memfd's pages: what the process writes through the memfd, a device
sees through the dma-buf, and back. The kernel wants the memfd sealed against shrinking
(F_SEAL_SHRINK) and *not* against writing (F_SEAL_WRITE / F_SEAL_FUTURE_WRITE), and every
offset and size page-aligned; the functions here check that first and add the seal for you.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterable
from typing import NamedTuple, Optional, Union

from linuxhw._handle import Handle
from linuxhw._kernel import Backend, get_backend
from linuxhw._uapi import ffi, lib
from linuxhw.dmabuf._common import PAGE_SIZE, check_fd, check_size, encode_name, open_node, page_align
from linuxhw.dmabuf.buffer import Buffer

__all__ = ["MemfdRange", "Udmabuf", "create_memfd", "from_memfd", "from_memfd_ranges"]

UDMABUF_PATH = "/dev/udmabuf"
UDMABUF_CHOICE = "udmabuf"  # its name in allocate(prefer=...)
UDMABUF_HINT = "udmabuf needs CONFIG_UDMABUF (modprobe udmabuf)"
LIMITS_HINT = (
    "udmabuf caps a buffer at size_limit_mb (default 64 MiB) and a list at list_limit ranges (default 1024); "
    "see /sys/module/udmabuf/parameters"
)
SEALS_DENIED = lib.F_SEAL_WRITE | lib.F_SEAL_FUTURE_WRITE


class MemfdRange(NamedTuple):
    """``size`` bytes of ``memfd`` from ``offset`` (both page-aligned); ``size=None``: to the end."""

    memfd: int
    offset: int = 0
    size: Optional[int] = None  # noqa: UP045 -- NamedTuple fields are evaluated at runtime (3.9)


RangeSpec = Union[MemfdRange, tuple[int, int, Optional[int]], tuple[int, int], int]


def create_memfd(size: int, name: str = "linuxhw-udmabuf") -> int:
    """A new memfd of ``size`` bytes rounded up to whole pages, sealed with F_SEAL_SHRINK: ready for
    udmabuf. The fd is yours to ``os.close()``; a udmabuf made from it keeps the pages alive."""
    check_size(size)
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {name!r}")
    memfd = os.memfd_create(name, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        os.ftruncate(memfd, page_align(size))
        fcntl.fcntl(memfd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
    except BaseException:
        os.close(memfd)
        raise
    return memfd


def _check_aligned(value: int, what: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int (bytes), not {value!r}")
    if value < minimum or value % PAGE_SIZE:
        raise ValueError(f"{what} must be a multiple of the page size ({PAGE_SIZE}) and >= {minimum}, not {value}")


def prepare_range(spec: RangeSpec, seal: bool, what: str = "") -> tuple[int, int, int]:
    """Check a memfd range as udmabuf will (fd, alignment, bounds, seals) and add F_SEAL_SHRINK if
    ``seal``. Returns (memfd, offset, size). Everything wrong is a ValueError/TypeError."""
    if isinstance(spec, int) and not isinstance(spec, bool):
        spec = MemfdRange(spec)
    if not isinstance(spec, tuple) or not 1 <= len(spec) <= 3:
        raise TypeError(f"{what.rstrip('.') or 'range'} must be a MemfdRange or (memfd, offset, size), not {spec!r}")
    memfd, offset, size = MemfdRange(*spec)
    check_fd(memfd, f"{what}memfd")
    _check_aligned(offset, f"{what}offset", 0)
    try:
        seals = fcntl.fcntl(memfd, fcntl.F_GET_SEALS)
        length = os.fstat(memfd).st_size
    except OSError as exc:
        if exc.errno == errno.EBADF:
            raise ValueError(f"{what}memfd {memfd} is not an open file descriptor") from None
        raise ValueError(
            f"{what}memfd {memfd} is not a memfd: udmabuf takes memory from os.memfd_create() (see create_memfd())"
        ) from None
    if size is None:
        size = length - offset
    _check_aligned(size, f"{what}size", PAGE_SIZE)
    if offset + size > length:
        raise ValueError(f"{what}range {offset}..{offset + size} runs past the end of memfd {memfd} ({length} bytes)")
    if seals & SEALS_DENIED:
        raise ValueError(
            f"{what}memfd {memfd} is sealed against writing (F_SEAL_WRITE/F_SEAL_FUTURE_WRITE): "
            "udmabuf refuses it, as devices write to the pages"
        )
    if not seals & lib.F_SEAL_SHRINK:
        if not seal:
            raise ValueError(f"{what}memfd {memfd} lacks F_SEAL_SHRINK, which udmabuf requires (or pass seal=True)")
        try:
            fcntl.fcntl(memfd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
        except OSError:
            raise ValueError(
                f"cannot seal {what}memfd {memfd} with F_SEAL_SHRINK: create it with os.MFD_ALLOW_SEALING "
                "and without F_SEAL_SEAL"
            ) from None
    return memfd, offset, size


class Udmabuf(Handle):
    """The open /dev/udmabuf device."""

    def __init__(self, path: str = UDMABUF_PATH, *, backend: Backend | None = None) -> None:
        backend = backend or get_backend()
        if not isinstance(path, str) or not path:
            raise TypeError(f"path must be a non-empty str, not {path!r}")
        fd = open_node(backend, path, os.O_RDWR, UDMABUF_HINT)
        super().__init__(backend, fd, path, f"udmabuf device {path}")

    def __repr__(self) -> str:
        return f"<Udmabuf {self.path}{' closed' if self.closed else ''}>"

    def __enter__(self) -> Udmabuf:
        return self

    def create(
        self, memfd: int, offset: int = 0, size: int | None = None, *, seal: bool = True, name: str | None = None
    ) -> Buffer:
        """A dma-buf of ``size`` bytes of ``memfd`` from ``offset`` (UDMABUF_CREATE)."""
        memfd, offset, size = prepare_range(MemfdRange(memfd, offset, size), seal)
        if name is not None:
            encode_name(name)
        return self._create(memfd, offset, size, name)

    def _create(self, memfd: int, offset: int, size: int, name: str | None) -> Buffer:
        """UDMABUF_CREATE for a range already checked (or made right, as allocate() does)."""
        arg = ffi.new("struct udmabuf_create *")
        arg.memfd = memfd
        arg.flags = lib.UDMABUF_FLAGS_CLOEXEC
        arg.offset = offset
        arg.size = size
        ret = self._on_fd(self._backend.ioctl, lib.UDMABUF_CREATE, arg)
        return self._buffer(ret, "create (UDMABUF_CREATE)", name)

    def create_list(self, ranges: Iterable[RangeSpec], *, seal: bool = True, name: str | None = None) -> Buffer:
        """One dma-buf made of several memfd ranges laid end to end (UDMABUF_CREATE_LIST)."""
        if isinstance(ranges, (str, bytes)) or not isinstance(ranges, Iterable):
            raise TypeError(f"ranges must be an iterable of MemfdRange, not {ranges!r}")
        items = [prepare_range(spec, seal, f"ranges[{i}].") for i, spec in enumerate(ranges)]
        if not items:
            raise ValueError("ranges must hold at least one memfd range")
        if name is not None:
            encode_name(name)
        arg = ffi.new("struct udmabuf_create_list *", {"list": len(items)})
        arg.flags = lib.UDMABUF_FLAGS_CLOEXEC
        arg.count = len(items)
        for i, (memfd, offset, size) in enumerate(items):
            arg.list[i].memfd = memfd
            arg.list[i].offset = offset
            arg.list[i].size = size
        ret = self._on_fd(self._backend.ioctl, lib.UDMABUF_CREATE_LIST, arg)
        return self._buffer(ret, f"create from {len(items)} ranges (UDMABUF_CREATE_LIST)", name)

    def allocate(self, size: int, *, name: str | None = None) -> Buffer:
        """A zeroed buffer of ``size`` bytes rounded up to pages, on a fresh memfd (closed here; the
        buffer keeps its pages)."""
        if name is not None:
            encode_name(name)
        memfd = create_memfd(size)  # page-aligned and sealed with F_SEAL_SHRINK: what create() checks for
        try:
            return self._create(memfd, 0, page_align(size), name)
        finally:
            os.close(memfd)

    def _buffer(self, ret: int, operation: str, name: str | None) -> Buffer:
        if ret < 0:
            hint = ""
            if -ret == errno.EINVAL:
                hint = LIMITS_HINT
            elif -ret == errno.EBADFD:
                hint = "a range's fd is not a memfd (shmem) file"
            self._raise_kernel_error(-ret, operation, hint)
        return Buffer._fresh(self._backend, ret, self.path, UDMABUF_CHOICE, name)


def from_memfd(
    memfd: int,
    offset: int = 0,
    size: int | None = None,
    *,
    seal: bool = True,
    name: str | None = None,
    backend: Backend | None = None,
) -> Buffer:
    """A dma-buf sharing ``size`` bytes of ``memfd`` from ``offset`` (opens /dev/udmabuf for the call)."""
    with Udmabuf(backend=backend) as device:
        return device.create(memfd, offset, size, seal=seal, name=name)


def from_memfd_ranges(
    ranges: Iterable[RangeSpec], *, seal: bool = True, name: str | None = None, backend: Backend | None = None
) -> Buffer:
    """A dma-buf made of several memfd ranges, end to end (opens /dev/udmabuf for the call)."""
    with Udmabuf(backend=backend) as device:
        return device.create_list(ranges, seal=seal, name=name)
