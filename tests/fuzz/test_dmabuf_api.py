"""Fuzzing linuxhw.dmabuf: every public constructor and call with hostile arguments on a checked mock board.

The demo board has heaps "system" and "linux,cma" (a 64 MiB pool) and /dev/udmabuf.
"""

from __future__ import annotations

import os
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linuxhw import dmabuf
from linuxhw._uapi import lib
from tests.fuzz.harness import Fuzzed, Op, close_result, either, function_op, fuzzed, method_op, optional
from tests.fuzz.profiles import FUZZ

PAGE = os.sysconf("SC_PAGE_SIZE")
heap_names = either(st.sampled_from(["system", "linux,cma", "/dev/dma_heap/system", "nope", "", "../udmabuf"]))
sizes = either(st.one_of(st.integers(-1, 3 * PAGE), st.sampled_from([PAGE, 64 << 20, (64 << 20) + 1, 1 << 40])))
offsets = either(st.sampled_from([0, PAGE, 1, -PAGE, 2 * PAGE]))
names = either(st.one_of(st.none(), st.text(max_size=40)))
flags = either(st.one_of(st.none(), st.booleans()))
timeouts = either(st.sampled_from([0, 0.0, -1]))


def _udmabuf_limit(op: Op) -> Op:
    """``op`` where udmabuf may refuse a size above its size_limit_mb module parameter (EINVAL): a
    setting of the running kernel, not checked by the library."""

    def limited(world: Fuzzed, data: st.DataObject) -> None:
        world.allow_kernel_check(lib.UDMABUF_CREATE)
        world.allow_kernel_check(lib.UDMABUF_CREATE_LIST)
        op(world, data)

    return limited


def _heap() -> dmabuf.Heap:
    return dmabuf.Heap("system")


class _Buffer:
    """A 2-page buffer from the system heap (closed with its heap)."""

    def __enter__(self) -> dmabuf.Buffer:
        with _heap() as heap:
            self.buffer = heap.allocate(2 * PAGE)
        return self.buffer

    def __exit__(self, *exc: object) -> None:
        self.buffer.close()


class _SyncFile(_Buffer):
    """A sync_file exported from a fresh buffer (closed with it)."""

    def __enter__(self) -> dmabuf.SyncFile:  # type: ignore[override]
        self.sync = super().__enter__().export_sync_file(write=True)
        return self.sync

    def __exit__(self, *exc: object) -> None:
        self.sync.close()
        super().__exit__()


def _udmabuf_create(world: Fuzzed, data: st.DataObject) -> None:
    memfd = dmabuf.create_memfd(2 * PAGE)
    try:
        with dmabuf.Udmabuf() as device:
            fd = data.draw(either(st.just(memfd)))
            options = data.draw(optional(seal=either(st.booleans()), name=names))
            close_result(
                world.call(device.create, fd, data.draw(offsets), data.draw(st.one_of(st.none(), sizes)), **options)
            )
    finally:
        os.close(memfd)


def _udmabuf_create_list(world: Fuzzed, data: st.DataObject) -> None:
    memfd = dmabuf.create_memfd(2 * PAGE)
    try:
        ranges = data.draw(
            either(
                st.lists(
                    st.one_of(
                        st.builds(dmabuf.MemfdRange, either(st.just(memfd)), offsets, st.one_of(st.none(), sizes)),
                        st.tuples(either(st.just(memfd)), offsets),
                        either(st.just(memfd)),
                    ),
                    max_size=3,
                )
            )
        )
        with dmabuf.Udmabuf() as device:
            close_result(world.call(device.create_list, ranges, seal=data.draw(either(st.booleans()))))
    finally:
        os.close(memfd)


def _create_memfd(world: Fuzzed, data: st.DataObject) -> None:
    memfd = world.call(dmabuf.create_memfd, data.draw(sizes), data.draw(either(st.text(max_size=300))))
    if memfd is not None:
        os.close(memfd)


def _from_fd(world: Fuzzed, data: st.DataObject) -> None:
    with _Buffer() as buffer:
        fd = data.draw(either(st.just(buffer.fileno()) | st.integers(-1, 100)))
        close_result(world.call(dmabuf.Buffer.from_fd, fd, take=False))


def _send_buffer(world: Fuzzed, data: st.DataObject) -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right, _Buffer() as buffer:
        world.call(dmabuf.send_buffer, data.draw(either(st.just(left))), data.draw(either(st.just(buffer))))


def _import_sync_file(world: Fuzzed, data: st.DataObject) -> None:
    with _Buffer() as buffer, buffer.export_sync_file(write=True) as sync:
        what = data.draw(either(st.sampled_from([sync, sync.fileno()])))
        world.allow_kernel_check(lib.DMA_BUF_IOCTL_IMPORT_SYNC_FILE)  # is an fd number a sync_file? ask it
        world.call(buffer.import_sync_file, what, **data.draw(optional(read=flags, write=flags)))


OPS: dict[str, Op] = {
    "Heap": function_op(dmabuf.Heap, heap_names),
    "Udmabuf": function_op(dmabuf.Udmabuf, either(st.sampled_from(["/dev/udmabuf", "/dev/nope"]))),
    "find_heap": lambda world, data: world.call_expecting((LookupError,), dmabuf.find_heap, data.draw(heap_names)),
    "allocate": _udmabuf_limit(
        function_op(dmabuf.allocate, sizes, either(st.lists(heap_names, max_size=3)), name=names)
    ),
    "create_memfd": _create_memfd,
    "from_fd": _from_fd,
    "Heap.allocate": method_op(_heap, "allocate", sizes, name=names),
    "Udmabuf.allocate": _udmabuf_limit(method_op(dmabuf.Udmabuf, "allocate", sizes, name=names)),
    "Udmabuf.create": _udmabuf_limit(_udmabuf_create),
    "Udmabuf.create_list": _udmabuf_limit(_udmabuf_create_list),
    "Buffer.begin_cpu_access": method_op(_Buffer, "begin_cpu_access", read=flags, write=flags),
    "Buffer.end_cpu_access": method_op(_Buffer, "end_cpu_access", read=flags, write=flags),
    "Buffer.set_name": method_op(_Buffer, "set_name", names),
    "Buffer.export_sync_file": method_op(_Buffer, "export_sync_file", read=flags, write=flags),
    "Buffer.import_sync_file": _import_sync_file,
    "SyncFile.wait": method_op(_SyncFile, "wait", timeouts),
    "send_buffer": _send_buffer,
}


@pytest.mark.parametrize("name", list(OPS))
@FUZZ
@given(data=st.data())
def test_dmabuf_call(name: str, data: st.DataObject) -> None:
    with fuzzed("dmabuf") as world:
        OPS[name](world, data)
