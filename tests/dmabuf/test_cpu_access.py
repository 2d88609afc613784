"""Buffer's C half (linuxhw._fastpath.BufferBase): the cpu_access block's errors and view, the buffer
Heap.allocate builds in C, the finalizer of a forgotten buffer, subclasses."""

from __future__ import annotations

import errno
import gc
import mmap
import os
import pickle
from collections.abc import Iterator

import pytest

from linuxhw import ClosedError, DeviceError, dmabuf
from linuxhw._uapi import lib
from tests.dmabuf.conftest import DmaEnv, Recorder

PAGE = mmap.PAGESIZE
START, END, RW = lib.DMA_BUF_SYNC_START, lib.DMA_BUF_SYNC_END, lib.DMA_BUF_SYNC_RW


@pytest.fixture
def buf(dma: DmaEnv) -> Iterator[dmabuf.Buffer]:
    """A 2-page buffer from the system heap (the fast allocation path)."""
    with dmabuf.Heap("system") as heap, heap.allocate(PAGE + 1) as buffer:
        yield buffer


def test_a_heap_buffer_is_complete_without_asking_the_fd(buf: dmabuf.Buffer) -> None:
    assert (buf.size, buf.exporter, buf.writable, buf.path, buf.mapped) == (2 * PAGE, "system", True, buf.path, False)
    assert buf.path == "/dev/dma_heap/system"
    assert buf.info().size == buf.size


def test_a_failed_start_is_a_device_error_from_the_os_error(buf: dmabuf.Buffer) -> None:
    recorder = Recorder(buf._backend)
    buf._backend = recorder  # type: ignore[assignment]
    recorder.fail_next = [errno.EIO]
    start_failed = r"begin CPU access \(DMA_BUF_IOCTL_SYNC START\) failed"
    with pytest.raises(DeviceError, match=start_failed) as exc, buf.cpu_access():
        pytest.fail("the block ran although START failed")
    assert exc.value.errno == errno.EIO
    assert isinstance(exc.value.__context__, OSError)
    with buf.cpu_access() as view:  # the mapping stays usable
        view[0] = 1
    assert recorder.syncs == [START | RW, START | RW, END | RW]


def test_a_failed_end_raises_unless_the_block_did(buf: dmabuf.Buffer) -> None:
    recorder = Recorder(buf._backend)
    buf._backend = recorder  # type: ignore[assignment]
    with pytest.raises(DeviceError, match=r"end CPU access \(DMA_BUF_IOCTL_SYNC END\) failed") as exc:
        _fail_end(buf, recorder, errno.EINVAL)
    assert exc.value.errno == errno.EINVAL
    with pytest.raises(KeyError, match="the block's"):
        _fail_end(buf, recorder, errno.EIO, KeyError("the block's"))


def _fail_end(buf: dmabuf.Buffer, recorder: Recorder, err: int, block_error: Exception | None = None) -> None:
    """A cpu_access block whose END fails with err, raising block_error if given."""
    with buf.cpu_access(write=True):
        recorder.fail_next = [err]
        if block_error is not None:
            raise block_error


def test_closing_inside_the_block(buf: dmabuf.Buffer) -> None:
    with pytest.raises(ClosedError, match="is closed"), buf.cpu_access() as view:
        buf.close()
    with pytest.raises(ValueError, match="released memoryview"):
        _ = view[0]


def test_a_closed_buffer_refuses_access(buf: dmabuf.Buffer) -> None:
    buf.close()
    access = buf.cpu_access()
    with pytest.raises(ClosedError, match="is closed"), access:
        pytest.fail("the block ran on a closed buffer")


def test_a_failed_map_says_why(dma: DmaEnv) -> None:
    with dmabuf.Buffer.from_fd(dma.raw_alloc(PAGE, fd_flags=os.O_RDONLY), take=True) as buf:
        buf.writable = True  # a read-only fd cannot be mapped for writing
        with pytest.raises(DeviceError, match=r"mmap failed.*without write access") as exc, buf.cpu_access():
            pytest.fail("the block ran without a mapping")
        assert exc.value.errno == errno.EACCES
        assert not buf.mapped


def test_what_still_exports_the_view_keeps_it(buf: dmabuf.Buffer) -> None:
    with buf.cpu_access() as view:
        held = pickle.PickleBuffer(view)  # an export of the view itself: it cannot be released
        view[0] = 7
    assert view[0] == 7  # not released, as numpy.frombuffer(view) arrays need
    buf.close()
    assert memoryview(held)[0] == 7  # the mapping outlives the Buffer while exported
    held.release()
    view.release()


