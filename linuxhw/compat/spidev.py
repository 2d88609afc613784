"""py-spidev's ``SpiDev`` over :class:`linuxhw.spi.Device`: change the import, keep the driver.

>>> from linuxhw.compat.spidev import SpiDev                        # was: from spidev import SpiDev
>>> adc = SpiDev(0, 0)                                              # doctest: +SKIP
>>> adc.max_speed_hz = 1_000_000                                    # doctest: +SKIP
>>> adc.xfer2([1, 0x80, 0])                                         # doctest: +SKIP

The same methods, attributes and results: ``xfer``/``xfer2`` return a list (a tuple when given a
tuple) of ints, ``xfer3`` a tuple, ``readbytes`` a list; ``mode`` reads 0..3 and keeps the other
flags; a kernel failure is an ``OSError`` with the kernel's errno. Where linuxhw lifts a limit:

- any length up to spidev's ``bufsiz`` in one transfer (py-spidev stops at 4096 whatever bufsiz is),
  and any bytes-like object where py-spidev wants a list (``writebytes(b"...")``, ``xfer2(bytearray)``);
- ``writebytes2`` and ``xfer3`` split what exceeds bufsiz into several messages, as py-spidev does.

And where it is stricter: values outside 0..255 raise ``ValueError`` (py-spidev keeps the low
byte), and a setting the kernel changed raises ``OSError`` for every flag, not only the mode.
"""

from __future__ import annotations

import errno
import os
import warnings
from collections.abc import Sequence
from types import TracebackType
from typing import Any, TypeVar, Union

from linuxhw.errors import SettingChangedWarning
from linuxhw.spi import Device, Mode, Transfer

__all__ = ["SpiDev"]

Values = Union[Sequence[int], bytes, bytearray, memoryview]
T = TypeVar("T")
_FLAGS = {"cshigh": Mode.CS_HIGH, "lsbfirst": Mode.LSB_FIRST, "threewire": Mode.THREE_WIRE, "loop": Mode.LOOP,
          "no_cs": Mode.NO_CS}  # fmt: skip


def _bytes(values: Values) -> bytes:
    """The bytes to send: py-spidev refuses an empty sequence with TypeError."""
    data = bytes(values)
    if not data:
        raise TypeError("Empty argument list.")
    return data


