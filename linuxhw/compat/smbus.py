"""python-smbus's ``SMBus`` (``import smbus``: i2c-tools' py-smbus, Debian's ``python3-smbus``) over
:class:`linuxhw.compat.smbus2.SMBus`, for the older drivers written against it.

>>> from linuxhw.compat.smbus import SMBus                          # was: import smbus; smbus.SMBus
>>> bus = SMBus(1)                                                  # doctest: +SKIP
>>> bus.read_byte_data(0x68, 0x75)                                  # doctest: +SKIP

Its API is py-smbus 4.3's (``py-smbus/smbusmodule.c``): ``SMBus(bus=-1)`` opens ``/dev/i2c-<bus>``
when ``bus >= 0``; ``open(bus)``, ``close()``; every transaction takes its arguments by position
only (``addr``, ``cmd``, ``val``, ``vals``), as any integer-like object (``IntEnum``, numpy ints);
results are ints and lists of ints; ``read_i2c_block_data``'s length defaults to 32; ``pec`` is a
bool attribute. A kernel failure is an ``OSError`` with the kernel's errno (a
:class:`linuxhw.errors.DeviceError` subclass that also names the device and the operation); a
block of more than 32 values is an ``OverflowError`` and a ``vals`` that is no sequence of integers
a ``TypeError``, as py-smbus raises them. A call on a bus that is not open raises ``OSError``
EBADF, as py-smbus's ioctl on fd -1 does (a :class:`linuxhw.errors.ClosedError` too).

Where it differs, on purpose:

- values out of range (a ``cmd`` of 256, a negative word) raise ``ValueError`` naming the argument,
  where py-smbus's C casts silently keep the low bits; an address above 0x7f raises ``ValueError``
  (py-smbus has no 10-bit addressing: the kernel answers EINVAL);
- ``process_call`` returns the word the device answered (py-smbus drops it and returns None);
- ``read_i2c_block_data`` and ``write_i2c_block_data`` take more than 32 bytes (one I2C transfer,
  or several SMBus transactions on SMBus-only adapters), where py-smbus fails; ``vals`` may be any
  sequence of integers (py-smbus takes lists only);
- setting ``pec`` on an adapter without PEC raises ``OSError`` EOPNOTSUPP (py-smbus sets the flag,
  which such an adapter ignores, so nothing is checked);
- each call addresses its own ``addr`` (py-smbus remembers the last address it tried even when
  the kernel refused it, EBUSY for one, and then talks to the previous device); ``open()`` on an
  open bus closes the old adapter first (py-smbus leaks its fd and keeps the old ``pec`` flag);
- a call the adapter does not advertise (``I2C_FUNCS``) fails with ``EOPNOTSUPP`` before
  reaching the bus;
- ``del bus.pec`` raises the ``TypeError`` py-smbus meant to (py-smbus 4.3 crashes the interpreter).
"""

from __future__ import annotations

import errno
import operator
from collections.abc import Sequence
from typing import Any

from linuxhw.compat import smbus2
from linuxhw.errors import ClosedError
from linuxhw.i2c.message import BLOCK_MAX

__all__ = ["SMBus"]


class BusNotOpenError(OSError, ClosedError):
    """A call on an :class:`SMBus` that is not open: ``errno`` EBADF, as py-smbus answers it."""


def _int(value: Any) -> int:
    """An argument as py-smbus's ``"i"`` format takes it: anything with ``__index__`` (TypeError else), as an
    exact int (before 3.10, index() kept an IntEnum an IntEnum, which linuxhw's calls refuse as not an int)."""
    return int(operator.index(value))


def _vals(vals: Any, limit: int | None) -> list[int]:
    """``vals`` as a list of ints: a sequence of integers, at most ``limit`` of them (OverflowError past it)."""
    if isinstance(vals, (str, bytes, bytearray, memoryview)) or not isinstance(vals, Sequence):
        raise TypeError(f"vals must be a list of integers, not {type(vals).__name__}")
    if limit is not None and len(vals) > limit:
        raise OverflowError(f"vals must be a list of at most {limit} integers (an SMBus block), not {len(vals)}")
    try:
        return [_int(value) for value in vals]
    except TypeError:
        raise TypeError(f"vals must be a list of integers, not {vals!r}") from None


def _bytes(vals: list[int]) -> bytes:
    try:
        return bytes(vals)
    except ValueError:
        raise ValueError(f"vals must hold bytes 0..255, not {vals!r}") from None


