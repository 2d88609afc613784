"""Sharing buffers between processes over Unix sockets (SCM_RIGHTS)."""

from __future__ import annotations

import mmap
import os
import socket
import sys
import textwrap
from collections.abc import Iterator

import pytest

from linuxhw import dmabuf
from tests.dmabuf.conftest import DmaEnv
from tests.waiting import DEADLINE, child_process

PAGE = mmap.PAGESIZE

PEER = textwrap.dedent("""
    import socket, sys
    from linuxhw import dmabuf, mock
    from linuxhw._kernel.real import RealBackend

    backend = mock.Board() if sys.argv[1] == "mock" else RealBackend()
    sock = socket.socket(fileno=int(sys.argv[2]))
    for _ in range(int(sys.argv[3])):
        with dmabuf.receive_buffer(sock, backend=backend) as buf, buf.cpu_access() as view:
            seen = view[:5].tobytes()
            view[buf.size - 5 :] = b"peer!"
            sock.sendall(f"{buf.exporter} {buf.size} {buf.name} {seen.decode()}\\n".encode())
    sock.close()
""")


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    here, there = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with here, there:
        yield here, there


def test_two_processes_share_the_same_memory(dma: DmaEnv, pair: tuple[socket.socket, socket.socket]) -> None:
    here, there = pair
    memfd = dmabuf.create_memfd(2 * PAGE)
    buffers = [
        dmabuf.allocate(3 * PAGE, name="from-heap"),
        dmabuf.from_memfd_ranges([(memfd, PAGE, PAGE), (memfd, 0, PAGE)], name="two-ranges"),
    ]
    os.close(memfd)
    try:
        with child_process(
            [sys.executable, "-c", PEER, dma.backend_name, str(there.fileno()), str(len(buffers))],
            pass_fds=[there.fileno()],
        ) as peer:
            there.close()  # the peer has its own: if it dies, the reads below see EOF instead of waiting
            here.settimeout(DEADLINE)
            with here.makefile("r") as replies:
                for buf in buffers:
                    with buf.cpu_access(write=True) as view:
                        view[:5] = b"hello"
                    dmabuf.send_buffer(here, buf)
                    assert replies.readline().split() == [buf.exporter, str(buf.size), buf.info().name, "hello"]
                    with buf.cpu_access(read=True) as view:
                        assert view[buf.size - 5 :].tobytes() == b"peer!"
            assert peer.wait(DEADLINE) == 0
    finally:
        for buf in buffers:
            buf.close()


def test_send_and_receive_in_one_process(dma: DmaEnv, pair: tuple[socket.socket, socket.socket]) -> None:
    here, there = pair
    with dmabuf.allocate(PAGE) as buf:
        dmabuf.send_buffer(here, buf)
        with dmabuf.receive_buffer(there) as received:
            assert received.fileno() != buf.fileno()
            assert (received.size, received.exporter, received.path) == (PAGE, "system", "dmabuf:system")
            received.map()[0] = 9
            assert buf.map()[0] == 9


def test_receive_reports_a_closed_peer_and_foreign_fds(dma: DmaEnv, pair: tuple[socket.socket, socket.socket]) -> None:
    here, there = pair
    memfd = os.memfd_create("not-a-dmabuf", os.MFD_CLOEXEC)
    socket.send_fds(here, [b"linuxhw:dma-buf\n"], [memfd])
    os.close(memfd)
    with pytest.raises(ValueError, match=r"is not a dma-buf"):
        dmabuf.receive_buffer(there)
    here.sendall(b"linuxhw:dma-buf\n")
    with pytest.raises(ValueError, match=r"not a buffer from send_buffer\(\)"):
        dmabuf.receive_buffer(there)
    here.close()
    with pytest.raises(EOFError, match="closed the socket"):
        dmabuf.receive_buffer(there)


def test_sockets_are_checked(dma: DmaEnv) -> None:
    with dmabuf.allocate(PAGE) as buf, socket.socket(socket.AF_INET, socket.SOCK_STREAM) as inet:
        with pytest.raises(ValueError, match="AF_UNIX sockets only"):
            dmabuf.send_buffer(inet, buf)
        with pytest.raises(TypeError, match=r"must be a socket\.socket"):
            dmabuf.send_buffer(buf.fileno(), buf)  # type: ignore[arg-type]
        with socket.socket(socket.AF_UNIX) as unix, pytest.raises(TypeError, match=r"must be a dmabuf\.Buffer"):
            dmabuf.send_buffer(unix, buf.fileno())  # type: ignore[arg-type]
