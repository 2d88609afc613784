"""CircuitPython's ``busio.I2C``, ``busio.SPI`` and ``digitalio.DigitalInOut`` over linuxhw, for the
CircuitPython drivers from PyPI (through ``adafruit_bus_device``), on any Linux board, the mock
board or the kernel simulators:

>>> import adafruit_bme280.basic as adafruit_bme280                 # doctest: +SKIP
>>> from linuxhw.compat import circuitpython
>>> sensor = adafruit_bme280.Adafruit_BME280_I2C(circuitpython.I2C(1), 0x76)   # doctest: +SKIP

The drivers themselves import ``micropython``, ``busio`` and ``digitalio`` (for ``const`` and type
names); Adafruit-Blinka provides those modules, and every driver already depends on it, so
``pip install adafruit-circuitpython-<part>`` is all a user adds next to linuxhw. Blinka's own
board detection is not used: the buses and pins here are linuxhw's. Where Blinka's other
dependencies are unwelcome (pyftdi, pyusb, binho-host-adapter, sysv_ipc, Adafruit-PureIO), the
smallest set that imports and runs a driver is, with ``pip install --no-deps``: the driver,
``adafruit-circuitpython-busdevice``, ``Adafruit-Blinka``, ``Adafruit-PlatformDetect``,
``adafruit-circuitpython-typing`` and ``typing_extensions`` (checked with Blinka 10.0 and the
BME280 driver 2.6).
"""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import Any

from linuxhw import boards, gpio, i2c, spi
from linuxhw.gpio import Bias, LineSettings
from linuxhw.gpio import Direction as _LineDirection
from linuxhw.gpio import Drive as _LineDrive

__all__ = ["I2C", "SPI", "DigitalInOut", "Direction", "DriveMode", "Pin", "Pull"]

Buffer = Any  # anything the buffer protocol accepts


class _ContextManaged:
    """``with`` calls ``deinit()`` at the end, as CircuitPython objects do."""

    def __enter__(self) -> Any:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.deinit()

    def deinit(self) -> None:
        raise NotImplementedError


class _Lockable(_ContextManaged):
    """CircuitPython's bus lock: ``try_lock()`` never blocks, ``unlock()`` releases."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def try_lock(self) -> bool:
        """Take the bus if it is free; False if someone holds it."""
        return self._lock.acquire(blocking=False)

    def unlock(self) -> None:
        """Release the bus."""
        self._lock.release()


def _window(buffer: Buffer, start: int, end: int | None) -> bytes:
    """The bytes of ``buffer[start:end]``, copied: linuxhw never holds a caller's memoryview."""
    view = memoryview(buffer).cast("B")
    return bytes(view[start : len(view) if end is None else end])


def _fill(buffer: Buffer, start: int, end: int | None, data: bytearray) -> None:
    memoryview(buffer).cast("B")[start : start + len(data)] = data


def _room(buffer: Buffer, start: int, end: int | None) -> bytearray:
    """A fresh buffer as long as ``buffer[start:end]`` (filled, then copied back with _fill)."""
    return bytearray(len(_window(buffer, start, end)))


class I2C(_Lockable):
    """``busio.I2C`` on a linuxhw :class:`~linuxhw.i2c.Bus`: ``bus`` is a number, a ``/dev/i2c-N`` path or
    an adapter name. ``frequency`` is the adapter's (set by the kernel), accepted for compatibility."""

    def __init__(self, bus: int | str | os.PathLike[str] = 1, *, frequency: int = 100_000) -> None:
        super().__init__()
        self.bus = i2c.Bus(bus)
        self.frequency = frequency

    def deinit(self) -> None:
        """Close the adapter."""
        self.bus.close()

    def scan(self) -> list[int]:
        """Addresses that answer (i2cdetect's probes)."""
        return list(self.bus.scan().present)

    def readfrom_into(self, address: int, buffer: Buffer, *, start: int = 0, end: int | None = None) -> None:
        """Read into ``buffer[start:end]`` from ``address`` (one I2C read message)."""
        reply = _room(buffer, start, end)
        self.bus.transfer(i2c.Message.read(address, reply))
        _fill(buffer, start, end, reply)

    def writeto(self, address: int, buffer: Buffer, *, start: int = 0, end: int | None = None) -> None:
        """Write ``buffer[start:end]`` to ``address`` (one I2C write message; empty probes the address)."""
        self.bus.transfer(i2c.Message.write(address, _window(buffer, start, end)))

    def writeto_then_readfrom(self, address: int, buffer_out: Buffer, buffer_in: Buffer, *, out_start: int = 0,
                              out_end: int | None = None, in_start: int = 0, in_end: int | None = None,
                              stop: bool = False) -> None:  # fmt: skip
        """Write, then read with a repeated START (one combined transfer)."""
        reply = _room(buffer_in, in_start, in_end)
        self.bus.transfer(
            i2c.Message.write(address, _window(buffer_out, out_start, out_end)), i2c.Message.read(address, reply)
        )
        _fill(buffer_in, in_start, in_end, reply)


