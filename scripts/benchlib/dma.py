"""DMA-BUF: one buffer's life — allocate, map, CPU access START/END around a one-byte write, close —
per size from 4 KiB to 16 MiB, from the system heap and from udmabuf, against the C floor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import linuxhw
from linuxhw import dmabuf, mock

from .core import LINUXHW, Runner

SIZES = (4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20)
SOURCES = {"heap": "/dev/dma_heap/system", "udmabuf": "/dev/udmabuf"}
LIFE = """\
buf = source.allocate(SIZE)
with buf.cpu_access() as view:
    view[0] = 1
buf.close()
"""


def human(size: int) -> str:
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"


@contextmanager
def devices(backend: str) -> Iterator[None]:
    if backend == "mock":
        board = mock.Board()
        board.add_dma_heap("system")
        board.enable_udmabuf()
        with linuxhw.use_backend(board):
            yield
        return
    with linuxhw.use_backend("real"):
        yield


def run(runner: Runner, backend: str) -> None:
    with devices(backend):
        for kind, path in SOURCES.items():
            group = f"DMA {kind}"
            source: Any = dmabuf.Heap("system") if kind == "heap" else dmabuf.Udmabuf()
            with source:
                for size in SIZES:
                    op = f"buffer {human(size)}"
                    note = "allocate+map+sync+close" if size == SIZES[0] else ""
                    runner.python(group, op, LINUXHW, "linuxhw", LIFE, {"source": source, "SIZE": size}, note=note)
                    runner.floor(group, op, "dmabuf", [kind, path, size, runner.target_ms, runner.settings.repeats])
