"""Mock DMA-BUF: memfd-backed heaps, /dev/udmabuf and the dma-buf files they export.

Each rule below is the kernel's (drivers/dma-buf/ of Linux 6.12, checked in the VM tier):

- DMA_HEAP_IOCTL_ALLOC: ``len`` is rounded up to pages and 0 after rounding is EINVAL; ``fd``
  must be 0 on input; ``fd_flags`` outside O_CLOEXEC|O_ACCMODE and any ``heap_flags`` are EINVAL;
  ``len`` is not written back; the memory is zeroed. An ioctl number other than 0 is EINVAL.
- A dma-buf file: read/write EINVAL; only ``lseek(fd, 0, SEEK_END|SEEK_SET)``; mmap is MAP_SHARED,
  EINVAL past the end, EACCES for a write mapping of an O_RDONLY buffer; fdinfo shows ``size``,
  ``count`` (open files plus mappings), ``exp_name`` and, once set, ``name``.
- DMA_BUF_IOCTL_SYNC: flags outside 0x7 or neither READ nor WRITE: EINVAL. A udmabuf answers
  END before its first START with EINVAL. DMA_BUF_SET_NAME: 32 bytes or more (with the NUL) EINVAL.
  Sync-file export/import: flags must be a non-empty subset of READ|WRITE, else EINVAL; import of
  an fd that is not a sync_file: EINVAL; ENOTTY on a kernel without CONFIG_SYNC_FILE.
- UDMABUF_CREATE(_LIST): offsets and sizes page-aligned, total pages > 0 and within
  ``size_limit_mb``, count within ``list_limit`` (else EINVAL); an fd that is not open or not shmem:
  EBADFD; seals must include F_SEAL_SHRINK and exclude F_SEAL_WRITE/F_SEAL_FUTURE_WRITE (EINVAL);
  a range past the memfd's end: EINVAL. The new fd is the return value; the dma-buf shares the
  memfd's pages (the mock maps the memfd ranges side by side into one mapping).

A mock dma-buf fd is a real memfd (heaps: the one holding the memory), so it polls readable and
writable like an idle dma-buf. Between processes the mock passes, besides that fd, the memfds
holding the memory and a snapshot of the buffer's state (exporter, name) in a sealed memfd.
"""

from __future__ import annotations

import errno
import fcntl
import mmap
import os
from collections import deque
from typing import TYPE_CHECKING, Any

from linuxhw._fastpath import mapping_view
from linuxhw._kernel.formats import parse_fdinfo
from linuxhw._uapi import ffi, lib
from linuxhw.mock._file import MockFile

if TYPE_CHECKING:
    import socket
    from collections.abc import Sequence

    from linuxhw.mock.board import Board

__all__ = ["MockDmaHeap", "MockUdmabuf", "dma_buf_core"]

PAGE_SIZE = mmap.PAGESIZE
U64_MASK = (1 << 64) - 1
SCM_MAX_FD = 253
STATE_MEMFD_NAME = "linuxhw-mock-dmabuf-state"
UDMABUF_SEALS_WANTED = lib.F_SEAL_SHRINK
UDMABUF_SEALS_DENIED = lib.F_SEAL_WRITE | lib.F_SEAL_FUTURE_WRITE


def page_align(length: int) -> int:
    """PAGE_ALIGN() on a 64-bit length: wraps to 0 near 2**64, as the kernel's does."""
    return (length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) & U64_MASK


class DmaBufCore:
    """State of the mock's dma-buf core: build options and the inode counter of dma_buf_getfile()."""

    def __init__(self) -> None:
        self.sync_file = True
        self.next_inode = 1


def dma_buf_core(board: Board) -> DmaBufCore:
    """The board's dma-buf core, created on first use."""
    core: DmaBufCore | None = getattr(board, "_dma_buf_core", None)
    if core is None:
        core = DmaBufCore()
        board._dma_buf_core = core  # type: ignore[attr-defined]
    return core


