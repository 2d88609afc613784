"""Pointers into callers' buffers that outlive one call: an I2C message or SPI transfer built once and
run many times keeps the caller's bytes exported for as long as it lives."""

from __future__ import annotations

from typing import Any

from linuxhw._uapi import ffi

__all__ = ["buffer_size", "pin"]


def _address(cdata: Any) -> int:
    return int(ffi.cast("uintptr_t", cdata))


def buffer_size(buffer: Any, name: str, writable: bool = False) -> int:
    """The byte length of a bytes-like ``buffer``; TypeError naming it when it is none (or is
    read-only when ``writable``)."""
    try:
        view = memoryview(buffer)
    except TypeError:
        kind = "a writable buffer (bytearray, memoryview, array, ...)" if writable else "a bytes-like object"
        raise TypeError(f"{name} must be {kind}, not {type(buffer).__name__}") from None
    if writable and view.readonly:
        raise TypeError(f"{name} must be a writable buffer (bytearray, memoryview, array, ...), not read-only")
    return view.nbytes


def pin(buffer: Any, writable: bool = False, name: str = "buffer") -> tuple[int, int, Any]:
    """``(address, nbytes, keeper)`` of ``buffer``'s bytes, valid while ``keeper`` lives.

    A memoryview is exported through the object it views rather than itself: before Python 3.12.7
    (gh-77894) the garbage collector, clearing a memoryview that still has an export, frees what the
    export refers to, so a message caught in a reference cycle with the caller's view (a traceback
    that holds both, say) crashed the interpreter. Raises TypeError naming ``name`` for a buffer that
    is not contiguous bytes, or read-only when ``writable``.
    """
    buffer_size(buffer, name, writable)
    try:
        held = ffi.from_buffer("__u8[]", buffer, require_writable=writable)
    except (TypeError, ValueError, BufferError) as exc:  # e.g. not contiguous
        raise TypeError(f"{name} must be contiguous bytes: {exc}") from None
    address, nbytes = _address(held), len(held)
    if type(buffer) is not memoryview or buffer.obj is None:
        return address, nbytes, held
    try:
        base = ffi.from_buffer("__u8[]", buffer.obj, require_writable=writable)
    except (TypeError, ValueError, BufferError):  # the viewed object has no plain bytes of its own
        return address, nbytes, held
    start = _address(base)
    if not start <= address <= address + nbytes <= start + len(base):
        ffi.release(base)  # not a window of those bytes (a copying exporter): keep the view's own export
        return address, nbytes, held
    ffi.release(held)
    return address, nbytes, base