class SPI(_Lockable):
    """``busio.SPI`` on a linuxhw :class:`~linuxhw.spi.Device` (``(bus, chip_select)`` or a path).

    The kernel drives the chip select: from ``try_lock()`` to ``unlock()`` it stays asserted across
    every ``write``/``readinto``/``write_readinto`` (each a transfer with ``cs_change`` on the last
    transfer, which keeps it), as an ``adafruit_bus_device.SPIDevice`` block expects.
    """

    def __init__(self, device: tuple[int, int] | str | os.PathLike[str] = (0, 0)) -> None:
        super().__init__()
        self.device = spi.Device(device)
        self._selected = False

    def deinit(self) -> None:
        """Close the device."""
        self.device.close()

    def configure(self, baudrate: int = 100_000, polarity: int = 0, phase: int = 0, bits: int = 8) -> None:
        """Clock rate, CPOL/CPHA and word size for the following transfers."""
        if polarity not in (0, 1) or phase not in (0, 1):
            raise ValueError(f"polarity and phase must be 0 or 1, not {polarity!r} and {phase!r}")
        mode = (self.device.mode & spi.Mode.CS_HIGH) | polarity << 1 | phase  # CS_HIGH may be forced: kept
        if mode != self.device.mode:
            self.device.mode = spi.Mode(mode)
        if baudrate != self.device.max_speed_hz:
            self.device.max_speed_hz = baudrate
        if bits != self.device.bits_per_word:
            self.device.bits_per_word = bits

    @property
    def frequency(self) -> int:
        """The clock rate in force."""
        return self.device.max_speed_hz

    def _transfer(self, tx: Buffer | None, rx: Buffer | None) -> None:
        self.device.transfer(spi.Transfer(tx, rx, cs_change=True))  # the chip stays selected after it
        self._selected = True

    def unlock(self) -> None:
        """Release chip select (an empty transfer without cs_change), then the bus."""
        if self._selected:
            self._selected = False
            self.device.transfer(spi.Transfer(length=0))
        super().unlock()

    def write(self, buf: Buffer, start: int = 0, end: int | None = None) -> None:
        """Send ``buf[start:end]``."""
        data = _window(buf, start, end)
        if len(data):
            self._transfer(data, None)

    def readinto(self, buf: Buffer, start: int = 0, end: int | None = None, write_value: int = 0) -> None:
        """Fill ``buf[start:end]``, sending ``write_value`` meanwhile."""
        target = _room(buf, start, end)
        if len(target):
            self._transfer(bytes([write_value]) * len(target), target)
            _fill(buf, start, end, target)

    def write_readinto(self, buffer_out: Buffer, buffer_in: Buffer, out_start: int = 0, out_end: int | None = None,
                       in_start: int = 0, in_end: int | None = None) -> None:  # fmt: skip
        """Full duplex: send ``buffer_out`` while filling ``buffer_in`` (same length)."""
        out, into = _window(buffer_out, out_start, out_end), _room(buffer_in, in_start, in_end)
        if len(out) != len(into):
            raise ValueError(f"buffer_out and buffer_in must be the same length, not {len(out)} and {len(into)}")
        if len(out):
            self._transfer(out, into)
            _fill(buffer_in, in_start, in_end, into)


class Pin:
    """``microcontroller.Pin``: one GPIO line, as a board's header pin (a :class:`linuxhw.boards.HeaderPin`,
    what ``board.D17`` is), a line name (``"GPIO17"``, found across chips) or ``(chip, offset)``.

    ``id`` is what Blinka's pin says: the BCM number on a Raspberry Pi (``17``), the header name on a
    BeagleBone (``"P9_12"``), else the name or ``(chip, offset)``; ``str(pin)`` is ``str(pin.id)``. Pins
    are equal when they name the same line the same way."""

    def __init__(self, line: boards.HeaderPin | str | tuple[str | int, int]) -> None:
        if isinstance(line, boards.HeaderPin):
            if line.line is None:
                raise ValueError(f"{line.spec} is {line.name}, not a GPIO line")
            bcm = line.gpio if line.gpio is not None and line.name == f"GPIO{line.gpio}" else None
            self.id: int | str | tuple[str | int, int] = line.name if bcm is None else bcm
        elif isinstance(line, str) or (isinstance(line, tuple) and len(line) == 2):
            self.id = line
        else:
            raise TypeError(f"a Pin is a board's header pin, a line name or (chip, offset), not {line!r}")
        self._line = line

    def location(self) -> gpio.LineLocation:
        """Where the line is on this system (found when asked, so a Pin can be made before the chip exists)."""
        line = self._line
        if isinstance(line, boards.HeaderPin):
            return boards.locate(line.line)  # type: ignore[arg-type]  # checked in __init__
        if isinstance(line, str):
            return gpio.find_line(line)
        with gpio.Chip(line[0]) as chip:
            offset = chip.line_offset(line[1])
            return gpio.LineLocation(chip.path, chip.label, offset, chip.line_info(offset).name)

    def __repr__(self) -> str:
        return str(self.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pin) and other._line == self._line

    def __hash__(self) -> int:
        return hash(self._line)


