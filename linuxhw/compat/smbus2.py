"""smbus2's ``SMBus``, ``i2c_msg`` and ``I2cFunc`` over :class:`linuxhw.i2c.Bus`: change the import,
keep the driver.

>>> from linuxhw.compat.smbus2 import SMBus, i2c_msg                 # was: from smbus2 import ...
>>> with SMBus(1) as bus:                                           # doctest: +SKIP
...     bus.read_byte_data(0x1c, 0x0f)

Same signatures, the same return types (ints, and lists of ints for blocks) and, for a kernel
failure, an ``OSError`` with the same errno (a :class:`linuxhw.errors.DeviceError` subclass that
also names the device and the operation). Where it differs, on purpose:

- values out of range (a register of 256, a negative word) raise ``ValueError`` naming the argument,
  where smbus2's ctypes silently keep the low bits; a bus given as an adapter name is accepted too;
- ``read_i2c_block_data`` and ``write_i2c_block_data`` take more than 32 bytes (one I2C transfer,
  or several SMBus transactions on SMBus-only adapters) where smbus2 raises ``ValueError``;
- a call the adapter does not advertise (``I2C_FUNCS``) fails with ``EOPNOTSUPP`` before reaching
  the bus, where smbus2 sends it anyway (i2c-stub, for one, carries out block writes it does not
  advertise);
- a closed bus raises ``ValueError`` (not open) rather than a ``TypeError`` from ioctl.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Sequence
from enum import IntFlag
from types import TracebackType
from typing import Any, Union

from linuxhw._uapi import lib
from linuxhw.errors import UnsupportedError
from linuxhw.i2c import Bus, Device, Message
from linuxhw.i2c import Functionality as F
from linuxhw.i2c.message import BLOCK_MAX

__all__ = ["I2C_M_RD", "I2cFunc", "SMBus", "i2c_msg"]

I2C_M_RD = lib.I2C_M_RD
I2C_SMBUS_BLOCK_MAX = BLOCK_MAX
Bytes = Union[bytes, bytearray, Sequence[int], str]


# smbus2's names for the I2C_FUNC_* bits: linuxhw's Functionality, one name changed, one group added.
_RENAMED = {"TEN_BIT_ADDR": "ADDR_10BIT"}
_SMBUS_EMUL = (
    F.SMBUS_QUICK
    | F.SMBUS_BYTE
    | F.SMBUS_BYTE_DATA
    | F.SMBUS_WORD_DATA
    | F.SMBUS_PROC_CALL
    | F.SMBUS_WRITE_BLOCK_DATA
    | F.SMBUS_I2C_BLOCK
    | F.SMBUS_PEC
)  # fmt: skip  (I2C_FUNC_SMBUS_EMUL: what i2c-core emulates over plain I2C)
_FLAGS: Any = IntFlag  # built from a mapping: mypy cannot see its members
I2cFunc: Any = _FLAGS(  # the adapter's I2C_FUNC_* bits under smbus2's names (``SMBus.funcs``)
    "I2cFunc",
    {**{_RENAMED.get(name, name): int(flag) for name, flag in F.__members__.items()}, "SMBUS_EMUL": int(_SMBUS_EMUL)},
)


class _CharPointer:
    """What smbus2's ``i2c_msg.buf`` (a ctypes ``char *``) gives: ``buf[i]`` is one byte as
    ``bytes``, ``buf[i:j]`` a ``bytes`` slice."""

    __slots__ = ("_data",)

    def __init__(self, data: bytearray) -> None:
        self._data = data

    def __getitem__(self, index: int | slice) -> bytes:
        if isinstance(index, slice):
            return bytes(self._data[index])
        return bytes((self._data[index],))


class i2c_msg:
    """One message of :meth:`SMBus.i2c_rdwr`: ``addr``, ``flags``, ``len`` and ``buf`` as in
    ``struct i2c_msg``; iterating gives the bytes as ints, ``bytes(msg)`` the data."""

    __slots__ = ("_data", "addr", "flags", "len")

    def __init__(self, addr: int, flags: int, data: bytearray) -> None:
        self.addr = addr
        self.flags = flags
        self.len = len(data)
        self._data = data

    @staticmethod
    def read(address: int, length: int) -> i2c_msg:
        """A read of ``length`` bytes from ``address``."""
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise ValueError(f"length must be a byte count >= 0, not {length!r}")
        return i2c_msg(address, I2C_M_RD, bytearray(length))

    @staticmethod
    def write(address: int, buf: Bytes) -> i2c_msg:
        """A write of ``buf`` (bytes, a list of ints, or a str of byte-valued characters) to ``address``."""
        data = bytearray(map(ord, buf)) if isinstance(buf, str) else bytearray(buf)
        return i2c_msg(address, 0, data)

    @property
    def buf(self) -> _CharPointer:
        """The data, indexed like smbus2's ctypes ``char *``."""
        return _CharPointer(self._data)

    def _message(self) -> Message:
        return Message(self.addr, self.flags, self._data, self.len)

    def __iter__(self) -> Iterator[int]:
        return iter(self._data[: self.len])

    def __len__(self) -> int:
        return self.len

    def __bytes__(self) -> bytes:
        return bytes(self._data[: self.len])

    def __repr__(self) -> str:
        return f"i2c_msg({self.addr},{self.flags},{bytes(self)!r})"

    def __str__(self) -> str:
        return bytes(self).decode(errors="ignore")