class _Exporter:
    """What heaps and udmabuf share: a queue of errors to inject into the next DMA_BUF_IOCTL_SYNC STARTs."""

    exp_name: str

    def __init__(self) -> None:
        self.sync_faults: deque[int] = deque()

    def interrupt_sync(self, times: int = 1, err: int = errno.EINTR) -> None:
        """Make the next ``times`` CPU-access STARTs on buffers from here fail with ``err``
        (EINTR/EAGAIN: a signal or a fence wait interrupted them; the caller must restart)."""
        if times < 1:
            raise ValueError(f"times must be >= 1, not {times!r}")
        self.sync_faults.extend([err] * times)

    def freed(self, size: int) -> None:
        """A buffer of ``size`` bytes from here was released."""


class DmaBuf:
    """A ``struct dma_buf``: the memory (memfd ranges), exporter name, name and references."""

    def __init__(
        self,
        core: DmaBufCore,
        exporter: _Exporter | None,
        exp_name: str,
        size: int,
        identity: int,
        segments: list[tuple[int, int, int]],
        name: bytes | None = None,
    ) -> None:
        self.exporter = exporter  # None for a buffer received from another process
        self.exp_name = exp_name
        self.size = size
        self.identity = identity  # the real fd each open file dup()s
        self.segments = segments  # (memfd, offset, length): the memory, in order
        self.name = name
        self.inode = core.next_inode
        core.next_inode += 1
        self.files = 0
        self.maps = 0  # live mappings
        self.cpu_prepared = False  # udmabuf builds its sg table on the first START

    @property
    def count(self) -> int:
        """fdinfo's count: references to the file — open fds and live mappings."""
        return self.files + self.maps

    def unmapped(self) -> None:
        self.maps -= 1

    def release(self) -> None:
        os.close(self.identity)
        for fd, _, _ in self.segments:
            os.close(fd)
        if self.exporter is not None:
            self.exporter.freed(self.size)

    def begin_cpu_access(self) -> int:
        if self.exporter is not None and self.exporter.sync_faults:
            return -self.exporter.sync_faults.popleft()
        self.cpu_prepared = True
        return 0

    def end_cpu_access(self) -> int:
        if isinstance(self.exporter, MockUdmabuf) and not self.cpu_prepared:
            return -errno.EINVAL  # end_cpu_udmabuf() without an sg table
        return 0


class DmaBufFile(MockFile):
    """An open dma-buf. Unlike other mock files its fd is not a pipe but a memfd, which polls
    readable and writable like a dma-buf without fences."""

    def __init__(self, board: Board, buf: DmaBuf, flags: int) -> None:
        # MockFile.__init__ would make a pipe; this file's fd is its own dup of the buffer's memfd.
        self.fd = os.dup(buf.identity)
        self._wake = -1
        self.nonblocking = False
        self._readable = False
        self.board = board
        self.buf = buf
        self.flags = flags
        buf.files += 1

    def ioctl(self, request: int, arg: Any) -> int:
        buf = self.buf
        if request == lib.DMA_BUF_IOCTL_SYNC:
            flags = arg.flags
            if flags & ~lib.DMA_BUF_SYNC_VALID_FLAGS_MASK or not flags & lib.DMA_BUF_SYNC_RW:
                return -errno.EINVAL
            return buf.end_cpu_access() if flags & lib.DMA_BUF_SYNC_END else buf.begin_cpu_access()
        if request in (lib.DMA_BUF_SET_NAME_A, lib.DMA_BUF_SET_NAME_B):
            name = ffi.string(ffi.cast("char *", arg), lib.DMA_BUF_NAME_LEN)
            if len(name) >= lib.DMA_BUF_NAME_LEN:
                return -errno.EINVAL  # strndup_user(): no NUL within DMA_BUF_NAME_LEN bytes
            buf.name = name
            return 0
        if request in (lib.DMA_BUF_IOCTL_EXPORT_SYNC_FILE, lib.DMA_BUF_IOCTL_IMPORT_SYNC_FILE):
            if not dma_buf_core(self.board).sync_file:
                return -errno.ENOTTY
            if arg.flags & ~lib.DMA_BUF_SYNC_RW or not arg.flags & lib.DMA_BUF_SYNC_RW:
                return -errno.EINVAL
            if request == lib.DMA_BUF_IOCTL_EXPORT_SYNC_FILE:
                arg.fd = self.board.install(SyncFile())  # the mock has no fences: a signalled stub
                return 0
            if not isinstance(self.board._files.get(arg.fd), SyncFile):
                return -errno.EINVAL
            return 0
        return -errno.ENOTTY

    def release(self) -> None:
        os.close(self.fd)
        self.buf.files -= 1
        if self.buf.files == 0:
            self.buf.release()


