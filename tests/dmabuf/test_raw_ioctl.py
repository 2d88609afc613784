"""Conformance at the syscall level: the mock must answer every bad call with the kernel's errno.

These go straight through the backend (no linuxhw.dmabuf checks in front), so they pin down
what the mock reproduces from drivers/dma-buf/ (checked against Linux 6.12 in the VM tier).
"""

from __future__ import annotations

import errno
import fcntl
import mmap
import os
from collections.abc import Iterator
from typing import Any

import pytest

from linuxhw._uapi import ffi, lib
from tests.dmabuf.conftest import DmaEnv

PAGE = mmap.PAGESIZE
U64_MAX = (1 << 64) - 1


@pytest.fixture
def heap_fd(dma: DmaEnv) -> Iterator[int]:
    fd = dma.backend.open("/dev/dma_heap/system", os.O_RDONLY)
    yield fd
    dma.backend.close(fd)


@pytest.fixture
def udmabuf_fd(dma: DmaEnv) -> Iterator[int]:
    fd = dma.backend.open("/dev/udmabuf", os.O_RDWR)
    yield fd
    dma.backend.close(fd)


@pytest.fixture
def buf_fd(dma: DmaEnv) -> Iterator[int]:
    fd = dma.raw_alloc(PAGE)
    yield fd
    dma.backend.close(fd)


def _alloc(dma: DmaEnv, heap_fd: int, **fields: int) -> tuple[int, Any]:
    data = ffi.new("struct dma_heap_allocation_data *", {"len": PAGE, "fd_flags": os.O_RDWR | os.O_CLOEXEC, **fields})
    ret = dma.backend.ioctl(heap_fd, lib.DMA_HEAP_IOCTL_ALLOC, data)
    if ret == 0:
        dma.backend.close(data.fd)
    return ret, data


@pytest.mark.parametrize(
    "fields",
    [
        {"len": 0},
        {"len": U64_MAX},  # PAGE_ALIGN wraps to 0
        {"fd": 5},
        {"fd_flags": os.O_RDWR | os.O_NONBLOCK},
        {"fd_flags": os.O_RDWR | os.O_APPEND},
        {"heap_flags": 1},
        {"heap_flags": 1 << 63},
    ],
)
def test_bad_allocations(dma: DmaEnv, heap_fd: int, fields: dict[str, int]) -> None:
    assert _alloc(dma, heap_fd, **fields)[0] == -errno.EINVAL


@pytest.mark.parametrize("fd_flags", [os.O_RDWR, os.O_RDONLY, os.O_WRONLY, os.O_RDWR | os.O_CLOEXEC, os.O_ACCMODE])
def test_good_fd_flags(dma: DmaEnv, heap_fd: int, fd_flags: int) -> None:
    assert _alloc(dma, heap_fd, fd_flags=fd_flags)[0] == 0


def test_len_is_not_written_back(dma: DmaEnv, heap_fd: int) -> None:
    ret, data = _alloc(dma, heap_fd, len=1)
    assert ret == 0
    assert data.len == 1
    assert data.fd > 0


def test_unknown_heap_ioctl(dma: DmaEnv, heap_fd: int) -> None:
    unknown = lib.DMA_HEAP_IOCTL_ALLOC + (1 << 0)  # ioctl number 1
    data = ffi.new("struct dma_heap_allocation_data *", {"len": PAGE})
    assert dma.backend.ioctl(heap_fd, unknown, data) == -errno.EINVAL


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (0, -errno.EINVAL),
        (lib.DMA_BUF_SYNC_END, -errno.EINVAL),
        (8, -errno.EINVAL),
        (0x13, -errno.EINVAL),
        (1, 0),
        (2, 0),
        (3, 0),
        (5, 0),
        (6, 0),
        (7, 0),
    ],
)
def test_sync_flags(dma: DmaEnv, buf_fd: int, flags: int, expected: int) -> None:
    assert (
        dma.backend.ioctl(buf_fd, lib.DMA_BUF_IOCTL_SYNC, ffi.new("struct dma_buf_sync *", {"flags": flags}))
        == expected
    )


