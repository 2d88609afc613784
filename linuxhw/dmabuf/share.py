"""Handing dma-bufs to another process over a Unix socket (SCM_RIGHTS)."""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from linuxhw._kernel import Backend, get_backend
from linuxhw.dmabuf._common import discard_fd
from linuxhw.dmabuf.buffer import Buffer
from linuxhw.errors import device_error

if TYPE_CHECKING:
    import socket

__all__ = ["receive_buffer", "send_buffer"]

TAG = b"linuxhw:dma-buf\n"  # the data byte(s) the fd rides on; a stream socket needs at least one


def _check_socket(sock: socket.socket) -> None:
    import socket  # here, not at the top: importing linuxhw.dmabuf needs no socket module

    if not isinstance(sock, socket.socket):
        raise TypeError(f"sock must be a socket.socket, not {sock!r}")
    if sock.family != socket.AF_UNIX:
        raise ValueError(f"file descriptors travel over AF_UNIX sockets only, not {sock.family!r}")


def send_buffer(sock: socket.socket, buffer: Buffer) -> None:
    """Send ``buffer``'s fd over a Unix socket; the peer gets its own fd with :func:`receive_buffer`.
    Both then share the same memory; each closes its own Buffer."""
    _check_socket(sock)
    if not isinstance(buffer, Buffer):
        raise TypeError(f"buffer must be a dmabuf.Buffer, not {buffer!r}")
    try:
        buffer._backend.send_fds(sock, TAG, [buffer.fileno()])
    except OSError as exc:
        raise device_error(exc.errno or errno.EIO, buffer.path, "send over a Unix socket") from None


def receive_buffer(sock: socket.socket, *, backend: Backend | None = None) -> Buffer:
    """Receive a buffer sent with :func:`send_buffer` (blocks until one arrives).

    Raises EOFError when the peer closed the socket, ValueError when what arrived is not a dma-buf.
    """
    _check_socket(sock)
    backend = backend or get_backend()
    try:
        data, fds = backend.recv_fds(sock, len(TAG), 1)
    except OSError as exc:
        raise device_error(exc.errno or errno.EIO, None, "receive over a Unix socket") from None
    if data != TAG or len(fds) != 1:
        for fd in fds:
            discard_fd(backend, fd)
        if not data and not fds:
            raise EOFError("the peer closed the socket without sending a buffer")
        raise ValueError(f"not a buffer from send_buffer(): {data!r} with {len(fds)} file descriptor(s)")
    return Buffer.from_fd(fds[0], take=True, backend=backend)