class SMBus:
    """``SMBus([bus])``: a bus connected to ``/dev/i2c-<bus>`` when ``bus >= 0``, else waiting for
    :meth:`open`."""

    __slots__ = ("_bus",)

    def __init__(self, bus: int = -1) -> None:
        self._bus = smbus2.SMBus()
        if _int(bus) >= 0:
            self.open(bus)

    def open(self, bus: int) -> None:
        """Connect to ``/dev/i2c-<bus>`` (closing the adapter this object had open, if any)."""
        self._bus.open(_int(bus))

    def close(self) -> None:
        """Disconnect from the bus; safe to repeat."""
        self._bus.close()

    def _open_bus(self) -> smbus2.SMBus:
        if self._bus.fd is None:
            raise BusNotOpenError(
                errno.EBADF, "Bad file descriptor: this SMBus is not open (pass a bus number to SMBus() or call open())"
            )
        return self._bus

    @property
    def pec(self) -> bool:
        """True if SMBus Packet Error Checking is on for the following calls (off after open/close)."""
        return bool(self._bus.pec)

    @pec.setter
    def pec(self, value: object) -> None:
        try:
            enable = bool(value)
        except Exception:
            raise TypeError("The pec attribute must be a boolean.") from None
        if enable != self.pec:
            self._open_bus().enable_pec(enable)

    @pec.deleter
    def pec(self) -> None:
        raise TypeError("Cannot delete attribute")

    # -- SMBus transactions, py-smbus's signatures: the arguments are converted before the bus is looked at
    # (py-smbus parses them first, so a bad one is a TypeError even on a bus that is not open) ------------

    def write_quick(self, addr: int, /) -> None:
        """SMBus quick write (the address and the write bit)."""
        addr = _int(addr)
        self._open_bus().write_quick(addr)

    def read_byte(self, addr: int, /) -> int:
        """SMBus receive byte."""
        addr = _int(addr)
        return self._open_bus().read_byte(addr)

    def write_byte(self, addr: int, val: int, /) -> None:
        """SMBus send byte."""
        addr, val = _int(addr), _int(val)
        self._open_bus().write_byte(addr, val)

    def read_byte_data(self, addr: int, cmd: int, /) -> int:
        """SMBus read byte data: one byte from register ``cmd``."""
        addr, cmd = _int(addr), _int(cmd)
        return self._open_bus().read_byte_data(addr, cmd)

    def write_byte_data(self, addr: int, cmd: int, val: int, /) -> None:
        """SMBus write byte data."""
        addr, cmd, val = _int(addr), _int(cmd), _int(val)
        self._open_bus().write_byte_data(addr, cmd, val)

    def read_word_data(self, addr: int, cmd: int, /) -> int:
        """SMBus read word data (little-endian on the wire)."""
        addr, cmd = _int(addr), _int(cmd)
        return self._open_bus().read_word_data(addr, cmd)

    def write_word_data(self, addr: int, cmd: int, val: int, /) -> None:
        """SMBus write word data."""
        addr, cmd, val = _int(addr), _int(cmd), _int(val)
        self._open_bus().write_word_data(addr, cmd, val)

    def process_call(self, addr: int, cmd: int, val: int, /) -> int:
        """SMBus process call: a word out, the device's word back (py-smbus returns None)."""
        addr, cmd, val = _int(addr), _int(cmd), _int(val)
        return self._open_bus().process_call(addr, cmd, val)

    def read_block_data(self, addr: int, cmd: int, /) -> list[int]:
        """SMBus block read: the device says how many bytes (1..32) follow."""
        addr, cmd = _int(addr), _int(cmd)
        return self._open_bus().read_block_data(addr, cmd)

    def write_block_data(self, addr: int, cmd: int, vals: Sequence[int], /) -> None:
        """SMBus block write of 1..32 bytes."""
        addr, cmd, data = _int(addr), _int(cmd), _bytes(_vals(vals, BLOCK_MAX))
        self._open_bus().write_block_data(addr, cmd, data)

    def block_process_call(self, addr: int, cmd: int, vals: Sequence[int], /) -> list[int]:
        """SMBus block process call: a block of 1..32 bytes out, the device's block back."""
        addr, cmd, data = _int(addr), _int(cmd), _bytes(_vals(vals, BLOCK_MAX))
        return self._open_bus().block_process_call(addr, cmd, data)

    def read_i2c_block_data(self, addr: int, cmd: int, len: int = BLOCK_MAX, /) -> list[int]:
        """``len`` bytes from register ``cmd`` (the "I2C block" read; more than 32 allowed)."""
        addr, cmd, length = _int(addr), _int(cmd), _int(len)
        return self._open_bus().read_i2c_block_data(addr, cmd, length)

    def write_i2c_block_data(self, addr: int, cmd: int, vals: Sequence[int], /) -> None:
        """Bytes written from register ``cmd`` on (the "I2C block" write; more than 32 allowed)."""
        addr, cmd, data = _int(addr), _int(cmd), _bytes(_vals(vals, None))
        self._open_bus().write_i2c_block_data(addr, cmd, data)
