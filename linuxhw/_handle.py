"""Base for every object owning a kernel fd: context manager, idempotent close, leak finalizer."""

from __future__ import annotations

import errno
import grp
import os
import threading
import warnings
import weakref
from types import TracebackType
from typing import Any, Callable, NoReturn, TypeVar

from linuxhw import _fastpath
from linuxhw._kernel import Backend
from linuxhw.errors import REMOVAL_ERRNOS, ClosedError, device_error, removed_error

T = TypeVar("T")


def permission_hint(path: str, subsystem: str) -> str:
    """What grants access to a device node, naming its group when it has one."""
    try:
        group = grp.getgrgid(os.stat(path).st_gid).gr_name
    except (OSError, KeyError):
        group = subsystem
    return (
        f"add your user to the '{group}' group (sudo usermod -aG {group} $USER, then log in again) "
        f'or grant access with a udev rule such as SUBSYSTEM=="{subsystem}", GROUP="{group}", MODE="0660"'
    )


def open_device(backend: Backend, path: str, flags: int, subsystem: str) -> int:
    """Open a device node, turning OSError into a DeviceError that says what to do about it."""
    try:
        return backend.open(path, flags)
    except OSError as exc:
        err = exc.errno or errno.EIO
        hint = permission_hint(path, subsystem) if err in (errno.EACCES, errno.EPERM) else ""
        raise device_error(err, path, "open", hint) from None


_open_handles: weakref.WeakSet[Handle] = weakref.WeakSet()  # see open_handles()
_open_handles_lock = threading.Lock()  # a handle opened in one thread while another lists them


def open_handles() -> list[Handle]:
    """Every handle open in this process (the pytest plugin's ``linuxhw_faces.run()`` closes those a
    program run in the test's process left open, as the end of its own process would)."""
    with _open_handles_lock:
        return list(_open_handles)


def _close_forgotten(gate: _fastpath.FdGate, description: str) -> None:
    warnings.warn(f"unclosed {description}: closing it now; use close() or a with block", ResourceWarning, stacklevel=2)
    gate.close()


class Handle:
    """Owns one descriptor from a backend. ``close()`` is safe to repeat; a forgotten handle is closed
    by its finalizer with a ResourceWarning, so no fd (and no requested line) outlives its object.

    At interpreter exit the finalizers stand aside (``atexit = False``): the process's end closes every
    fd anyway, and weakref.finalize's exit hook may run before another library's own atexit cleanup
    (atexit is last in, first out, and that hook is registered when the process's first finalizer is
    made), which would close that library's handles under it: gpiozero's shutdown closes its pins there.

    Threads: a call that uses the fd with the GIL released runs between ``fd = self._gate.enter()``
    and ``self._gate.leave()`` (or in ``with self._gate as fd:``, which costs more); close() from
    another thread wakes the waits (they raise ClosedError) and the fd is closed when the last call
    in flight has left, so no call ever reaches a number reused by another open()."""

    def __init__(self, backend: Backend, fd: int, path: str, description: str) -> None:
        self._backend = backend
        self._fd = fd
        self._gate = _fastpath.FdGate(fd, backend.close)
        self.path = path
        self._finalizer = weakref.finalize(self, _close_forgotten, self._gate, description)
        self._finalizer.atexit = False  # the exit is other libraries' to clean up in (see the class docstring)
        with _open_handles_lock:
            _open_handles.add(self)

    def close(self) -> None:
        """Release the descriptor (and what the kernel ties to it); repeating it does nothing.

        Calls blocked on it in other threads wake up with ClosedError; the kernel sees the close
        once the calls in flight have returned."""
        if self._finalizer.detach() is not None:
            self._fd = -1
            self._gate.close()
            with _open_handles_lock:
                _open_handles.discard(self)

    @property
    def closed(self) -> bool:
        """True after close()."""
        return self._fd < 0

    def fileno(self) -> int:
        """The kernel file descriptor, for select/poll/selectors/asyncio."""
        return self._kernel_fd()

    def _kernel_fd(self) -> int:
        if self._fd < 0:
            self._raise_closed()
        return self._fd

    def _on_fd(self, call: Callable[..., T], *args: Any) -> T:
        """``call(fd, *args)`` inside the gate, for the calls with no fast path of their own: another
        thread's close() cannot give the fd's number to a new file before it returns. ClosedError once closed."""
        with self._gate as fd:
            if fd < 0:
                self._raise_closed()
            return call(fd, *args)

    def _raise_closed(self) -> NoReturn:
        raise ClosedError(f"{type(self).__name__} for {self.path} is closed")

    def _raise_kernel_error(self, err: int, operation: str, hint: str = "") -> NoReturn:
        """Raise the error for a failed call: ClosedError if the handle was closed meanwhile,
        DeviceRemovedError if its device is gone, else the DeviceError subclass of ``err``."""
        self._raise_if_removed(err, operation)
        raise device_error(err, self.path, operation, hint)

    def _raise_if_gone(self, operation: str, err: int = errno.ENODEV) -> None:
        """DeviceRemovedError (with ``err``, the kernel's answer on such a device) if the device went
        away, for a wait the kernel may not end on removal (see linuxhw._events.REMOVAL_CHECK_S)."""
        if not self._backend.device_present(self._kernel_fd()):
            raise removed_error(err, self.path, operation)

    def _raise_if_removed(self, err: int, operation: str) -> None:
        """ClosedError if the handle was closed meanwhile; DeviceRemovedError if ``err`` came from a
        device that is gone (an errno it shares with everyday failures, so the backend is asked)."""
        fd = self._fd
        if fd < 0:
            self._raise_closed()
        if err in REMOVAL_ERRNOS and not self._backend.device_present(fd):
            raise removed_error(err, self.path, operation)

    @property
    def _backend_read(self) -> Callable[[int, Any, int], int]:
        return self._backend.read

    def __enter__(self) -> Handle:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