class SyncFile(MockFile):
    """A sync_file fd of an already signalled fence: pollable, readable at once."""

    def __init__(self) -> None:
        super().__init__()
        self.set_readable(True)


# -- heaps ------------------------------------------------------------------------------------------


class MockDmaHeap(_Exporter):
    """A DMA-BUF heap at /dev/dma_heap/<name>: memfd-backed buffers, zeroed, page-rounded."""

    subsystem = "dma_heap"

    def __init__(self, board: Board, name: str, pool_size: int | None) -> None:
        super().__init__()
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"heap name must be a non-empty str without '/', not {name!r}")
        if pool_size is not None and (isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 0):
            raise ValueError(f"pool_size must be None or an int >= 0, not {pool_size!r}")
        self.board = board
        self.name = self.exp_name = name
        self.dev_path = f"/dev/dma_heap/{name}"
        self.attributes: dict[str, str] = {}
        self.pool_size = pool_size
        self.in_use = 0

    def __repr__(self) -> str:
        return f"<MockDmaHeap {self.dev_path} in_use={self.in_use}>"

    def open(self, board: Board, flags: int) -> MockFile:
        return _HeapFile(self)

    def freed(self, size: int) -> None:
        self.in_use -= size

    def allocate(self, data: Any) -> int:
        """dma_heap_ioctl_allocate() + the heap's allocate(): 0 with ``data.fd`` set, or -errno."""
        if data.fd or data.fd_flags & ~lib.DMA_HEAP_VALID_FD_FLAGS or data.heap_flags & ~lib.DMA_HEAP_VALID_HEAP_FLAGS:
            return -errno.EINVAL
        length = page_align(data.len)
        if not length:
            return -errno.EINVAL
        limit = self.pool_size if self.pool_size is not None else _physical_memory()
        if self.in_use + length > limit:
            return -errno.ENOMEM
        memfd = os.memfd_create(f"dmabuf:{self.name}", os.MFD_CLOEXEC)
        try:
            os.ftruncate(memfd, length)  # shmem pages read as zero
            identity = os.dup(memfd)
        except OSError as exc:
            os.close(memfd)
            return -(exc.errno or errno.ENOMEM)
        buf = DmaBuf(dma_buf_core(self.board), self, self.name, length, identity, [(memfd, 0, length)])
        self.in_use += length
        data.fd = self.board.install(DmaBufFile(self.board, buf, data.fd_flags))
        return 0


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * PAGE_SIZE
    except (OSError, ValueError):
        return 1 << 40


class _HeapFile(MockFile):
    """An open /dev/dma_heap/<name>."""

    def __init__(self, heap: MockDmaHeap) -> None:
        super().__init__()
        self.heap = heap

    def ioctl(self, request: int, arg: Any) -> int:
        if request == lib.DMA_HEAP_IOCTL_ALLOC:
            return self.heap.allocate(arg)
        return -errno.EINVAL  # dma_heap_ioctl(): only ioctl number 0 exists


