"""Heaps: discovery, CMA under its names, allocation sizes, zeroed memory, the fallback chain."""

from __future__ import annotations

import mmap
import sys

import pytest

from linuxhw import dmabuf
from linuxhw.errors import DeviceNotFoundError
from tests.dmabuf.conftest import DmaEnv

PAGE = mmap.PAGESIZE


def test_heaps_lists_the_system_heap(dma: DmaEnv) -> None:
    found = {h.name: h for h in dmabuf.heaps()}
    assert found["system"] == dmabuf.HeapInfo("system", "/dev/dma_heap/system", "system")
    assert dmabuf.find_heap("system").path == "/dev/dma_heap/system"


def test_cma_is_found_under_any_of_its_names_or_reported_missing(dma: DmaEnv) -> None:
    cma = [h for h in dmabuf.heaps() if h.kind == "cma"]
    if not cma:  # Debian's kernel in the VM has no CMA area
        with pytest.raises(DeviceNotFoundError, match=r"no CMA heap \(looked for linux,cma, reserved"):
            dmabuf.Heap("cma")
        return
    assert all(h.name in dmabuf.CMA_HEAP_NAMES for h in cma)
    with dmabuf.Heap("cma") as heap, heap.allocate(PAGE) as buf:
        assert heap.kind == "cma"
        assert buf.exporter == heap.name == dmabuf.find_heap("cma").name


def test_missing_heap_names_the_ones_there_are(dma: DmaEnv) -> None:
    with pytest.raises(DeviceNotFoundError, match=r"heaps here: .*system") as exc:
        dmabuf.Heap("no-such-heap")
    assert exc.value.filename == "/dev/dma_heap/no-such-heap"
    assert exc.value.operation == "open"


@pytest.mark.parametrize(("size", "expected"), [(1, PAGE), (PAGE, PAGE), (PAGE + 1, 2 * PAGE), (1 << 20, 1 << 20)])
def test_allocation_is_rounded_to_pages_and_read_back(dma: DmaEnv, size: int, expected: int) -> None:
    with dmabuf.Heap("system") as heap, heap.allocate(size) as buf:
        assert buf.size == expected
        assert buf.info().size == expected
        assert buf.exporter == "system"
        assert buf.path == "/dev/dma_heap/system"


def test_new_memory_is_zeroed(dma: DmaEnv) -> None:
    with dmabuf.Heap() as heap:
        with heap.allocate(64 << 10) as first, first.cpu_access(write=True) as view:
            view[:] = b"\xa5" * len(view)  # a freed buffer's pages must not leak into the next one
        with heap.allocate(64 << 10) as buf, buf.cpu_access(read=True, write=False) as view:
            assert view.tobytes() == bytes(64 << 10)


@pytest.mark.parametrize(
    ("size", "error", "message"),
    [
        (0, ValueError, r"size must be 1\.\.\d+ bytes, not 0"),
        (-4096, ValueError, "size must be 1"),
        (1 << 63, ValueError, "size must be 1"),
        (sys.maxsize - 1, ValueError, "size must be 1"),  # page-rounded, past a Py_ssize_t (armhf: 2 GiB)
        (4096.0, TypeError, "size must be an int"),
        (True, TypeError, "size must be an int"),
        ("4096", TypeError, "size must be an int"),
    ],
)
def test_bad_sizes_fail_before_any_syscall(dma: DmaEnv, size: object, error: type[Exception], message: str) -> None:
    with dmabuf.Heap() as heap, pytest.raises(error, match=message):
        heap.allocate(size)  # type: ignore[arg-type]


def test_the_largest_size_allowed_still_indexes_a_mapping() -> None:
    assert dmabuf._common.page_align(dmabuf._common.MAX_SIZE) <= sys.maxsize


def test_allocate_with_a_name(dma: DmaEnv) -> None:
    with dmabuf.Heap() as heap, heap.allocate(PAGE, name="camera frame 0") as buf:
        assert buf.name == "camera frame 0"
    with dmabuf.Heap() as heap, pytest.raises(ValueError, match="at most 31 bytes"):
        heap.allocate(PAGE, name="x" * 32)


def test_allocate_falls_back_along_the_chain(dma: DmaEnv) -> None:
    with dmabuf.allocate(PAGE, prefer=("no-such-heap", "system")) as buf:
        assert buf.exporter == "system"
    with dmabuf.allocate(PAGE, prefer=("no-such-heap",), name="fallback") as buf:
        assert buf.exporter == "udmabuf"  # the chain always ends in udmabuf
        assert buf.name == "fallback"
    with dmabuf.allocate(3 * PAGE) as buf:
        assert (buf.exporter, buf.size) == ("system", 3 * PAGE)
    with dmabuf.allocate(PAGE, prefer=("cma", "system")) as buf:
        assert buf.exporter in (*dmabuf.CMA_HEAP_NAMES, "system")


def test_allocate_reports_every_failed_choice(dma: DmaEnv) -> None:
    # 65 MiB: no such heap, and past udmabuf's default 64 MiB limit
    with pytest.raises(OSError, match=r"every choice failed \(nope: No such file or directory; udmabuf: Invalid"):
        dmabuf.allocate(65 << 20, prefer=("nope",))


def test_allocate_checks_prefer(dma: DmaEnv) -> None:
    with pytest.raises(TypeError, match="prefer must be a sequence of heap names"):
        dmabuf.allocate(PAGE, prefer="system")
    with pytest.raises(TypeError, match="prefer must be a sequence of heap names"):
        dmabuf.allocate(PAGE, prefer=("system", ""))


def test_heap_handle_lifecycle(dma: DmaEnv) -> None:
    heap = dmabuf.Heap("/dev/dma_heap/system")
    assert repr(heap) == "<Heap system system>"
    heap.close()
    heap.close()
    assert repr(heap) == "<Heap system closed>"
    with pytest.raises(ValueError, match="is closed"):
        heap.allocate(PAGE)
