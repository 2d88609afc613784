"""DMA-BUF: buffers devices and processes share as fds — heaps, udmabuf, CPU access, sharing.

>>> from linuxhw import dmabuf
>>> with dmabuf.Heap("system") as heap, heap.allocate(1 << 20) as buf:     # doctest: +SKIP
...     with buf.cpu_access(write=True) as view:
...         view[:4] = b"data"

``dmabuf.allocate(size, prefer=("cma", "system"))`` takes the first heap that can serve the
request and falls back to udmabuf; :func:`send_buffer` / :func:`receive_buffer` hand a buffer
to another process.
"""

from linuxhw.dmabuf.buffer import Buffer, BufferInfo, SyncFile
from linuxhw.dmabuf.heap import CMA_HEAP_NAMES, Heap, HeapInfo, allocate, find_heap, heaps
from linuxhw.dmabuf.share import receive_buffer, send_buffer
from linuxhw.dmabuf.udmabuf import MemfdRange, Udmabuf, create_memfd, from_memfd, from_memfd_ranges

__all__ = [
    "CMA_HEAP_NAMES",
    "Buffer",
    "BufferInfo",
    "Heap",
    "HeapInfo",
    "MemfdRange",
    "SyncFile",
    "Udmabuf",
    "allocate",
    "create_memfd",
    "find_heap",
    "from_memfd",
    "from_memfd_ranges",
    "heaps",
    "receive_buffer",
    "send_buffer",
]