# -- udmabuf ----------------------------------------------------------------------------------------


class MockUdmabuf(_Exporter):
    """/dev/udmabuf: dma-bufs made of memfd ranges, with the module's ``size_limit_mb`` and ``list_limit``."""

    subsystem = "misc"
    exp_name = "udmabuf"

    def __init__(self, board: Board, size_limit_mb: int, list_limit: int) -> None:
        super().__init__()
        for name, value in (("size_limit_mb", size_limit_mb), ("list_limit", list_limit)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an int >= 0, not {value!r}")
        self.board = board
        self.dev_path = "/dev/udmabuf"
        self.attributes: dict[str, str] = {}
        self.size_limit_mb = size_limit_mb
        self.list_limit = list_limit

    def __repr__(self) -> str:
        return f"<MockUdmabuf size_limit_mb={self.size_limit_mb} list_limit={self.list_limit}>"

    def open(self, board: Board, flags: int) -> MockFile:
        return _UdmabufFile(self)

    def create(self, flags: int, items: list[tuple[int, int, int]]) -> int:
        """udmabuf_create(): the new fd or -errno (6.12 does not check ``flags`` beyond CLOEXEC)."""
        page_limit = (self.size_limit_mb * 1024 * 1024) // PAGE_SIZE
        pages = 0
        for _, offset, size in items:
            if offset % PAGE_SIZE or size % PAGE_SIZE:
                return -errno.EINVAL
            pages += size // PAGE_SIZE
            if pages > page_limit:
                return -errno.EINVAL
        if not pages:
            return -errno.EINVAL
        for memfd, offset, size in items:
            err = _check_memfd(memfd, offset, size)
            if err:
                return err
        segments: list[tuple[int, int, int]] = []
        try:
            for memfd, offset, size in items:
                segments.append((os.dup(memfd), offset, size))
            identity = os.memfd_create("dmabuf:udmabuf", os.MFD_CLOEXEC)
        except OSError as exc:
            for fd, _, _ in segments:
                os.close(fd)
            return -(exc.errno or errno.ENOMEM)
        buf = DmaBuf(dma_buf_core(self.board), self, self.exp_name, pages * PAGE_SIZE, identity, segments)
        file_flags = os.O_RDWR | (os.O_CLOEXEC if flags & lib.UDMABUF_FLAGS_CLOEXEC else 0)
        return self.board.install(DmaBufFile(self.board, buf, file_flags))


def _check_memfd(memfd: int, offset: int, size: int) -> int:
    """check_memfd_seals() and the pin of [offset, offset + size): 0 or -errno."""
    try:
        seals = fcntl.fcntl(memfd, fcntl.F_GET_SEALS)
    except OSError:
        return -errno.EBADFD  # not open, or not shmem/hugetlbfs
    if (seals & UDMABUF_SEALS_WANTED) != UDMABUF_SEALS_WANTED or seals & UDMABUF_SEALS_DENIED:
        return -errno.EINVAL
    if offset + size > os.fstat(memfd).st_size:
        return -errno.EINVAL  # memfd_pin_folios() past the end of the file
    return 0


class _UdmabufFile(MockFile):
    """An open /dev/udmabuf."""

    def __init__(self, device: MockUdmabuf) -> None:
        super().__init__()
        self.device = device

    def ioctl(self, request: int, arg: Any) -> int:
        if request == lib.UDMABUF_CREATE:
            return self.device.create(arg.flags, [(arg.memfd, arg.offset, arg.size)])
        if request == lib.UDMABUF_CREATE_LIST:
            if arg.count > self.device.list_limit:
                return -errno.EINVAL
            items = [(item.memfd, item.offset, item.size) for item in (arg.list[i] for i in range(arg.count))]
            return self.device.create(arg.flags, items)
        return -errno.ENOTTY


# -- Backend calls on mock files ---------------------------------------------------------------------


def _file(board: Board, fd: int) -> MockFile:
    file = board._files.get(fd)
    if file is None:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    return file


def lseek(board: Board, fd: int, offset: int, whence: int) -> int:
    """dma_buf_llseek(): only (0, SEEK_END) -> size and (0, SEEK_SET) -> 0; other mock files can't seek."""
    file = board._files.get(fd)
    if file is None:
        return -errno.EBADF
    if not isinstance(file, DmaBufFile):
        return -errno.ESPIPE
    if offset != 0 or whence not in (os.SEEK_SET, os.SEEK_END):
        return -errno.EINVAL
    return file.buf.size if whence == os.SEEK_END else 0


def map_file(board: Board, fd: int, length: int, offset: int, writable: bool) -> memoryview:
    """mmap(MAP_SHARED) of a mock dma-buf with dma_buf_mmap_internal()'s checks."""
    file = _file(board, fd)
    if not isinstance(file, DmaBufFile):
        raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
    access = file.flags & os.O_ACCMODE
    if access == os.O_WRONLY or (writable and access == os.O_RDONLY):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))
    buf = file.buf
    pages = (length + PAGE_SIZE - 1) // PAGE_SIZE
    if length <= 0 or offset < 0 or offset % PAGE_SIZE or offset // PAGE_SIZE + pages > buf.size // PAGE_SIZE:
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
    addr = _map_segments(buf.segments, length, offset, writable)
    buf.maps += 1  # the vma holds a reference to the file until it is unmapped
    return mapping_view(addr, length, writable, buf.unmapped)


