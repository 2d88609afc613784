"""The checked world a fuzzed call runs in, and the hostile values it is called with.

Every example gets a fresh demo board (``linuxhw.mock.demo``) whose syscalls are watched: the
library must refuse bad arguments itself, so no ioctl/read/write/lseek/mmap may come back with an
errno that means "invalid argument" (EINVAL, EFAULT, ERANGE, ...). What a call may raise: ValueError
or TypeError naming the argument (ClosedError is a ValueError), or a linuxhw.errors.DeviceError for a
kernel answer that depends on the device's state, not on the argument. Nothing leaks: the board's
open files and the process's fds are what they were before the example.
"""

from __future__ import annotations

import errno
import inspect
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import strategies as st

import linuxhw
from linuxhw.errors import DeviceError
from linuxhw.mock import Board
from linuxhw.mock.demo import demo_board
from tests.fuzz.profiles import examples_run

# Kernel answers that mean the caller passed something the library should have refused first.
INVALID_ERRNOS = {errno.EINVAL, errno.EFAULT, errno.ERANGE, errno.EOVERFLOW, errno.EMSGSIZE, errno.ENAMETOOLONG}
HUGE = [2**31 - 1, 2**31, 2**32, 2**32 + 1, 2**63 - 1, 2**63, 2**64, 2**64 + 1, 2**200]

# Values of every kind a careless caller passes: ints of any size and sign, bools, floats (inf, nan),
# None, strings, bytes, huge buffers, containers and plain objects.
hashable: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(HUGE + [-n for n in HUGE] + [-1, 0, 1]),
    st.floats(),
    st.text(max_size=12),
    st.binary(max_size=40),
    st.builds(object),
)
anything: st.SearchStrategy[Any] = st.one_of(
    hashable,
    st.just(1 << 16).map(bytearray),
    st.lists(st.integers(-1, 300), max_size=4),
    st.dictionaries(st.integers(-1, 40), st.integers(-1, 2), max_size=3),
)


def either(plausible: st.SearchStrategy[Any], garbage: st.SearchStrategy[Any] = anything) -> st.SearchStrategy[Any]:
    """Mostly values a real caller might pass (so calls get deep), sometimes anything at all."""
    return st.one_of(plausible, plausible, garbage)