class _Name:
    """A named constant, as CircuitPython's ``Direction.OUTPUT`` or ``Pull.UP``."""

    def __init__(self, owner: str, name: str) -> None:
        self.name = name
        self._repr = f"{owner}.{name}"

    def __repr__(self) -> str:
        return self._repr


def _name_of(value: object) -> str | None:
    """The constant's name, for ours and for Blinka's (``digitalio.Direction.OUTPUT``) alike."""
    return None if value is None else repr(value).rsplit(".", 1)[-1]


class Direction:
    INPUT = _Name("Direction", "INPUT")
    OUTPUT = _Name("Direction", "OUTPUT")


class Pull:
    UP = _Name("Pull", "UP")
    DOWN = _Name("Pull", "DOWN")


class DriveMode:
    PUSH_PULL = _Name("DriveMode", "PUSH_PULL")
    OPEN_DRAIN = _Name("DriveMode", "OPEN_DRAIN")


_BIAS = {"UP": Bias.PULL_UP, "DOWN": Bias.PULL_DOWN, None: Bias.DISABLED}
_DRIVE = {"PUSH_PULL": _LineDrive.PUSH_PULL, "OPEN_DRAIN": _LineDrive.OPEN_DRAIN}


class DigitalInOut(_ContextManaged):
    """``digitalio.DigitalInOut`` on one GPIO line: ``pin`` is a :class:`Pin` (``board.D17``), a line name
    (``"GPIO17"``, found across chips) or ``(chip, offset)``. Takes Blinka's ``Direction``/``Pull``/
    ``DriveMode`` constants or the ones of this module."""

    def __init__(self, pin: Pin | str | tuple[str | int, int]) -> None:
        location = (pin if isinstance(pin, Pin) else Pin(pin)).location()
        self._line = location.offset
        self._settings = LineSettings(direction=_LineDirection.INPUT)
        self._request = gpio.request_lines(location.chip_path, {self._line: self._settings}, consumer="circuitpython")

    def deinit(self) -> None:
        """Release the line."""
        self._request.close()

    def _apply(self, settings: LineSettings, value: int | None = None) -> None:
        self._settings = settings
        values = {self._line: value} if value is not None else None
        self._request.reconfigure({self._line: settings}, output_values=values)

    def switch_to_output(self, value: bool = False, drive_mode: object = DriveMode.PUSH_PULL) -> None:
        """Make the line an output at ``value``."""
        drive = _DRIVE[_name_of(drive_mode) or "PUSH_PULL"]
        self._apply(LineSettings(direction=_LineDirection.OUTPUT, drive=drive, output_value=int(bool(value))),
                    int(bool(value)))  # fmt: skip

    def switch_to_input(self, pull: object = None) -> None:
        """Make the line an input, pulled up, down, or not (None)."""
        self._apply(LineSettings(direction=_LineDirection.INPUT, bias=_BIAS[_name_of(pull)]))

    @property
    def direction(self) -> _Name:
        """``Direction.INPUT`` or ``Direction.OUTPUT``."""
        return Direction.OUTPUT if self._settings.direction is _LineDirection.OUTPUT else Direction.INPUT

    @direction.setter
    def direction(self, value: object) -> None:
        if _name_of(value) == "OUTPUT":
            self.switch_to_output()
        elif _name_of(value) == "INPUT":
            self.switch_to_input()
        else:
            raise ValueError(f"direction must be Direction.INPUT or Direction.OUTPUT, not {value!r}")

    @property
    def value(self) -> bool:
        """The line's level (what it drives, for an output)."""
        return bool(self._request.get_value(self._line))

    @value.setter
    def value(self, value: bool) -> None:
        if self._settings.direction is not _LineDirection.OUTPUT:
            raise AttributeError("Not an output")
        self._request.set_value(self._line, int(bool(value)))

    @property
    def pull(self) -> _Name | None:
        """``Pull.UP``, ``Pull.DOWN`` or None, for an input."""
        if self._settings.direction is _LineDirection.OUTPUT:
            raise AttributeError("Not an input")
        return {Bias.PULL_UP: Pull.UP, Bias.PULL_DOWN: Pull.DOWN}.get(self._settings.bias)

    @pull.setter
    def pull(self, pull: object) -> None:
        if self._settings.direction is _LineDirection.OUTPUT:
            raise AttributeError("Not an input")
        self.switch_to_input(pull)

    @property
    def drive_mode(self) -> _Name:
        """``DriveMode.PUSH_PULL`` or ``DriveMode.OPEN_DRAIN``, for an output."""
        if self._settings.direction is not _LineDirection.OUTPUT:
            raise AttributeError("Not an output")
        return DriveMode.OPEN_DRAIN if self._settings.drive is _LineDrive.OPEN_DRAIN else DriveMode.PUSH_PULL

    @drive_mode.setter
    def drive_mode(self, mode: object) -> None:
        self.switch_to_output(self.value, mode)
