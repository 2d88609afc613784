"""The one seam between linuxhw and the kernel.

Everything above this package talks to a :class:`Backend`: the real one issues
syscalls through ``linuxhw._uapi``; the mock one (``linuxhw.mock.Board``) answers
the same calls with kernel semantics. Calls return a result ``>= 0`` or ``-errno``,
exactly like the C wrappers, so the hot path costs one call and one comparison.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Union

from linuxhw._kernel.backend import Backend
from linuxhw._kernel.factory import ALLOWED, is_factory_spec, load_factory
from linuxhw._kernel.real import RealBackend

__all__ = ["Backend", "get_backend", "resolve_backend", "set_backend", "use_backend"]

BackendSpec = Union[str, Backend]

_lock = threading.Lock()
_current: Backend | None = None


def resolve_backend(spec: BackendSpec, source: str = "backend") -> Backend:
    """The Backend ``spec`` names: a Backend itself, ``"real"``, ``"mock"`` (a fresh demo board) or
    ``"package.module:factory"`` (see :mod:`linuxhw._kernel.factory`); ValueError naming ``source``
    (``LINUXHW_BACKEND``, ``--backend`` ...) and what is allowed otherwise, TypeError for neither a str nor
    a Backend."""
    if isinstance(spec, Backend):
        return spec
    if not isinstance(spec, str):
        raise TypeError(
            f"{source} must be a str ({ALLOWED}) or a Backend instance, not {type(spec).__name__} {spec!r:.60}"
        )
    if spec == "real":
        return RealBackend()
    if spec == "mock":
        from linuxhw.mock import demo_board

        return demo_board()
    if is_factory_spec(spec):
        return load_factory(spec, source)
    instance = ", or a Backend instance" if source == "backend" else ""  # what Python callers may also pass
    raise ValueError(f"{source} must be {ALLOWED}{instance}; not {spec!r}")


def get_backend() -> Backend:
    """The backend new handles use: set by :func:`set_backend`, else ``$LINUXHW_BACKEND`` (default real;
    it takes what :func:`set_backend` takes as a string)."""
    global _current
    backend = _current
    if backend is None:
        with _lock:
            if _current is None:
                _current = resolve_backend(os.environ.get("LINUXHW_BACKEND") or "real", "LINUXHW_BACKEND")
            backend = _current
    return backend


def set_backend(spec: BackendSpec) -> Backend:
    """Select the backend for handles opened from now on and return it.

    ``"real"`` talks to the kernel, ``"mock"`` to the demo board, ``"package.module:factory"`` to
    the Backend that factory returns (a ``linuxhw.mock.Board`` with your parts), or pass a Backend
    such as a ``linuxhw.mock.Board``. Handles already open keep the backend they were opened with.
    """
    global _current
    backend = resolve_backend(spec)
    with _lock:
        _current = backend
    return backend


@contextmanager
def use_backend(spec: BackendSpec) -> Iterator[Backend]:
    """Use a backend inside a ``with`` block, restoring the previous selection afterwards."""
    global _current
    backend = resolve_backend(spec)
    with _lock:
        previous = _current
        _current = backend
    try:
        yield backend
    finally:
        with _lock:
            _current = previous
