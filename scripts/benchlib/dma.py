"""DMA-BUF: one buffer's life — allocate, map, CPU access START/END around a one-byte write, close —
per size from 4 KiB to 16 MiB, from the system heap and from udmabuf, against the C floor."""

from __future__ import annotations

import mmap
import os
from typing import Any

from linuxhw import _fastpath, dmabuf, mock
from linuxhw._uapi import ffi, lib

from .core import LINUXHW, Runner, mock_or_real

SIZES = (4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20)
SOURCES = {"heap": "/dev/dma_heap/system", "udmabuf": "/dev/udmabuf"}
LIFE = """\
buf = source.allocate(SIZE)
with buf.cpu_access() as view:
    view[0] = 1
buf.close()
"""
# The same life in bare C calls from Python (DMA_HEAP_IOCTL_ALLOC, mmap, SYNC, poke, SYNC, munmap, close)
RAW_LIFE = """\
fd = alloc(heap, SIZE, FLAGS, 0)
addr = mmap(NULL, SIZE, PROT, fd, 0)
sync(fd, START)
poke(addr)
sync(fd, END)
munmap(cast("void *", addr), SIZE)
close(fd)
"""


def poke(addr: int) -> None:
    """Write one byte at a mapped address, as the C floor does."""
    ffi.cast("char *", addr)[0] = b"\x01"


def raw_namespace(heap: dmabuf.Heap, size: int) -> dict[str, Any]:
    rw = lib.DMA_BUF_SYNC_RW
    return {
        "alloc": _fastpath.dma_heap_alloc, "heap": heap.fileno(), "SIZE": size, "FLAGS": os.O_RDWR | os.O_CLOEXEC,
        "mmap": lib.lhw_mmap, "NULL": ffi.NULL, "PROT": mmap.PROT_READ | mmap.PROT_WRITE, "poke": poke,
        "sync": _fastpath.dma_buf_sync, "START": lib.DMA_BUF_SYNC_START | rw, "END": lib.DMA_BUF_SYNC_END | rw,
        "munmap": lib.lhw_munmap, "cast": ffi.cast, "close": os.close,
    }  # fmt: skip


def human(size: int) -> str:
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"


def furnish(board: mock.Board) -> None:
    """The mock's stand-ins for the VM's system heap and /dev/udmabuf."""
    board.add_dma_heap("system")
    board.enable_udmabuf()


def run(runner: Runner, backend: str) -> None:
    with mock_or_real(backend, furnish):
        for kind, path in SOURCES.items():
            group = f"DMA {kind}"
            source: Any = dmabuf.Heap("system") if kind == "heap" else dmabuf.Udmabuf()
            with source:
                for size in SIZES:
                    op = f"buffer {human(size)}"
                    note = "allocate+map+sync+close" if size == SIZES[0] else ""
                    runner.python(group, op, LINUXHW, "linuxhw", LIFE, {"source": source, "SIZE": size}, note=note)
                    if kind == "heap":
                        runner.raw(group, op, RAW_LIFE, raw_namespace(source, size))
                    runner.floor(group, op, "dmabuf", [kind, path, size, runner.target_ms, runner.settings.repeats])
