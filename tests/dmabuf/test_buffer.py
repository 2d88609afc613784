"""Buffers: mapping, CPU-access bracketing, names, fdinfo, dup, from_fd, sync_file, lifecycle."""

from __future__ import annotations

import array
import errno
import mmap
import os
import select
import struct
from collections.abc import Iterator

import pytest

from linuxhw import ClosedError, DeviceError, dmabuf
from linuxhw._uapi import lib
from tests.dmabuf.conftest import DmaEnv, Recorder

PAGE = mmap.PAGESIZE
START, END = lib.DMA_BUF_SYNC_START, lib.DMA_BUF_SYNC_END
READ, WRITE, RW = lib.DMA_BUF_SYNC_READ, lib.DMA_BUF_SYNC_WRITE, lib.DMA_BUF_SYNC_RW


@pytest.fixture(params=["system", "udmabuf"])
def buf(dma: DmaEnv, request: pytest.FixtureRequest) -> Iterator[dmabuf.Buffer]:
    """A 4-page buffer from the system heap or from udmabuf."""
    prefer = () if request.param == "udmabuf" else ("system",)
    with dmabuf.allocate(4 * PAGE, prefer=prefer) as buffer:
        assert buffer.exporter == request.param
        yield buffer


def test_map_is_a_plain_writable_memoryview(buf: dmabuf.Buffer) -> None:
    view = buf.map()
    assert isinstance(view, memoryview)
    assert (view.nbytes, view.readonly, view.format, view.contiguous) == (buf.size, False, "B", True)
    struct.pack_into("<I", view, 8, 0xDEADBEEF)
    assert buf.map()[8:12].tobytes() == b"\xef\xbe\xad\xde"  # one mapping per Buffer
    words = view.cast("I")
    words[1] = 7
    assert array.array("I", view[:8].tobytes())[1] == 7
    view.release()
    words.release()


def test_numpy_frombuffer_works_on_the_map(buf: dmabuf.Buffer) -> None:
    numpy = pytest.importorskip("numpy")
    with buf.cpu_access(write=True) as view:
        pixels = numpy.frombuffer(view, dtype=numpy.uint16)
        pixels[:] = numpy.arange(pixels.size, dtype=numpy.uint16)
    assert bytes(buf.map()[2:4]) == b"\x01\x00"
    del pixels


def test_cpu_access_brackets_with_start_and_end(buf: dmabuf.Buffer) -> None:
    recorder = Recorder(buf._backend)
    buf._backend = recorder  # type: ignore[assignment]
    with buf.cpu_access(read=True, write=False) as view:
        assert recorder.syncs == [START | READ]
        assert view[0] == 0
    with buf.cpu_access(write=True):
        pass
    with buf.cpu_access():
        pass
    assert recorder.syncs == [START | READ, END | READ, START | WRITE, END | WRITE, START | RW, END | RW]


def test_the_cpu_access_view_ends_with_the_block(buf: dmabuf.Buffer) -> None:
    with buf.cpu_access() as view:
        view[0] = 5
    with pytest.raises(ValueError, match="released memoryview"):
        _ = view[0]
    assert buf.map()[0] == 5
    buf.unmap()  # no view of the mapping is left
    assert not buf.mapped


def test_end_is_issued_when_the_body_raises(buf: dmabuf.Buffer) -> None:
    recorder = Recorder(buf._backend)
    buf._backend = recorder  # type: ignore[assignment]
    with pytest.raises(ZeroDivisionError), buf.cpu_access(write=True):
        1 / 0  # noqa: B018
    assert recorder.syncs == [START | WRITE, END | WRITE]


def test_sync_failure_is_a_device_error(buf: dmabuf.Buffer) -> None:
    recorder = Recorder(buf._backend)
    buf._backend = recorder  # type: ignore[assignment]
    recorder.fail_next = [errno.EIO]
    with pytest.raises(DeviceError, match=r"begin CPU access \(DMA_BUF_IOCTL_SYNC START\) failed") as exc:
        buf.begin_cpu_access()
    assert exc.value.errno == errno.EIO
    assert exc.value.filename == buf.path


def test_cpu_access_needs_read_or_write(buf: dmabuf.Buffer) -> None:
    with pytest.raises(ValueError, match="read=False and write=False"), buf.cpu_access(read=False, write=False):
        pass
    with pytest.raises(TypeError, match="must be bools"):
        buf.begin_cpu_access(read=1)  # type: ignore[arg-type]


def test_manual_begin_and_end(buf: dmabuf.Buffer) -> None:
    buf.begin_cpu_access(write=True, read=False)
    buf.map()[0] = 1
    buf.end_cpu_access(write=True, read=False)


