"""DMA-BUF heaps (/dev/dma_heap/*): finding them, CMA under all its names, allocating buffers."""

from __future__ import annotations

import errno
import mmap
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NoReturn

from linuxhw import _fastpath
from linuxhw._handle import Handle
from linuxhw._kernel import Backend, get_backend
from linuxhw.dmabuf._common import MAX_SIZE, check_size, encode_name, open_node
from linuxhw.dmabuf.buffer import Buffer, _direction
from linuxhw.errors import DeviceError, device_error

__all__ = ["CMA_HEAP_NAMES", "FALLBACK_ERRNOS", "Heap", "HeapInfo", "allocate", "find_heap", "heaps"]

HEAP_DIR = "/dev/dma_heap"
_PAGE = mmap.PAGESIZE
_FD_FLAGS = os.O_RDWR | os.O_CLOEXEC  # the buffer's fd: read-write (mappable for writing), close-on-exec
# The CMA heap is named after its reserved-memory region: "linux,cma" (device tree default) or
# "reserved" (cma= on the command line), "default-pool", and since 6.17 "default_cma_region".
CMA_HEAP_NAMES = ("linux,cma", "reserved", "default-pool", "default_cma_region")
CMA_ALIAS = "cma"
# Failures that make allocate() try the next choice: missing, not permitted, out of memory.
FALLBACK_ERRNOS = frozenset(
    {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EACCES, errno.EPERM, errno.ENOMEM, errno.ENOSPC}
)
HEAPS_HINT = "DMA-BUF heaps need CONFIG_DMABUF_HEAPS_SYSTEM (the 'system' heap) or CONFIG_DMABUF_HEAPS_CMA"


@dataclass(frozen=True)
class HeapInfo:
    """A heap node: its name, path, and kind ("system", "cma" or "other" for vendor heaps)."""

    name: str
    path: str
    kind: str


def heap_kind(name: str) -> str:
    """ "system", "cma" (any name the CMA heap goes by) or "other"."""
    if name == "system" or name.startswith("system-"):
        return "system"
    return "cma" if name in CMA_HEAP_NAMES else "other"


def heaps(backend: Backend | None = None) -> list[HeapInfo]:
    """The heaps of this system (``/dev/dma_heap/*``), in name order."""
    backend = backend or get_backend()
    found = []
    for path in backend.device_nodes("dma_heap/"):
        name = os.path.basename(path)
        found.append(HeapInfo(name, path, heap_kind(name)))
    return found


def _available(backend: Backend) -> str:
    names = [h.name for h in heaps(backend)]
    return f"heaps here: {', '.join(names)}" if names else f"no heaps in {HEAP_DIR}; {HEAPS_HINT}"