class SpiDev:
    """py-spidev's ``SpiDev``: ``SpiDev(bus, client)`` opens ``/dev/spidev<bus>.<client>``, ``SpiDev()``
    waits for :meth:`open` or :meth:`open_path`."""

    def __init__(self, bus: int | None = None, client: int | None = None) -> None:
        self._device: Device | None = None
        self._read0 = False
        if bus is not None and client is not None:
            self.open(bus, client)

    def __enter__(self) -> SpiDev:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def open(self, bus: int, device: int) -> None:
        """Open ``/dev/spidev<bus>.<device>``."""
        self.open_path(f"/dev/spidev{bus}.{device}")

    def open_path(self, path: str | os.PathLike[str]) -> None:
        """Open a spidev node by path."""
        self.close()
        self._device = Device(path)

    def close(self) -> None:
        """Close the device; safe to repeat."""
        if self._device is not None:
            self._device.close()
        self._device = None

    def fileno(self) -> int:
        """The device's file descriptor (-1 when closed, as py-spidev)."""
        return self._device.fileno() if self._device is not None else -1

    def _open(self) -> Device:
        if self._device is None:
            raise OSError(errno.EBADF, "SpiDev is not open: call open(bus, device) or open_path(path) first")
        return self._device

    # -- settings -------------------------------------------------------------------------------------

    def _set_mode(self, mode: Mode) -> None:
        device = self._open()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SettingChangedWarning)
            device.mode = mode
        if device.mode != mode:
            raise OSError(f"Attempted to set mode {int(mode):#x} but mode {int(device.mode):#x} returned")

    @property
    def mode(self) -> int:
        """SPI clock mode 0..3 (CPOL, CPHA); setting it keeps the other flags."""
        return self._device.mode.clock_mode if self._device is not None else 0

    @mode.setter
    def mode(self, value: int) -> None:
        if value.__class__ is not int or not 0 <= value <= 3:
            raise TypeError("The mode attribute must be an integer between 0 and 3.")
        self._set_mode(Mode((int(self._open().mode) & ~3) | value))

    def _flag(self, flag: Mode) -> bool:
        return self._device is not None and flag in self._device.mode

    def _set_flag(self, name: str, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"The {name} attribute must be boolean")
        mode = self._open().mode
        self._set_mode(mode | _FLAGS[name] if value else mode & ~_FLAGS[name])

    cshigh = property(lambda self: self._flag(Mode.CS_HIGH), lambda self, v: self._set_flag("cshigh", v),
                      doc="Chip select active high.")  # fmt: skip
    lsbfirst = property(lambda self: self._flag(Mode.LSB_FIRST), lambda self, v: self._set_flag("lsbfirst", v),
                        doc="Least significant bit first.")  # fmt: skip
    threewire = property(lambda self: self._flag(Mode.THREE_WIRE), lambda self, v: self._set_flag("threewire", v),
                         doc="SI/SO signals shared (3-wire).")  # fmt: skip
    loop = property(lambda self: self._flag(Mode.LOOP), lambda self, v: self._set_flag("loop", v),
                    doc="Loopback configuration.")  # fmt: skip
    no_cs = property(lambda self: self._flag(Mode.NO_CS), lambda self, v: self._set_flag("no_cs", v),
                     doc="No chip select.")  # fmt: skip

    @property
    def bits_per_word(self) -> int:
        """Word size in bits (py-spidev reads 0 when closed)."""
        return self._device.bits_per_word if self._device is not None else 0

    @bits_per_word.setter
    def bits_per_word(self, value: int) -> None:
        if value.__class__ is not int or not 8 <= value <= 32:
            raise TypeError("invalid bits_per_word (8 to 32)")
        self._open().bits_per_word = value

    @property
    def max_speed_hz(self) -> int:
        """Default clock rate in Hz (0 when closed)."""
        return self._device.max_speed_hz if self._device is not None else 0

    @max_speed_hz.setter
    def max_speed_hz(self, value: int) -> None:
        if value.__class__ is not int:
            raise TypeError("The max_speed_hz attribute must be an integer")
        self._open().max_speed_hz = value

    @property
    def read0(self) -> bool:
        """After a transfer in CS_HIGH mode, read 0 bytes so that the controller drops chip select."""
        return self._read0

    @read0.setter
    def read0(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError("The read0 attribute must be boolean")
        self._read0 = value

    # -- transfers ------------------------------------------------------------------------------------

    def readbytes(self, length: int) -> list[int]:
        """Clock in ``length`` bytes (at least 1, as py-spidev) with one read()."""
        return list(self._open().read(max(1, length)))

    def writebytes(self, values: Values) -> None:
        """Send ``values`` with one write()."""
        self._open().write(_bytes(values))

    def writebytes2(self, values: Values) -> None:
        """Send ``values``, in several messages when they exceed bufsiz (chip select toggles between)."""
        self._open().write(_bytes(values), split=True)

    def _exchange(self, values: Values, speed_hz: int, delay_usecs: int, bits_per_word: int) -> bytes:
        device = self._open()
        data = _bytes(values)
        if not (speed_hz or delay_usecs or bits_per_word):
            reply = device.transfer(data)
        else:
            transfer = Transfer(data, True, speed_hz=speed_hz, delay_us=delay_usecs, bits_per_word=bits_per_word)
            device.transfer(transfer)
            reply = bytes(transfer.data or b"")
        if self._read0 and Mode.CS_HIGH in device.mode:
            device._backend.read_bytes(device.fileno(), 0)  # spidev's read(): chip select drops after it
        return reply

    def xfer(self, values: Values, speed_hz: int = 0, delay_usecs: int = 0, bits_per_word: int = 0) -> Any:
        """Full duplex: the bytes clocked in while ``values`` went out, as a list (a tuple for a tuple)."""
        reply = self._exchange(values, speed_hz, delay_usecs, bits_per_word)
        return tuple(reply) if isinstance(values, tuple) else list(reply)

    xfer2 = xfer  # py-spidev's xfer and xfer2 are the same one-transfer call (chip select held throughout)

    def xfer3(self, values: Values, speed_hz: int = 0, delay_usecs: int = 0, bits_per_word: int = 0) -> tuple[int, ...]:
        """As :meth:`xfer`, for any length: bufsiz-sized messages, chip select toggling between; a tuple."""
        data = _bytes(values)
        step = self._open().max_message_bytes
        reply = b"".join(
            self._exchange(data[offset : offset + step], speed_hz, delay_usecs, bits_per_word)
            for offset in range(0, len(data), step)
        )
        return tuple(reply)
