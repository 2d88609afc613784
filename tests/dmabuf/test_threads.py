"""Threads sharing one DMA-BUF heap: allocate, map, fill, check and close side by side (each buffer
its own memory, zeroed when it comes); close() of the heap from one thread while others allocate."""

from __future__ import annotations

from collections.abc import Callable

from linuxhw import dmabuf
from tests.dmabuf.conftest import DmaEnv
from tests.threads import close_amid_calls, run_together

ROUNDS = 30  # per worker: modest, the kernel tier runs on one emulated CPU
PAGE = 4096


def test_threads_share_one_heap(dma: DmaEnv) -> None:
    with dmabuf.Heap("system") as heap:

        def work(mark: int) -> Callable[[], None]:
            def run() -> None:
                for i in range(ROUNDS):
                    size = PAGE * (1 + (i + mark) % 3)
                    with heap.allocate(size) as buf:
                        assert buf.size == size
                        view = buf.map()
                        assert view[:64] == bytes(64) and view[-1] == 0, "a new buffer is zeroed"
                        with buf.cpu_access():
                            view[:] = bytes([mark]) * size
                        with buf.cpu_access(read=True):
                            assert view.tobytes() == bytes([mark]) * size, f"worker {mark} round {i}"
                        view.release()

            return run

        run_together({f"worker {mark}": work(mark) for mark in range(1, 5)})


def test_close_while_other_threads_allocate(dma: DmaEnv) -> None:
    heap = dmabuf.Heap("system")

    def allocate() -> None:
        heap.allocate(PAGE).close()

    close_amid_calls(heap, {"closer": allocate, "other": allocate}, ROUNDS)


def test_close_of_a_buffer_while_other_threads_sync_it(dma: DmaEnv) -> None:
    with dmabuf.Heap("system") as heap:
        buf = heap.allocate(PAGE)
        view = buf.map()

        def sync() -> None:
            buf.begin_cpu_access()
            buf.end_cpu_access()

        close_amid_calls(buf, {"closer": sync, "other": sync}, ROUNDS)
        view.release()


def test_close_of_a_buffer_while_other_threads_access_it(dma: DmaEnv) -> None:
    with dmabuf.Heap("system") as heap:
        buf = heap.allocate(PAGE)

        def access() -> None:  # map, START and END: the buffer's calls made in C
            with buf.cpu_access(write=True) as view:
                view[0] = 1

        close_amid_calls(buf, {"closer": access, "other": access}, ROUNDS)