def test_set_name_length(dma: DmaEnv, buf_fd: int) -> None:
    for name, expected in ((b"a" * 31, 0), (b"b" * 32, -errno.EINVAL), (b"", 0)):
        assert dma.backend.ioctl(buf_fd, lib.DMA_BUF_SET_NAME, ffi.new("char[]", name)) == expected
    assert dma.backend.fdinfo(buf_fd)["name"] == ""
    assert dma.backend.ioctl(buf_fd, lib.DMA_BUF_SET_NAME_A, ffi.new("char[]", b"via-A")) == 0
    assert dma.backend.ioctl(buf_fd, lib.DMA_BUF_SET_NAME_B, ffi.new("char[]", b"via-B")) == 0
    assert dma.backend.fdinfo(buf_fd)["name"] == "via-B"


def test_unknown_dma_buf_ioctl(dma: DmaEnv, buf_fd: int) -> None:
    unknown = lib.DMA_BUF_IOCTL_SYNC + 9  # ioctl number 9
    assert dma.backend.ioctl(buf_fd, unknown, ffi.new("struct dma_buf_sync *")) == -errno.ENOTTY


def test_read_is_einval(dma: DmaEnv, buf_fd: int) -> None:
    assert dma.backend.read(buf_fd, ffi.new("char[16]"), 16) == -errno.EINVAL


@pytest.mark.parametrize(
    ("offset", "whence", "expected"),
    [
        (0, os.SEEK_END, PAGE),
        (0, os.SEEK_SET, 0),
        (0, os.SEEK_CUR, -errno.EINVAL),
        (1, os.SEEK_END, -errno.EINVAL),
        (5, os.SEEK_SET, -errno.EINVAL),
    ],
)
def test_lseek(dma: DmaEnv, buf_fd: int, offset: int, whence: int, expected: int) -> None:
    assert dma.backend.lseek(buf_fd, offset, whence) == expected


@pytest.mark.parametrize(("length", "offset"), [(2 * PAGE, 0), (PAGE, PAGE), (1, PAGE), (0, 0)])
def test_mmap_past_the_end_fails(dma: DmaEnv, buf_fd: int, length: int, offset: int) -> None:
    with pytest.raises(OSError, match="Invalid argument") as exc:
        dma.backend.mmap(buf_fd, length, offset, True)
    assert exc.value.errno == errno.EINVAL


def test_mmap_of_a_read_only_buffer(dma: DmaEnv) -> None:
    fd = dma.raw_alloc(PAGE, fd_flags=os.O_RDONLY)
    try:
        with pytest.raises(PermissionError):
            dma.backend.mmap(fd, PAGE, 0, True)
        mapping = dma.backend.mmap(fd, PAGE, 0, False)
        assert mapping.readonly
        assert mapping[:4] == bytes(4)
        assert dma.backend.fdinfo(fd)["count"] == "2"
        mapping.release()
        del mapping
        assert dma.backend.fdinfo(fd)["count"] == "1"  # unmapped with its last view
        assert dma.backend.fdinfo(fd)["flags"] == "00"
    finally:
        dma.backend.close(fd)


def test_fdinfo_fields(dma: DmaEnv, buf_fd: int) -> None:
    info = dma.backend.fdinfo(buf_fd)
    assert (info["size"], info["count"], info["exp_name"], info["flags"]) == (str(PAGE), "1", "system", "02000002")
    assert "name" not in info
    assert int(info["ino"]) > 0