def either_key(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A dict key: mostly plausible, sometimes any hashable value."""
    return either(plausible, hashable)


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


class Fuzzed:
    """One example's world: a checked demo board as the current backend."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.invalid: list[str] = []  # syscalls the kernel would have refused as invalid
        self.input_checked_by_kernel: set[int] = set()  # ioctls only the kernel can judge (see allow_kernel_check)
        for name in ("ioctl", "read", "write", "lseek"):
            self._watch(name)
        for name in ("mmap", "dup", "open"):
            self._watch_raising(name)

    def allow_kernel_check(self, request: int) -> None:
        """Let ioctl ``request`` fail as invalid: its argument is something only the kernel can judge
        (e.g. whether an fd number is a sync_file)."""
        self.input_checked_by_kernel.add(request)

    def _record(self, call: str, args: tuple[Any, ...], err: int) -> None:
        if call == "ioctl" and args[1] in self.input_checked_by_kernel:
            return
        if err in INVALID_ERRNOS:
            shown = ", ".join(hex(a) if isinstance(a, int) else type(a).__name__ for a in args)
            self.invalid.append(f"{call}({shown}) -> {errno.errorcode[err]}")

    def _watch(self, name: str) -> None:
        call = getattr(self.board, name)

        def checked(*args: Any) -> int:
            ret: int = call(*args)
            if ret < 0:
                self._record(name, args, -ret)
            return ret

        setattr(self.board, name, checked)

    def _watch_raising(self, name: str) -> None:
        call = getattr(self.board, name)

        def checked(*args: Any) -> Any:
            try:
                return call(*args)
            except OSError as exc:
                self._record(name, args, exc.errno or 0)
                raise

        setattr(self.board, name, checked)

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)``: its result, or None when it raised one of the allowed errors
        (any other exception fails the example)."""
        return self.call_expecting((), function, *args, **kwargs)

    def call_expecting(self, documented: tuple[type[Exception], ...], function: Callable[..., Any], *args: Any,
                       **kwargs: Any) -> Any:  # fmt: skip
        """:meth:`call` of a function that documents more exceptions than the common ones."""
        try:
            return function(*args, **kwargs)
        except documented:
            return None
        except (ValueError, TypeError) as exc:
            _check_names_argument(function, args, kwargs, exc)
        except DeviceError:
            pass  # a kernel answer: fuzzed() checks that no call was invalid
        return None


# Python's own messages for a wrong type or value: they never say which argument was wrong.
GENERIC = re.compile(
    r"not supported between instances|unsupported operand|is not iterable|has no attribute|bytes-like object is"
    r"|invalid literal|argument must be|doesn't define|unsupported format string|Unknown format code|cannot be"
    r" interpreted as an integer|can't convert|integer is required|unhashable type|not subscriptable|initializer for"
    r"|object is not callable|takes no|must be real number|a float is required|cannot be converted|out of range$"
)


def _check_names_argument(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                          exc: Exception) -> None:  # fmt: skip
    """A ValueError/TypeError must be the library's own words (saying which argument or value is
    wrong), not Python's generic message from deep inside."""
    message = str(exc)
    if not GENERIC.search(message):
        return
    try:
        names = list(inspect.signature(function).bind(*args, **kwargs).arguments)
    except (TypeError, ValueError):
        names = list(kwargs)
    if any(re.search(rf"\b{re.escape(name)}\b", message) for name in names):
        return
    where = function.__qualname__
    raise AssertionError(f"{type(exc).__name__} names no argument of {where}: {message[:300]!r}") from exc


@contextmanager
def fuzzed(group: str, allow: Callable[[str], bool] = lambda call: False) -> Iterator[Fuzzed]:
    """A fresh checked demo board as the current backend for one example of ``group``; afterwards no
    invalid syscall (unless ``allow`` says the kernel's answer depends on state, not on input), no open
    mock file, no new fd."""
    examples_run[group] += 1
    board = demo_board()
    before = _open_fds()
    world = Fuzzed(board)
    with linuxhw.use_backend(board):
        yield world
    invalid = [call for call in world.invalid if not allow(call)]
    assert not invalid, f"syscalls with arguments the library should have refused: {invalid}"
    assert board.open_files() == 0, "a mock fd leaked"
    leaked = _open_fds() - before
    assert not leaked, f"fds leaked: {sorted(leaked)}"


Op = Callable[[Fuzzed, st.DataObject], None]


def close_result(result: Any) -> None:
    """Close what a fuzzed call returned, if it is a handle."""
    if hasattr(result, "close"):
        result.close()


def method_op(open_handle: Callable[[], Any], method: str, *args: st.SearchStrategy[Any],
              **kwargs: st.SearchStrategy[Any]) -> Op:  # fmt: skip
    """An op calling ``method`` of a fresh handle from ``open_handle()`` with drawn arguments."""

    def op(world: Fuzzed, data: st.DataObject) -> None:
        with open_handle() as handle:
            drawn = {name: data.draw(arg) for name, arg in kwargs.items()}
            close_result(world.call(getattr(handle, method), *(data.draw(arg) for arg in args), **drawn))

    return op


def function_op(function: Callable[..., Any], *args: st.SearchStrategy[Any],
                **kwargs: st.SearchStrategy[Any]) -> Op:  # fmt: skip
    """An op calling ``function`` with drawn arguments (closing what it returns)."""

    def op(world: Fuzzed, data: st.DataObject) -> None:
        drawn = {name: data.draw(arg) for name, arg in kwargs.items()}
        close_result(world.call(function, *(data.draw(arg) for arg in args), **drawn))

    return op


def optional(**kwargs: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of these keyword arguments, each drawn from its strategy."""
    return st.fixed_dictionaries({}, optional=kwargs)