class SMBus:
    """smbus2's ``SMBus``: ``bus`` is a number or a ``/dev/i2c-N`` path (or an adapter name); without
    it, call :meth:`open`. ``force`` is the default for every call's ``force`` (I2C_SLAVE_FORCE)."""

    def __init__(self, bus: int | str | os.PathLike[str] | None = None, force: bool = False) -> None:
        self.fd: int | None = None
        self.funcs: IntFlag = I2cFunc(0)
        self._bus: Bus | None = None
        self._devices: dict[tuple[int, bool, bool], Device] = {}
        if bus is not None:
            self.open(bus)
        self.address: int | None = None
        self.force = force
        self._pec = 0

    def __enter__(self) -> SMBus:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def open(self, bus: int | str | os.PathLike[str]) -> None:
        """Open adapter ``bus`` (a number, a path or an adapter name)."""
        if isinstance(bus, bool) or not isinstance(bus, (int, str, os.PathLike)):
            raise TypeError(f"Unexpected type(bus)={type(bus)}")
        self.close()
        self._bus = Bus(bus)
        self.fd = self._bus.fileno()
        self.funcs = I2cFunc(int(self._bus.functionality))

    def close(self) -> None:
        """Close the adapter; safe to repeat."""
        if self._bus is not None:
            self._bus.close()
        self._bus = None
        self.fd = None
        self._devices.clear()
        self._pec = 0
        self.address = None

    @property
    def pec(self) -> int:
        """SMBus Packet Error Checking: 0 off (the default), 1 on."""
        return self._pec

    @pec.setter
    def pec(self, enable: int) -> None:
        self.enable_pec(enable)

    def enable_pec(self, enable: int = True) -> None:
        """Turn PEC on or off for the following SMBus calls; ``OSError`` (EOPNOTSUPP) if the adapter has none."""
        if not self.funcs & I2cFunc.SMBUS_PEC:
            path = self._bus.path if self._bus is not None else None
            raise UnsupportedError(errno.EOPNOTSUPP, "SMBUS_PEC is not a feature of this adapter", path, "enable PEC")
        self._pec = int(bool(enable))

    def _device(self, address: int, force: bool | None) -> Device:
        if self._bus is None:
            raise ValueError("the bus is not open: pass a bus to SMBus() or call open()")
        key = (address, self.force if force is None else bool(force), bool(self._pec))
        device = self._devices.get(key)
        if device is None:
            device = self._devices[key] = self._bus.device(address, force=key[1], pec=key[2])
        self.address = address
        return device

    # -- SMBus transactions, smbus2's signatures ------------------------------------------------------

    def write_quick(self, i2c_addr: int, force: bool | None = None) -> None:
        """SMBus quick write (the address and a write bit)."""
        self._device(i2c_addr, force).quick()

    def read_byte(self, i2c_addr: int, force: bool | None = None) -> int:
        """SMBus receive byte."""
        return self._device(i2c_addr, force).read_byte()

    def write_byte(self, i2c_addr: int, value: int, force: bool | None = None) -> None:
        """SMBus send byte."""
        self._device(i2c_addr, force).write_byte(value)

    def read_byte_data(self, i2c_addr: int, register: int, force: bool | None = None) -> int:
        """SMBus read byte data."""
        return self._device(i2c_addr, force).read_byte_data(register)

    def write_byte_data(self, i2c_addr: int, register: int, value: int, force: bool | None = None) -> None:
        """SMBus write byte data."""
        self._device(i2c_addr, force).write_byte_data(register, value)

    def read_word_data(self, i2c_addr: int, register: int, force: bool | None = None) -> int:
        """SMBus read word data (little-endian on the wire)."""
        return self._device(i2c_addr, force).read_word_data(register)

    def write_word_data(self, i2c_addr: int, register: int, value: int, force: bool | None = None) -> None:
        """SMBus write word data."""
        self._device(i2c_addr, force).write_word_data(register, value)

    def process_call(self, i2c_addr: int, register: int, value: int, force: bool | None = None) -> int:
        """SMBus process call: a word out, a word back."""
        return self._device(i2c_addr, force).process_call(register, value)

    def read_block_data(self, i2c_addr: int, register: int, force: bool | None = None) -> list[int]:
        """SMBus block read: the device says how many bytes (1..32) follow."""
        return list(self._device(i2c_addr, force).read_block_data(register))

    def write_block_data(self, i2c_addr: int, register: int, data: Sequence[int], force: bool | None = None) -> None:
        """SMBus block write of up to 32 bytes."""
        _check_block(data)
        self._device(i2c_addr, force).write_block_data(register, bytes(data))

    def block_process_call(
        self, i2c_addr: int, register: int, data: Sequence[int], force: bool | None = None
    ) -> list[int]:
        """SMBus block process call: a block out, a block back."""
        _check_block(data)
        return list(self._device(i2c_addr, force).block_process_call(register, bytes(data)))

    def read_i2c_block_data(self, i2c_addr: int, register: int, length: int, force: bool | None = None) -> list[int]:
        """``length`` bytes from ``register`` (the "I2C block" read; more than 32 allowed)."""
        return list(self._device(i2c_addr, force).read_i2c_block_data(register, length))

    def write_i2c_block_data(
        self, i2c_addr: int, register: int, data: Sequence[int], force: bool | None = None
    ) -> None:
        """Bytes written from ``register`` on (the "I2C block" write; more than 32 allowed)."""
        self._device(i2c_addr, force).write_i2c_block_data(register, bytes(data))

    def i2c_rdwr(self, *i2c_msgs: i2c_msg) -> None:
        """Run the messages as ONE combined transfer (I2C_RDWR); reads fill their ``i2c_msg``."""
        if self._bus is None:
            raise ValueError("the bus is not open: pass a bus to SMBus() or call open()")
        for message in i2c_msgs:
            if not isinstance(message, i2c_msg):
                raise TypeError(f"i2c_rdwr() takes i2c_msg objects (i2c_msg.read/write), not {message!r}")
        self._bus.transfer(*(message._message() for message in i2c_msgs))


def _check_block(data: Any) -> None:
    if len(data) > I2C_SMBUS_BLOCK_MAX:
        raise ValueError(f"Data length cannot exceed {I2C_SMBUS_BLOCK_MAX} bytes")
