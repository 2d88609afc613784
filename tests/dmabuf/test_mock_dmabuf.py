"""The mock's DMA-BUF control API and what only a mock can show (pool exhaustion, injected EINTR,
a kernel without sync_file)."""

from __future__ import annotations

import errno
import mmap
import os
import socket
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import DeviceError, UnsupportedError, dmabuf, mock
from linuxhw._uapi import ffi, lib

pytestmark = pytest.mark.mock_only
PAGE = mmap.PAGESIZE


@pytest.fixture
def board() -> Iterator[mock.Board]:
    board = mock.Board()
    with linuxhw.use_backend(board):
        yield board
    assert board.open_files() == 0, "a test leaked a mock fd"


def test_demo_board_has_heaps_and_udmabuf() -> None:
    demo = mock.demo_board()
    with linuxhw.use_backend(demo):
        assert [(h.name, h.kind) for h in dmabuf.heaps()] == [("linux,cma", "cma"), ("system", "system")]
        with dmabuf.allocate(PAGE, prefer=("cma",)) as buf:
            assert buf.exporter == "linux,cma"
    assert [d.dev_path for d in demo.devices("misc")] == ["/dev/udmabuf"]
    assert demo.open_files() == 0


def test_a_pool_runs_out_with_enomem(board: mock.Board) -> None:
    cma = board.add_dma_heap("reserved", pool_size=4 * PAGE)
    board.add_dma_heap("system")
    with dmabuf.Heap("cma") as heap:
        first = heap.allocate(3 * PAGE)
        assert cma.in_use == 3 * PAGE
        with pytest.raises(DeviceError, match=r"the reserved heap cannot provide 8192 bytes .*cma=") as exc:
            heap.allocate(2 * PAGE)
        assert exc.value.errno == errno.ENOMEM
        with dmabuf.allocate(2 * PAGE, prefer=("cma", "system")) as fallback:
            assert fallback.exporter == "system"
        first.close()
        assert cma.in_use == 0
        heap.allocate(4 * PAGE).close()


@pytest.mark.parametrize("err", [errno.EINTR, errno.EAGAIN])
def test_interrupted_start_is_restarted(board: mock.Board, err: int) -> None:
    heap = board.add_dma_heap("system")
    with dmabuf.Heap() as handle, handle.allocate(PAGE) as buf:
        heap.interrupt_sync(3, err)
        with buf.cpu_access(write=True) as view:
            view[0] = 1
        assert not heap.sync_faults
        heap.interrupt_sync(1, errno.EIO)
        with pytest.raises(DeviceError, match="Input/output error"):
            buf.begin_cpu_access()
    with pytest.raises(ValueError, match="times must be >= 1"):
        heap.interrupt_sync(0)


def test_a_kernel_without_sync_file(board: mock.Board) -> None:
    board.add_dma_heap("system")
    board.configure_dma_buf(sync_file=False)
    with dmabuf.allocate(PAGE) as buf:
        assert not buf.supports_sync_file()
        with pytest.raises(UnsupportedError, match=r"needs Linux 6\.0 or newer built with CONFIG_SYNC_FILE"):
            buf.export_sync_file()
        with pytest.raises(UnsupportedError):
            buf.import_sync_file(0)
    board.configure_dma_buf(sync_file=True)
    with dmabuf.allocate(PAGE) as buf:
        assert buf.supports_sync_file()


def test_udmabuf_module_parameters(board: mock.Board) -> None:
    board.enable_udmabuf(size_limit_mb=1, list_limit=2)
    memfd = dmabuf.create_memfd(2 << 20)
    try:
        with pytest.raises(DeviceError, match="size_limit_mb"):
            dmabuf.from_memfd(memfd)
        with dmabuf.from_memfd(memfd, size=1 << 20) as buf:
            assert buf.size == 1 << 20
        with pytest.raises(DeviceError, match="list_limit"):
            dmabuf.from_memfd_ranges([(memfd, 0, PAGE)] * 3)
    finally:
        os.close(memfd)


def test_a_mock_dma_buf_fd_is_a_memfd(board: mock.Board) -> None:
    board.add_dma_heap("system")
    with dmabuf.allocate(PAGE) as buf:
        assert os.readlink(f"/proc/self/fd/{buf.fileno()}").startswith("/memfd:dmabuf:system")
        assert os.fstat(buf.fileno()).st_size == PAGE


def test_calls_on_other_mock_files(board: mock.Board) -> None:
    board.add_dma_heap("system")
    chip = board.add_gpio_chip(2)
    heap_fd = board.open("/dev/dma_heap/system", os.O_RDONLY)
    chip_fd = board.open(f"/dev/{chip.chip_name}", os.O_RDWR)
    try:
        assert board.lseek(heap_fd, 0, os.SEEK_END) == -errno.ESPIPE
        assert board.lseek(12345, 0, os.SEEK_END) == -errno.EBADF
        with pytest.raises(OSError, match="No such device"):
            board.mmap(heap_fd, PAGE, 0, True)
        with pytest.raises(OSError, match="cannot dup"):
            board.dup(heap_fd)
        assert "exp_name" not in board.fdinfo(heap_fd)
        here, there = socket.socketpair()
        with here, there, pytest.raises(OSError, match="cannot send a _ChipFile"):
            board.send_fds(here, b"x", [chip_fd])
        data = ffi.new("struct dma_heap_allocation_data *", {"len": PAGE})
        assert board.ioctl(chip_fd, lib.DMA_HEAP_IOCTL_ALLOC, data) == -errno.EINVAL  # gpio's answer
    finally:
        board.close(heap_fd)
        board.close(chip_fd)


def test_control_api_checks_its_arguments(board: mock.Board) -> None:
    with pytest.raises(ValueError, match="heap name must be"):
        board.add_dma_heap("a/b")
    with pytest.raises(ValueError, match="pool_size must be"):
        board.add_dma_heap("x", pool_size=-1)
    with pytest.raises(ValueError, match="size_limit_mb must be"):
        board.enable_udmabuf(size_limit_mb=-1)
    board.add_dma_heap("system")
    with pytest.raises(ValueError, match="already exists"):
        board.add_dma_heap("system")
    assert "MockDmaHeap /dev/dma_heap/system" in repr(board.devices("dma_heap")[0])
