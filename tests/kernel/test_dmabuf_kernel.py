"""Kernel-only DMA-BUF checks: what the real kernel shows outside the Backend seam (/proc, raw mmap,
sync_file fds), against /dev/dma_heap/system and /dev/udmabuf in the VM tier (skipped on a kernel
without them; test_dmabuf_absent.py checks the library's answer there)."""

from __future__ import annotations

import dataclasses
import errno
import mmap
import os
import select
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import UnsupportedError, dmabuf, mock
from linuxhw._kernel.formats import parse_fdinfo
from linuxhw._kernel.real import RealBackend
from tests.conftest import DMA_HEAP_SYSTEM, UDMABUF, require_kernel_devices

pytestmark = pytest.mark.kernel
PAGE = mmap.PAGESIZE


@pytest.fixture(autouse=True)
def real() -> Iterator[None]:
    require_kernel_devices(DMA_HEAP_SYSTEM, UDMABUF)
    with linuxhw.use_backend(RealBackend()):
        yield


@pytest.fixture(params=["system", "udmabuf"])
def buf(request: pytest.FixtureRequest) -> Iterator[dmabuf.Buffer]:
    with dmabuf.allocate(3 * PAGE, prefer=() if request.param == "udmabuf" else ("system",)) as buffer:
        assert buffer.exporter == request.param
        yield buffer


def _proc_fdinfo(fd: int) -> dict[str, str]:
    with open(f"/proc/self/fdinfo/{fd}") as info:
        return parse_fdinfo(info.read())


def test_mmap_past_the_end_fails(buf: dmabuf.Buffer) -> None:
    for length, offset in ((buf.size + PAGE, 0), (PAGE, buf.size), (2 * PAGE, 2 * PAGE)):
        with pytest.raises(OSError, match="Invalid argument") as exc:
            mmap.mmap(buf.fileno(), length, offset=offset)
        assert exc.value.errno == errno.EINVAL
    whole = mmap.mmap(buf.fileno(), buf.size)  # the whole buffer is fine
    whole.close()


def test_proc_fdinfo_agrees_with_info(buf: dmabuf.Buffer) -> None:
    def check() -> None:
        info, proc = buf.info(), _proc_fdinfo(buf.fileno())
        assert (str(info.size), info.exporter, str(info.count), str(info.inode)) == (
            proc["size"],
            proc["exp_name"],
            proc["count"],
            proc["ino"],
        )
        assert info.name == proc.get("name")
        assert info.flags == int(proc["flags"], 8) == os.O_RDWR | os.O_CLOEXEC

    check()
    buf.name = "fdinfo check"
    check()
    with buf.dup():
        check()
        assert buf.info().count == 2
    view = buf.map()
    check()
    assert buf.info().count == 2
    view.release()
    buf.unmap()
    check()


def test_the_fd_link_and_fstat(buf: dmabuf.Buffer) -> None:
    assert os.readlink(f"/proc/self/fd/{buf.fileno()}") == "/dmabuf:"
    buf.name = "seen in /proc"
    assert os.readlink(f"/proc/self/fd/{buf.fileno()}") == "/dmabuf:seen in /proc"
    assert os.fstat(buf.fileno()).st_size in (0, buf.size)  # 6.12 shows the size; older kernels 0


def test_sync_file_export_works_or_reports_unsupported(buf: dmabuf.Buffer) -> None:
    if not buf.supports_sync_file():
        with pytest.raises(UnsupportedError, match=r"needs Linux 6\.0") as exc:
            buf.export_sync_file()
        assert exc.value.errno == errno.ENOTTY
        return
    with buf.export_sync_file() as fence:
        assert os.readlink(f"/proc/self/fd/{fence.fileno()}") == "anon_inode:sync_file"
        poller = select.poll()
        poller.register(fence.fileno(), select.POLLIN)
        assert poller.poll(0) == [(fence.fileno(), select.POLLIN)]
        assert fence.signaled
        buf.import_sync_file(fence)
    assert buf.supports_sync_file()


def test_the_mock_matches_the_kernel_step_by_step() -> None:
    """One sequence of calls on both backends; everything observable but inode numbers must agree."""

    def session(backend: linuxhw.Backend) -> list[object]:
        seen: list[object] = []
        memfd = dmabuf.create_memfd(2 * PAGE)
        try:
            with dmabuf.Heap("system", backend=backend) as heap, heap.allocate(PAGE + 1) as a:
                seen.append(a.info())
                a.name = "x" * 31
                with a.dup() as b, dmabuf.from_memfd_ranges([(memfd, PAGE, PAGE), memfd], backend=backend) as u:
                    b.map()
                    seen += [a.info(), b.info(), u.info(), u.supports_sync_file()]
                    try:
                        u.end_cpu_access()  # udmabuf: END before any START
                    except OSError as exc:
                        seen.append(("end", exc.errno))
                    try:
                        a.set_name("y" * 32)
                    except ValueError as exc:
                        seen.append(("name", str(exc)))
        finally:
            os.close(memfd)
        return [dataclasses.replace(i, inode=0) if isinstance(i, dmabuf.BufferInfo) else i for i in seen]

    board = mock.Board()
    board.add_dma_heap("system")
    board.enable_udmabuf()
    assert session(board) == session(RealBackend())
    assert board.open_files() == 0


def test_device_nodes_and_subsystems() -> None:
    backend = RealBackend()
    assert "/dev/dma_heap/system" in backend.device_nodes("dma_heap/")
    assert backend.subsystem("/dev/dma_heap/system") == "dma_heap"
    assert backend.subsystem("/dev/udmabuf") == "misc"
