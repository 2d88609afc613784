"""udmabuf through the API: memfd checks and sealing, shared pages, lists of ranges."""

from __future__ import annotations

import fcntl
import mmap
import os
from collections.abc import Iterator

import pytest

from linuxhw import DeviceError, dmabuf
from tests.dmabuf.conftest import DmaEnv

PAGE = mmap.PAGESIZE


@pytest.fixture
def fds() -> Iterator[list[int]]:
    """Plain fds a test makes; closed afterwards."""
    made: list[int] = []
    yield made
    for fd in made:
        os.close(fd)


def test_create_memfd_rounds_to_pages_and_seals_shrink(fds: list[int]) -> None:
    memfd = dmabuf.create_memfd(PAGE + 1)
    fds.append(memfd)
    assert os.fstat(memfd).st_size == 2 * PAGE
    assert fcntl.fcntl(memfd, fcntl.F_GET_SEALS) == fcntl.F_SEAL_SHRINK
    with pytest.raises(ValueError, match="size must be 1"):
        dmabuf.create_memfd(0)


def test_from_memfd_shares_the_pages(dma: DmaEnv, fds: list[int]) -> None:
    memfd = dmabuf.create_memfd(4 * PAGE)
    fds.append(memfd)
    os.pwrite(memfd, b"from the memfd", PAGE)
    with dmabuf.from_memfd(memfd, PAGE, 2 * PAGE, name="shared") as buf:
        assert (buf.size, buf.exporter, buf.name, buf.path) == (2 * PAGE, "udmabuf", "shared", "/dev/udmabuf")
        with buf.cpu_access() as view:
            assert view[:14].tobytes() == b"from the memfd"
            view[PAGE : PAGE + 7] = b"from us"
    assert os.pread(memfd, 7, 2 * PAGE) == b"from us"  # the memfd's own pages changed


def test_from_memfd_defaults_to_the_rest_of_the_memfd(dma: DmaEnv, fds: list[int]) -> None:
    memfd = dmabuf.create_memfd(3 * PAGE)
    fds.append(memfd)
    with dmabuf.Udmabuf() as device, device.create(memfd, offset=PAGE) as buf:
        assert buf.size == 2 * PAGE


def test_sealing_is_done_for_you(dma: DmaEnv, fds: list[int]) -> None:
    memfd = os.memfd_create("unsealed", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    fds.append(memfd)
    os.ftruncate(memfd, PAGE)
    with pytest.raises(ValueError, match="lacks F_SEAL_SHRINK, which udmabuf requires"):
        dmabuf.from_memfd(memfd, seal=False)
    with dmabuf.from_memfd(memfd) as buf:
        assert buf.size == PAGE
    assert fcntl.fcntl(memfd, fcntl.F_GET_SEALS) & fcntl.F_SEAL_SHRINK


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("no-sealing", "create it with os.MFD_ALLOW_SEALING"),
        ("write-sealed", r"sealed against writing \(F_SEAL_WRITE/F_SEAL_FUTURE_WRITE\): udmabuf refuses it"),
        ("pipe", "is not a memfd: udmabuf takes memory from os.memfd_create"),
        ("closed", "is not an open file descriptor"),
    ],
)
def test_memfds_udmabuf_would_refuse(dma: DmaEnv, fds: list[int], make: str, message: str) -> None:
    if make == "pipe":
        memfd, write_end = os.pipe()
        fds += [memfd, write_end]
    elif make == "closed":
        memfd = 999
        with pytest.raises(OSError, match="Bad file descriptor"):
            os.fstat(memfd)
    else:
        memfd = os.memfd_create(make, os.MFD_CLOEXEC | (os.MFD_ALLOW_SEALING if make == "write-sealed" else 0))
        fds.append(memfd)
        os.ftruncate(memfd, PAGE)
        if make == "write-sealed":
            fcntl.fcntl(memfd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_WRITE)
    with pytest.raises(ValueError, match=message):
        dmabuf.from_memfd(memfd, size=PAGE)


@pytest.mark.parametrize(
    ("offset", "size", "message"),
    [
        (100, None, r"offset must be a multiple of the page size \(\d+\) and >= 0, not 100"),
        (-PAGE, None, "offset must be a multiple"),
        (0, 100, r"size must be a multiple of the page size \(\d+\) and >= \d+, not 100"),
        (0, 0, "size must be a multiple"),
        (PAGE, 2 * PAGE, r"runs past the end of memfd \d+ \(\d+ bytes\)"),
        ("0", None, "offset must be an int"),
    ],
)
def test_bad_ranges_fail_before_the_ioctl(
    dma: DmaEnv, fds: list[int], offset: object, size: int | None, message: str
) -> None:
    memfd = dmabuf.create_memfd(2 * PAGE)
    fds.append(memfd)
    with pytest.raises((ValueError, TypeError), match=message):
        dmabuf.from_memfd(memfd, offset, size)  # type: ignore[arg-type]


def test_from_memfd_ranges_lays_ranges_end_to_end(dma: DmaEnv, fds: list[int]) -> None:
    first, second = dmabuf.create_memfd(2 * PAGE), dmabuf.create_memfd(PAGE)
    fds += [first, second]
    os.pwrite(first, b"first", PAGE)
    os.pwrite(second, b"second", 0)
    ranges = [dmabuf.MemfdRange(first, PAGE, PAGE), (second, 0, PAGE), dmabuf.MemfdRange(first, 0, PAGE)]
    with dmabuf.from_memfd_ranges(ranges) as buf, buf.cpu_access() as view:
        assert buf.size == 3 * PAGE
        assert view[:5].tobytes() == b"first"
        assert view[PAGE : PAGE + 6].tobytes() == b"second"
        view[2 * PAGE : 2 * PAGE + 4] = b"last"
        view[PAGE - 2 : PAGE + 2] = b"ABCD"  # across the seam between two memfds
    assert os.pread(first, 4, 0) == b"last"
    assert os.pread(first, 2, 2 * PAGE - 2) == b"AB"
    assert os.pread(second, 2, 0) == b"CD"


def test_from_memfd_ranges_checks_each_range(dma: DmaEnv, fds: list[int]) -> None:
    memfd = dmabuf.create_memfd(PAGE)
    fds.append(memfd)
    with pytest.raises(ValueError, match="at least one memfd range"):
        dmabuf.from_memfd_ranges([])
    with pytest.raises(ValueError, match=r"ranges\[1\]\.offset must be a multiple"):
        dmabuf.from_memfd_ranges([(memfd, 0, PAGE), (memfd, 1, PAGE)])
    with pytest.raises(TypeError, match=r"ranges\[0\] must be a MemfdRange"):
        dmabuf.from_memfd_ranges(["x"])  # type: ignore[list-item]
    with dmabuf.from_memfd_ranges([memfd, memfd]) as buf:  # a bare fd means the whole memfd
        assert buf.size == 2 * PAGE


def test_udmabuf_allocate(dma: DmaEnv) -> None:
    with dmabuf.Udmabuf() as device:
        assert repr(device) == "<Udmabuf /dev/udmabuf>"
        with device.allocate(5000, name="scratch") as buf, buf.cpu_access(read=True) as view:
            assert (buf.size, buf.name) == (2 * PAGE, "scratch")
            assert view.tobytes() == bytes(2 * PAGE)


def test_udmabuf_size_limit_is_explained(dma: DmaEnv) -> None:
    with dmabuf.Udmabuf() as device, pytest.raises(DeviceError, match="size_limit_mb") as exc:
        device.allocate(65 << 20)
    assert exc.value.operation == "create (UDMABUF_CREATE)"
    assert exc.value.filename == "/dev/udmabuf"
