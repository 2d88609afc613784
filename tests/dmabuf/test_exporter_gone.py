"""Conformance: a dma-buf outlives what exported it. The heap's fd, the memfd behind a udmabuf and
the buffer's own fd may all go while the memory is mapped: the dma-buf holds its pages, the mapping
stays valid and the buffer keeps working (the kernel has no error to give here, and linuxhw none)."""

from __future__ import annotations

import os

from linuxhw import dmabuf
from tests.dmabuf.conftest import DmaEnv


def test_heap_closed_while_a_buffer_is_mapped(dma: DmaEnv) -> None:
    heap = dmabuf.Heap("system")
    buffer = heap.allocate(8192)
    view = buffer.map()
    view[:5] = b"hello"
    heap.close()
    with buffer.cpu_access(write=True) as again:
        again[5:11] = b" world"
    assert buffer.info().exporter == "system"
    assert bytes(view[:11]) == b"hello world"
    buffer.close()  # the fd goes; the view keeps the mapping, and the dma-buf with it
    view[:5] = b"HELLO"
    assert bytes(view[:11]) == b"HELLO world"
    view.release()


def test_memfd_closed_while_its_udmabuf_is_mapped(dma: DmaEnv) -> None:
    memfd = dmabuf.create_memfd(8192)
    os.pwrite(memfd, b"from the memfd", 4096)
    buffer = dmabuf.from_memfd(memfd)  # /dev/udmabuf is already closed again when this returns
    view = buffer.map()
    os.close(memfd)
    assert bytes(view[4096:4110]) == b"from the memfd"
    with buffer.cpu_access(write=True) as again:
        again[:4] = b"kept"
    buffer.close()
    assert bytes(view[:4]) == b"kept"
    view.release()


def test_mock_heap_removed_while_a_buffer_is_mapped(dma: DmaEnv) -> None:
    if dma.board is None:
        return  # the kernel's heaps are built in: they never go away
    heap = dmabuf.Heap("system")
    buffer = heap.allocate(4096)
    view = buffer.map()
    dma.board.remove_device("/dev/dma_heap/system")
    heap.close()
    view[:2] = b"ok"
    with buffer.cpu_access(read=True) as again:
        assert bytes(again[:2]) == b"ok"
    assert buffer.info().exporter == "system"
    assert "system" not in [h.name for h in dmabuf.heaps()]
    buffer.close()
    view.release()