def _map_segments(segments: list[tuple[int, int, int]], length: int, offset: int, writable: bool) -> int:
    """Map [offset, offset + length) of the buffer made of ``segments``: the address."""
    prot = mmap.PROT_READ | (mmap.PROT_WRITE if writable else 0)
    start = 0
    for memfd, seg_offset, seg_length in segments:
        if start <= offset and offset + length <= start + seg_length:
            return _mmap(ffi.NULL, length, prot, memfd, seg_offset + offset - start)
        start += seg_length
    # Spans several memfd ranges: reserve the address range, then map each range over its part.
    base = _mmap(ffi.NULL, length, prot, -1, 0)
    start = 0
    try:
        for memfd, seg_offset, seg_length in segments:
            lo, hi = max(start, offset), min(start + seg_length, offset + length)
            if lo < hi:
                _mmap(ffi.cast("void *", base + lo - offset), hi - lo, prot, memfd, seg_offset + lo - start)
            start += seg_length
    except OSError:
        lib.lhw_munmap(ffi.cast("void *", base), length)
        raise
    return base


def _mmap(addr: Any, length: int, prot: int, fd: int, offset: int) -> int:
    ret = int(lib.lhw_mmap(addr, length, prot, fd, offset))
    if ret < 0:
        raise OSError(-ret, os.strerror(-ret))
    return ret


def dup(board: Board, fd: int) -> int:
    """dup(2) of a mock dma-buf or sync_file (other mock files cannot be duplicated)."""
    file = _file(board, fd)
    if isinstance(file, DmaBufFile):
        return board.install(DmaBufFile(board, file.buf, file.flags | os.O_CLOEXEC))
    if isinstance(file, SyncFile):
        return board.install(SyncFile())
    raise OSError(errno.EOPNOTSUPP, f"the mock board cannot dup a {type(file).__name__}")