@pytest.mark.parametrize(
    ("name", "shown"), [("frame-0", "frame-0"), ("x" * 31, "x" * 31), ("", ""), ("ünï", "ünï"), (" a b ", " a b ")]
)
def test_names(buf: dmabuf.Buffer, name: str, shown: str) -> None:
    assert buf.name is None
    buf.name = name
    assert buf.name == shown
    assert buf.info().name == shown


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("x" * 32, ValueError, r"at most 31 bytes in UTF-8 \(DMA_BUF_NAME_LEN - 1\), not 32"),
        ("é" * 16, ValueError, "not 32"),
        ("a\0b", ValueError, "NUL"),
        (b"bytes", TypeError, "name must be a str"),
    ],
)
def test_bad_names_fail_before_any_syscall(
    buf: dmabuf.Buffer, name: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        buf.set_name(name)  # type: ignore[arg-type]
    assert buf.name is None


def test_info_counts_fds_and_mappings(buf: dmabuf.Buffer) -> None:
    info = buf.info()
    assert (info.size, info.exporter, info.name, info.count) == (buf.size, buf.exporter, None, 1)
    assert info.flags & os.O_ACCMODE == os.O_RDWR
    with buf.dup() as other:
        assert buf.info().count == 2
        assert other.info() == buf.info()
    assert buf.info().count == 1
    buf.map()
    assert buf.mapped
    assert buf.info().count == 2  # the mapping holds the file too
    buf.unmap()
    assert not buf.mapped
    assert buf.info().count == 1


def test_dup_shares_memory_and_closes_independently(buf: dmabuf.Buffer) -> None:
    other = buf.dup()
    assert (other.size, other.exporter, other.path) == (buf.size, buf.exporter, buf.path)
    assert other.fileno() != buf.fileno()
    buf.map()[100:103] = b"abc"
    buf.close()
    assert other.map()[100:103].tobytes() == b"abc"
    other.close()


def test_views_keep_the_memory_mapped(buf: dmabuf.Buffer) -> None:
    view = buf.map()
    view[0:2] = b"ok"
    buf.unmap()
    assert not buf.mapped
    assert buf.info().count == 2  # the view keeps the mapping
    del view
    assert buf.info().count == 1  # unmapped with the last view
    view = buf.map()
    buf.close()
    assert view[0:2].tobytes() == b"ok"  # still mapped after close, until the view goes
    view.release()


def test_use_after_close(buf: dmabuf.Buffer) -> None:
    buf.close()
    buf.close()
    assert buf.closed
    assert repr(buf).endswith("closed>")
    for call in (buf.map, buf.info, buf.dup, buf.begin_cpu_access, lambda: buf.set_name("x"), buf.fileno):
        with pytest.raises(ClosedError, match="is closed"):
            call()


def test_from_fd_wraps_a_dup_or_takes_the_fd(dma: DmaEnv) -> None:
    fd = dma.raw_alloc(PAGE)
    with dmabuf.Buffer.from_fd(fd) as wrapped:
        assert wrapped.fileno() != fd
        assert (wrapped.size, wrapped.exporter, wrapped.writable, wrapped.path) == (
            PAGE,
            "system",
            True,
            "dmabuf:system",
        )
        wrapped.map()[0] = 42
    with dmabuf.Buffer.from_fd(fd, take=True) as owner:
        assert owner.fileno() == fd
        assert owner.map()[0] == 42
    assert dma.backend.lseek(fd, 0, os.SEEK_END) == -errno.EBADF  # closed with its Buffer


def test_from_fd_of_a_read_only_buffer_maps_read_only(dma: DmaEnv) -> None:
    with dmabuf.Buffer.from_fd(dma.raw_alloc(PAGE, fd_flags=os.O_RDONLY), take=True) as buf:
        assert not buf.writable
        assert buf.map().readonly
        with buf.cpu_access(read=True, write=False) as view:
            assert view[0] == 0


def test_from_fd_refuses_what_is_not_a_dma_buf(dma: DmaEnv) -> None:
    with dmabuf.Heap() as heap, pytest.raises(ValueError, match=r"is not a dma-buf: .* names no exporter"):
        dmabuf.Buffer.from_fd(heap.fileno())
    memfd = os.memfd_create("not-a-dmabuf")
    with pytest.raises(ValueError, match="is not a dma-buf"):
        dmabuf.Buffer.from_fd(memfd, take=True)
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.fstat(memfd)  # take=True: consumed even though it was refused
    with pytest.raises(DeviceError, match="not an open file descriptor") as exc:
        dmabuf.Buffer.from_fd(memfd)
    assert exc.value.errno == errno.EBADF
    with pytest.raises(ValueError, match="fd must be >= 0"):
        dmabuf.Buffer.from_fd(-1)


def test_the_fd_polls_ready_without_fences(buf: dmabuf.Buffer) -> None:
    poller = select.poll()
    poller.register(buf.fileno(), select.POLLIN | select.POLLOUT)
    assert poller.poll(0) == [(buf.fileno(), select.POLLIN | select.POLLOUT)]


def test_sync_file_export_and_import(buf: dmabuf.Buffer) -> None:
    if not buf.supports_sync_file():
        pytest.skip("this kernel has no sync_file export (before 6.0 or no CONFIG_SYNC_FILE)")
    with buf.export_sync_file(read=True, write=True) as fence:
        assert fence.signaled  # no device used the buffer: a signalled stub fence
        assert fence.wait(timeout=0.1)
        buf.import_sync_file(fence)
        buf.import_sync_file(fence.fileno(), read=True, write=False)
        with pytest.raises(ValueError, match="read=False and write=False"):
            buf.import_sync_file(fence, read=False, write=False)
    with pytest.raises(DeviceError, match="import sync_file failed: Invalid argument; not a sync_file fd"):
        buf.import_sync_file(buf.fileno())
    with buf.cpu_access():  # imported signalled fences do not block CPU access
        pass