def test_the_block_object_is_tracked_by_the_collector(buf: dmabuf.Buffer) -> None:
    access = buf.cpu_access()
    assert gc.is_tracked(access)
    assert buf in gc.get_referents(access)
    with pytest.raises(TypeError, match="cannot create"):
        type(access)()


def test_cpu_access_takes_only_read_and_write_by_keyword(buf: dmabuf.Buffer) -> None:
    with pytest.raises(TypeError, match="no positional arguments"):
        buf.cpu_access(True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'mode'"):
        buf.cpu_access(mode="rw")  # type: ignore[call-arg]
    with buf.cpu_access(read=None, write=True) as view:
        view[0] = 3
    assert buf.map()[0] == 3


def test_the_buffer_built_in_c_matches_the_python_one(dma: DmaEnv) -> None:
    with dmabuf.Heap("system") as heap, heap.allocate(PAGE + 1) as fast, heap.allocate(PAGE + 1, name="x") as slow:
        assert type(fast) is type(slow) is dmabuf.Buffer
        fields = ("size", "exporter", "path", "writable", "mapped", "closed")
        assert [getattr(fast, f) for f in fields] == [getattr(slow, f) for f in fields]
        assert fast._backend is slow._backend


def test_a_subclass_keeps_the_c_methods(dma: DmaEnv) -> None:
    class Frame(dmabuf.Buffer):
        """A user's subclass with state of its own."""

        label = "frame"

    with Frame.from_fd(dma.raw_alloc(PAGE), take=True) as frame:
        frame.number = 7  # type: ignore[attr-defined]
        with frame.cpu_access(write=True) as view:
            view[1] = 2
        assert (type(frame), frame.label, frame.number, frame.map()[1]) == (Frame, "frame", 7, 2)  # type: ignore[attr-defined]
        with frame.dup() as twin:  # dup() makes a plain Buffer, as before
            assert type(twin) is dmabuf.Buffer


def test_writable_is_a_bool(buf: dmabuf.Buffer) -> None:
    buf.writable = 0  # type: ignore[assignment]
    assert buf.writable is False
    buf.writable = True
    assert buf.writable is True


@pytest.mark.parametrize("call", ["mmap", "dma_buf_sync"])
def test_close_amid_a_call_leaves_the_fd_to_it(dma: DmaEnv, buf: dmabuf.Buffer, call: str) -> None:
    """close() while map() or START runs (from inside the call, as another thread would do it): the
    call goes on with its fd, which is closed once it returns; the block then ends in ClosedError."""
    fd = buf.fileno()
    recorder = Recorder(buf._backend)
    inner = getattr(recorder.inner, call)
    seen: list[tuple[int, int, int]] = []

    def closing(number: int, *args: object) -> object:
        buf.close()
        seen.append((number, dma.backend.lseek(number, 0, os.SEEK_END), buf._gate.busy))
        return inner(number, *args)

    setattr(recorder, call, closing)
    buf._backend = recorder  # type: ignore[assignment]
    with pytest.raises(ClosedError, match="is closed"), buf.cpu_access():
        pass
    assert seen == [(fd, buf.size, 1)]  # still open, one call in flight
    assert buf._gate.busy == 0 and dma.backend.lseek(fd, 0, os.SEEK_END) == -errno.EBADF
    assert not buf.mapped


@pytest.mark.parametrize("mapped", [False, True])
def test_a_forgotten_buffer_is_closed_with_a_warning(dma: DmaEnv, mapped: bool) -> None:
    with dmabuf.Heap("system") as heap:
        buf = heap.allocate(PAGE)
    fd = buf.fileno()
    if mapped:
        with buf.cpu_access() as view:
            view[0] = 1
    with pytest.warns(ResourceWarning, match=r"unclosed dma-buf \(system\) from /dev/dma_heap/system: closing it"):
        del buf  # the last reference: collected at once
    assert dma.backend.lseek(fd, 0, os.SEEK_END) == -errno.EBADF


def test_a_closed_buffer_is_collected_without_a_warning(buf: dmabuf.Buffer) -> None:
    buf.close()
    del buf  # error::ResourceWarning (pyproject) would turn a warning into a test failure
    gc.collect()