def fdinfo(board: Board, fd: int) -> dict[str, str]:
    """/proc/self/fdinfo of a mock fd: the generic fields, plus dma_buf_show_fdinfo()'s. An fd the
    board does not own is a plain file (a memfd, a socket...): its real fdinfo."""
    file = board._files.get(fd)
    if file is None:
        try:
            with open(f"/proc/self/fdinfo/{fd}", encoding="utf-8", errors="replace") as plain:
                return parse_fdinfo(plain.read())
        except FileNotFoundError:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF)) from None
    if not isinstance(file, DmaBufFile):
        return {"pos": "0", "flags": "02000002", "mnt_id": "0", "ino": "0"}
    buf = file.buf
    info = {
        "pos": "0",
        "flags": f"0{file.flags:o}",
        "mnt_id": "0",
        "ino": str(buf.inode),
        "size": str(buf.size),
        "count": str(buf.count),
        "exp_name": buf.exp_name,
    }
    if buf.name is not None:
        info["name"] = buf.name.decode("utf-8", "replace")
    return info


def send_fds(board: Board, sock: socket.socket, data: bytes, fds: Sequence[int]) -> None:
    """SCM_RIGHTS of mock fds: a dma-buf travels as its memfds plus a sealed memfd describing it."""
    import json  # here: a board that never sends a buffer needs neither module
    import socket

    descriptors: list[dict[str, Any] | None] = []
    real_fds: list[int] = []
    for fd in fds:
        file = board._files.get(fd)
        if file is None:
            descriptors.append(None)  # a plain fd, not the mock's: sent as it is
            real_fds.append(fd)
        elif isinstance(file, DmaBufFile):
            buf = file.buf
            descriptors.append(
                {
                    "exp_name": buf.exp_name,
                    "size": buf.size,
                    "flags": file.flags,
                    "name": None if buf.name is None else buf.name.hex(),
                    "segments": [[offset, length] for _, offset, length in buf.segments],
                }
            )
            real_fds.append(buf.identity)
            real_fds.extend(seg_fd for seg_fd, _, _ in buf.segments)
        else:
            raise OSError(errno.EOPNOTSUPP, f"the mock board cannot send a {type(file).__name__}")
    if all(d is None for d in descriptors):
        socket.send_fds(sock, [data], real_fds)
        return
    state = os.memfd_create(STATE_MEMFD_NAME, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        os.write(state, json.dumps(descriptors).encode())
        fcntl.fcntl(state, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SEAL | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK)
        socket.send_fds(sock, [data], [state, *real_fds])
    finally:
        os.close(state)


def recv_fds(board: Board, sock: socket.socket, bufsize: int, maxfds: int) -> tuple[bytes, list[int]]:
    """The other end of :func:`send_fds`: rebuilds received dma-bufs as mock files of this board."""
    import json
    import socket

    data, fds, flags, _ = socket.recv_fds(sock, bufsize, SCM_MAX_FD, socket.MSG_CMSG_CLOEXEC)
    try:
        if flags & socket.MSG_CTRUNC:
            raise OSError(errno.EMSGSIZE, "file descriptors were dropped: too many arrived")
        descriptors: list[dict[str, Any] | None] = [None] * len(fds)
        if fds and os.readlink(f"/proc/self/fd/{fds[0]}").startswith(f"/memfd:{STATE_MEMFD_NAME}"):
            state = fds.pop(0)
            try:
                descriptors = json.loads(os.pread(state, os.fstat(state).st_size, 0))
            finally:
                os.close(state)
        if len(descriptors) > maxfds:
            raise OSError(errno.EMSGSIZE, f"more than {maxfds} file descriptor(s) arrived")
        result = []
        with board.lock:
            for descriptor in descriptors:
                if descriptor is None:
                    result.append(fds.pop(0))
                    continue
                identity = fds.pop(0)
                segments = [(fds.pop(0), offset, length) for offset, length in descriptor["segments"]]
                name = descriptor["name"]
                buf = DmaBuf(
                    dma_buf_core(board),
                    None,
                    descriptor["exp_name"],
                    descriptor["size"],
                    identity,
                    segments,
                    None if name is None else bytes.fromhex(name),
                )
                result.append(board.install(DmaBufFile(board, buf, descriptor["flags"] | os.O_CLOEXEC)))
        return data, result
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