def find_heap(name: str = "system", backend: Backend | None = None) -> HeapInfo:
    """The heap called ``name``; ``"cma"`` finds the CMA heap under whichever name it has."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"heap name must be a non-empty str, not {name!r}")
    backend = backend or get_backend()
    found = heaps(backend)
    if name == CMA_ALIAS:
        cma = sorted((h for h in found if h.kind == "cma"), key=lambda h: CMA_HEAP_NAMES.index(h.name))
        if cma:
            return cma[0]
        hint = (
            f"no CMA heap (looked for {', '.join(CMA_HEAP_NAMES)}); {_available(backend)}; it needs "
            "CONFIG_DMABUF_HEAPS_CMA and a CMA area (cma=64M on the kernel command line)"
        )
        raise device_error(errno.ENOENT, f"{HEAP_DIR}/{CMA_ALIAS}", "find heap", hint)
    for heap in found:
        if name in (heap.name, heap.path):
            return heap
    raise device_error(errno.ENOENT, f"{HEAP_DIR}/{name}", "find heap", _available(backend))


class Heap(Handle):
    """An open DMA-BUF heap; ``name`` is a heap name (``"system"``), ``"cma"`` or a path."""

    __slots__ = ("_c_alloc",)  # allocate's C state (see the end of this module)

    def __init__(self, name: str | os.PathLike[str] = "system", *, backend: Backend | None = None) -> None:
        backend = backend or get_backend()
        if isinstance(name, os.PathLike):
            name = os.fspath(name)
        if not isinstance(name, str) or not name:
            raise TypeError(f"heap must be a name, 'cma' or a path, not {name!r}")
        if name == CMA_ALIAS:
            path = find_heap(CMA_ALIAS, backend).path
        else:
            path = name if "/" in name else f"{HEAP_DIR}/{name}"
        fd = open_node(backend, path, os.O_RDONLY, f"no heap {path}; {_available(backend)}")
        super().__init__(backend, fd, path, f"DMA-BUF heap {path}")
        subsystem = backend.subsystem(path)
        if subsystem is not None and subsystem != "dma_heap":
            self.close()
            raise device_error(errno.ENOTTY, path, "open heap", f"not a DMA-BUF heap (its subsystem is {subsystem})")
        self.name = os.path.basename(path)
        self.kind = heap_kind(self.name)
        self._alloc = backend.dma_heap_alloc
        self._page_rounded = self.kind in ("system", "cma")
        # The common allocate() in C, for the kernel backend and heaps that give exactly the page-rounded size
        # (it enters and leaves the heap's gate around the ioctl, as the Python method does)
        self._c_alloc = (
            _fastpath.dma_heap_state(self._gate, Buffer, backend, path, self.name) if self._page_rounded else None
        )

    def __repr__(self) -> str:
        return f"<Heap {self.name} {'closed' if self.closed else self.kind}>"

    def __enter__(self) -> Heap:
        return self

    def allocate(self, size: int, *, name: str | None = None) -> Buffer:
        """A new zeroed buffer of at least ``size`` bytes (the kernel rounds up to whole pages;
        ``Buffer.size`` is what it gave). ``name`` labels it for fdinfo/debugfs."""
        if size.__class__ is not int or not 0 < size <= MAX_SIZE:
            check_size(size)
        if name is not None:
            encode_name(name)
        gate = self._gate
        try:  # the heap's fd stays ours until leave(); -1 once closed: EBADF, then ClosedError
            fd = self._alloc(gate.enter(), size, _FD_FLAGS, 0)
        except OSError as exc:
            self._raise_alloc_error(exc.errno or errno.EIO, size)
        finally:
            gate.leave()
        # The dma-heap core rounds every length up to whole pages (PAGE_ALIGN) and the system and CMA
        # heaps export exactly that: no need to ask the fd (lseek) what the size is.
        known = (size + _PAGE - 1) & -_PAGE if self._page_rounded else None
        if name is None:
            return Buffer(self._backend, fd, self.path, self.name, size=known)
        return Buffer._fresh(self._backend, fd, self.path, self.name, name, known)

    def _raise_alloc_error(self, err: int, size: int) -> NoReturn:
        """Raise the library's error for a failed DMA_HEAP_IOCTL_ALLOC (also called by the C allocate)."""
        hint = ""
        if err == errno.ENOMEM:
            hint = f"the {self.name} heap cannot provide {size} bytes"
            if self.kind == "cma":
                hint += " (the CMA area is small and fragments: enlarge it with cma= on the kernel command line)"
        elif err == errno.ENOTTY or (err == errno.EINVAL and self.kind == "other"):
            hint = "not a DMA-BUF heap, or it refused the request"
        self._raise_kernel_error(err, f"allocate {size} bytes (DMA_HEAP_IOCTL_ALLOC)", hint)


# The common call of Heap.allocate in C (linuxhw/_ext/dmabuf.c): DMA_HEAP_IOCTL_ALLOC and the Buffer built
# without a Python frame. Every other call (a name, the mock backend) runs the Python method above.
Heap.allocate = _fastpath.dma_methods(Heap, Heap.allocate, _direction)  # type: ignore[method-assign]


def allocate(
    size: int, prefer: Sequence[str] = ("system",), *, name: str | None = None, backend: Backend | None = None
) -> Buffer:
    """Allocate from the first heap in ``prefer`` that can, falling back to udmabuf at the end.

    ``prefer`` holds heap names, ``"cma"`` (physically contiguous, for devices without an IOMMU)
    and optionally ``"udmabuf"`` (tried last when not listed). A choice is skipped when it is
    missing, not permitted or out of memory; other errors are raised at once.
    """
    from linuxhw.dmabuf.udmabuf import UDMABUF_CHOICE, Udmabuf

    check_size(size)
    if name is not None:
        encode_name(name)
    if isinstance(prefer, str) or not isinstance(prefer, Iterable) or not all(isinstance(p, str) and p for p in prefer):
        raise TypeError(f"prefer must be a sequence of heap names, not {prefer!r}")
    chain = list(dict.fromkeys(prefer))
    if UDMABUF_CHOICE not in chain:
        chain.append(UDMABUF_CHOICE)
    backend = backend or get_backend()
    failures: list[tuple[str, DeviceError]] = []
    for choice in chain:
        try:
            if choice == UDMABUF_CHOICE:
                with Udmabuf(backend=backend) as device:
                    return device.allocate(size, name=name)
            with Heap(choice, backend=backend) as heap:
                return heap.allocate(size, name=name)
        except DeviceError as exc:
            too_big = choice == UDMABUF_CHOICE and exc.errno == errno.EINVAL  # past size_limit_mb
            if exc.errno not in FALLBACK_ERRNOS and not too_big:
                raise
            failures.append((choice, exc))
    tried = "; ".join(f"{choice}: {os.strerror(exc.errno or errno.EIO)}" for choice, exc in failures)
    last = failures[-1][1]
    raise device_error(
        last.errno or errno.EIO, last.filename, f"allocate {size} bytes", f"every choice failed ({tried})"
    )