def test_sync_file_ioctls(dma: DmaEnv, buf_fd: int) -> None:
    export = ffi.new("struct dma_buf_export_sync_file *")
    for flags in (0, 4, 7, 8):
        export.flags = flags
        assert dma.backend.ioctl(buf_fd, lib.DMA_BUF_IOCTL_EXPORT_SYNC_FILE, export) == -errno.EINVAL
    export.flags = lib.DMA_BUF_SYNC_RW
    assert dma.backend.ioctl(buf_fd, lib.DMA_BUF_IOCTL_EXPORT_SYNC_FILE, export) == 0
    sync_fd = export.fd
    try:
        assert fcntl.fcntl(sync_fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC
        imp = ffi.new("struct dma_buf_import_sync_file *", {"flags": lib.DMA_BUF_SYNC_WRITE, "fd": sync_fd})
        assert dma.backend.ioctl(buf_fd, lib.DMA_BUF_IOCTL_IMPORT_SYNC_FILE, imp) == 0
        for flags, fd in ((0, sync_fd), (9, sync_fd), (lib.DMA_BUF_SYNC_READ, buf_fd), (lib.DMA_BUF_SYNC_READ, 999)):
            imp.flags, imp.fd = flags, fd
            assert dma.backend.ioctl(buf_fd, lib.DMA_BUF_IOCTL_IMPORT_SYNC_FILE, imp) == -errno.EINVAL
    finally:
        dma.backend.close(sync_fd)


# -- udmabuf --------------------------------------------------------------------------------------


@pytest.fixture
def memfds() -> Iterator[list[int]]:
    made: list[int] = []
    yield made
    for fd in made:
        os.close(fd)


def _memfd(made: list[int], size: int = 4 * PAGE, seals: int = fcntl.F_SEAL_SHRINK, sealing: bool = True) -> int:
    fd = os.memfd_create("raw-test", os.MFD_CLOEXEC | (os.MFD_ALLOW_SEALING if sealing else 0))
    made.append(fd)
    os.ftruncate(fd, size)
    if seals:
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)
    return fd


def _create(dma: DmaEnv, udmabuf_fd: int, memfd: int, offset: int, size: int, flags: int = 1) -> int:
    arg = ffi.new("struct udmabuf_create *", {"memfd": memfd, "flags": flags, "offset": offset, "size": size})
    ret = dma.backend.ioctl(udmabuf_fd, lib.UDMABUF_CREATE, arg)
    if ret >= 0:
        assert dma.backend.lseek(ret, 0, os.SEEK_END) == size
        assert dma.backend.fdinfo(ret)["exp_name"] == "udmabuf"
        dma.backend.close(ret)
        return 0
    return ret


def _create_list(dma: DmaEnv, udmabuf_fd: int, items: list[tuple[int, int, int]], count: int | None = None) -> int:
    arg = ffi.new("struct udmabuf_create_list *", {"list": max(1, len(items))})
    arg.flags = lib.UDMABUF_FLAGS_CLOEXEC
    arg.count = len(items) if count is None else count
    for i, (memfd, offset, size) in enumerate(items):
        arg.list[i] = {"memfd": memfd, "offset": offset, "size": size}
    ret = dma.backend.ioctl(udmabuf_fd, lib.UDMABUF_CREATE_LIST, arg)
    if ret >= 0:
        assert dma.backend.lseek(ret, 0, os.SEEK_END) == sum(size for _, _, size in items)
        dma.backend.close(ret)
        return 0
    return ret


SHRINK, GROW, WRITE = fcntl.F_SEAL_SHRINK, fcntl.F_SEAL_GROW, fcntl.F_SEAL_WRITE


@pytest.mark.parametrize(
    ("seals", "sealing", "expected"),
    [
        (SHRINK, True, 0),
        (SHRINK | GROW, True, 0),
        (0, True, -errno.EINVAL),
        (0, False, -errno.EINVAL),
        (SHRINK | WRITE, True, -errno.EINVAL),
        (SHRINK | lib.F_SEAL_FUTURE_WRITE, True, -errno.EINVAL),
    ],
)
def test_udmabuf_seals(
    dma: DmaEnv, udmabuf_fd: int, memfds: list[int], seals: int, sealing: bool, expected: int
) -> None:
    assert _create(dma, udmabuf_fd, _memfd(memfds, seals=seals, sealing=sealing), 0, PAGE) == expected


