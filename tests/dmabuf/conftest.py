"""The DMA-BUF conformance suite's fixture: a backend with heaps and udmabuf, checked for fd leaks.

mock: a fresh board with a "system" heap, a 4 MiB CMA-like heap ("linux,cma") and /dev/udmabuf.
real (VM tier): the running kernel's /dev/dma_heap/system and /dev/udmabuf (skipped on a kernel without them).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import linuxhw
from linuxhw import mock
from linuxhw._kernel.real import RealBackend
from linuxhw._uapi import ffi, lib
from tests.conftest import DMA_HEAP_SYSTEM, UDMABUF, require_kernel_devices

CMA_POOL = 4 << 20


@dataclass
class DmaEnv:
    """The backend under test and, on the mock, its board."""

    backend_name: str
    backend: linuxhw.Backend
    board: mock.Board | None

    def raw_alloc(self, length: int, *, fd_flags: int = os.O_RDWR | os.O_CLOEXEC) -> int:
        """DMA_HEAP_IOCTL_ALLOC on the system heap, straight through the backend: the new fd."""
        heap = self.backend.open("/dev/dma_heap/system", os.O_RDONLY)
        try:
            data = ffi.new("struct dma_heap_allocation_data *", {"len": length, "fd_flags": fd_flags})
            ret = self.backend.ioctl(heap, lib.DMA_HEAP_IOCTL_ALLOC, data)
            assert ret == 0, os.strerror(-ret)
            return int(data.fd)
        finally:
            self.backend.close(heap)


def _open_fds() -> set[str]:
    gc.collect()
    return set(os.listdir("/proc/self/fd"))


@pytest.fixture
def dma(backend_name: str) -> Iterator[DmaEnv]:
    """The backend under test, selected as current; fails the test if it leaked an fd."""
    if backend_name == "mock":
        board: mock.Board | None = mock.Board()
        assert board is not None
        board.add_dma_heap("system")
        board.add_dma_heap("linux,cma", pool_size=CMA_POOL)
        board.enable_udmabuf()
        backend: linuxhw.Backend = board
    else:
        require_kernel_devices(DMA_HEAP_SYSTEM, UDMABUF)
        board = None
        backend = RealBackend()
    before = _open_fds()
    with linuxhw.use_backend(backend):
        yield DmaEnv(backend_name, backend, board)
    if board is not None:
        assert board.open_files() == 0, "a test leaked a mock fd"
    leaked = _open_fds() - before
    assert not leaked, f"a test leaked fds: {sorted(leaked)}"


class Recorder:
    """A backend stand-in that records DMA_BUF_IOCTL_SYNC flags and can fail the next calls."""

    def __init__(self, inner: linuxhw.Backend) -> None:
        self.inner = inner
        self.syncs: list[int] = []
        self.fail_next: list[int] = []  # errnos the next syncs raise instead of reaching the backend

    def dma_buf_sync(self, fd: int, flags: int) -> None:
        self.syncs.append(flags)
        if self.fail_next:
            err = self.fail_next.pop(0)
            raise OSError(err, os.strerror(err))
        self.inner.dma_buf_sync(fd, flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