@pytest.mark.parametrize(
    ("offset", "size", "expected"),
    [
        (0, 4 * PAGE, 0),
        (PAGE, 2 * PAGE, 0),
        (100, PAGE, -errno.EINVAL),
        (0, 100, -errno.EINVAL),
        (0, 0, -errno.EINVAL),
        (2 * PAGE, 4 * PAGE, -errno.EINVAL),  # past the end of the memfd
        (16 * PAGE, PAGE, -errno.EINVAL),
    ],
)
def test_udmabuf_ranges(dma: DmaEnv, udmabuf_fd: int, memfds: list[int], offset: int, size: int, expected: int) -> None:
    assert _create(dma, udmabuf_fd, _memfd(memfds), offset, size) == expected


def test_udmabuf_flags_beyond_cloexec_are_ignored(dma: DmaEnv, udmabuf_fd: int, memfds: list[int]) -> None:
    """Linux 6.12 does not check them (later kernels may answer EINVAL)."""
    for flags in (0, 1, 2):
        assert _create(dma, udmabuf_fd, _memfd(memfds), 0, PAGE, flags) == 0


def test_udmabuf_fds_that_are_not_shmem(dma: DmaEnv, udmabuf_fd: int, memfds: list[int]) -> None:
    unused = os.dup(0)
    os.close(unused)
    assert _create(dma, udmabuf_fd, unused, 0, PAGE) == -errno.EBADFD
    read_end, write_end = os.pipe()
    memfds += [read_end, write_end]
    assert _create(dma, udmabuf_fd, read_end, 0, PAGE) == -errno.EBADFD


def test_udmabuf_size_limit(dma: DmaEnv, udmabuf_fd: int, memfds: list[int]) -> None:
    big = _memfd(memfds, 65 << 20)
    assert _create(dma, udmabuf_fd, big, 0, 64 << 20) == 0
    assert _create(dma, udmabuf_fd, big, 0, 65 << 20) == -errno.EINVAL
    assert _create_list(dma, udmabuf_fd, [(big, 0, 32 << 20), (big, 0, 33 << 20)]) == -errno.EINVAL


def test_udmabuf_lists(dma: DmaEnv, udmabuf_fd: int, memfds: list[int]) -> None:
    first, second, unsealed = _memfd(memfds), _memfd(memfds, 2 * PAGE), _memfd(memfds, seals=0)
    assert _create_list(dma, udmabuf_fd, [(first, PAGE, PAGE), (second, 0, 2 * PAGE), (first, 0, PAGE)]) == 0
    assert _create_list(dma, udmabuf_fd, []) == -errno.EINVAL
    assert _create_list(dma, udmabuf_fd, [(first, 0, PAGE)], count=1025) == -errno.EINVAL
    assert _create_list(dma, udmabuf_fd, [(first, 0, PAGE), (unsealed, 0, PAGE)]) == -errno.EINVAL
    assert _create_list(dma, udmabuf_fd, [(first, 0, PAGE), (second, PAGE, 100)]) == -errno.EINVAL


def test_udmabuf_end_before_start(dma: DmaEnv, udmabuf_fd: int, memfds: list[int]) -> None:
    arg = ffi.new("struct udmabuf_create *", {"memfd": _memfd(memfds), "flags": 1, "size": PAGE})
    fd = dma.backend.ioctl(udmabuf_fd, lib.UDMABUF_CREATE, arg)
    assert fd > 0
    try:
        sync = ffi.new("struct dma_buf_sync *", {"flags": lib.DMA_BUF_SYNC_END | lib.DMA_BUF_SYNC_RW})
        assert dma.backend.ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, sync) == -errno.EINVAL  # no sg table yet
        sync.flags = lib.DMA_BUF_SYNC_START | lib.DMA_BUF_SYNC_READ
        assert dma.backend.ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, sync) == 0
        sync.flags = lib.DMA_BUF_SYNC_END | lib.DMA_BUF_SYNC_RW
        assert dma.backend.ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, sync) == 0
    finally:
        dma.backend.close(fd)


def test_unknown_udmabuf_ioctl(dma: DmaEnv, udmabuf_fd: int) -> None:
    assert dma.backend.ioctl(udmabuf_fd, lib.UDMABUF_CREATE + 2, ffi.new("struct udmabuf_create *")) == -errno.ENOTTY
