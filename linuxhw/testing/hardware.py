"""What a test asks of simulated hardware, the same on the mock board and on the kernel's simulators."""

from __future__ import annotations

import abc
import itertools
import os
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol

from linuxhw import i2c
from linuxhw._kernel import use_backend
from linuxhw._kernel.backend import Backend

__all__ = ["Hardware", "I2cRegisters", "LineControl", "SimulatedChip", "names_map", "unique_label"]

_labels = itertools.count()


def unique_label() -> str:
    """A chip label no other test of this run (or another process) uses."""
    return f"linuxhw-test-{os.getpid()}-{next(_labels)}"


class LineControl(Protocol):
    """The control side of a simulated chip: a gpio-sim bank or a mock chip."""

    @property
    def chip_name(self) -> str: ...

    def set_pull(self, offset: int, value: int) -> None: ...

    def get_pull(self, offset: int) -> int: ...

    def get_value(self, offset: int) -> int: ...


class SimulatedChip:
    """A simulated GPIO chip seen from the test: drive its inputs, read what the code under test drives.

    Lines are given by offset or by the name they were created with.
    """

    def __init__(self, control: LineControl, label: str, num_lines: int, names: Mapping[int, str]) -> None:
        self._control = control
        self.label = label
        self.num_lines = num_lines
        self.names = dict(names)
        self._offsets = {name: offset for offset, name in self.names.items()}

    def __repr__(self) -> str:
        return f"<SimulatedChip {self.path} label={self.label!r} lines={self.num_lines}>"

    @property
    def name(self) -> str:
        """``gpiochipN``."""
        return self._control.chip_name

    @property
    def path(self) -> str:
        """``/dev/gpiochipN``, what ``gpio.Chip()`` takes (so does the label)."""
        return f"/dev/{self.name}"

    def offset(self, line: int | str) -> int:
        """The offset of a line given by offset or name."""
        if isinstance(line, str):
            if line not in self._offsets:
                raise ValueError(f"line must be an offset or one of {sorted(self._offsets)}, not {line!r}")
            return self._offsets[line]
        return line

    def set_pull(self, line: int | str, value: int) -> None:
        """Pull an input up (1) or down (0), as the outside world would; an edge event follows if watched."""
        self._control.set_pull(self.offset(line), value)

    def get_pull(self, line: int | str) -> int:
        return self._control.get_pull(self.offset(line))

    def get_value(self, line: int | str) -> int:
        """The level the line has: what the code under test drives on an output, else the pull."""
        return self._control.get_value(self.offset(line))


class I2cRegisters:
    """An i2c-stub bus: register chips (256 byte registers each, SMBus only) at the given addresses.

    ``set``/``get`` preset and inspect registers through the same SMBus calls the code under test
    makes, so they behave alike on the mock and on the kernel's i2c-stub.
    """

    def __init__(self, backend: Backend, path: str, addresses: Sequence[int]) -> None:
        self.backend = backend
        self.path = path
        """``/dev/i2c-N``."""
        self.addresses = tuple(addresses)

    def __repr__(self) -> str:
        return f"<I2cRegisters {self.path} {[hex(a) for a in self.addresses]}>"

    @property
    def number(self) -> int:
        """N of ``/dev/i2c-N``, what ``i2c.Bus()`` and smbus2 take."""
        return int(self.path.rsplit("-", 1)[1])

    def set(self, address: int, register: int, data: int | bytes) -> None:
        """Write one byte, or consecutive registers from ``bytes``, into the chip at ``address``."""
        values = bytes([data]) if isinstance(data, int) else bytes(data)
        with i2c.Bus(self.path, backend=self.backend) as bus:
            device = bus.device(self._check(address))
            for index, value in enumerate(values):
                device.write_byte_data(register + index, value)

    def get(self, address: int, register: int) -> int:
        """Read one register of the chip at ``address``."""
        with i2c.Bus(self.path, backend=self.backend) as bus:
            return bus.device(self._check(address)).read_byte_data(register)

    def _check(self, address: int) -> int:
        if address not in self.addresses:
            raise ValueError(f"address must be one of {[hex(a) for a in self.addresses]}, not {address!r}")
        return address


class Hardware(abc.ABC):
    """Simulated hardware for one test, selected as linuxhw's backend while open (``with`` or open/close)."""

    name: str
    """``"mock"`` or ``"kernel"``."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._selection: Any = None

    def __enter__(self) -> Hardware:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> None:
        """Select this hardware's backend for handles opened from now on."""
        self._selection = use_backend(self.backend)
        self._selection.__enter__()

    def close(self) -> None:
        """Restore the previous backend and remove what was simulated. Safe to repeat."""
        selection, self._selection = self._selection, None
        if selection is not None:
            selection.__exit__(None, None, None)

    def add_gpio_chip(
        self,
        num_lines: int = 8,
        *,
        label: str | None = None,
        names: Sequence[str] | Mapping[int, str] | None = None,
        hogs: Mapping[int, tuple[str, str]] | None = None,
    ) -> SimulatedChip:
        """A new GPIO chip (a gpio-sim bank): ``names`` by offset (or a list), ``hogs`` maps offsets to
        ``(consumer, "input" | "output-high" | "output-low")``; the label is unique unless given."""
        label = label or unique_label()
        name_map = names_map(names)
        return SimulatedChip(self._make_chip(num_lines, label, name_map, dict(hogs or {})), label, num_lines, name_map)

    @abc.abstractmethod
    def _make_chip(
        self, num_lines: int, label: str, names: dict[int, str], hogs: dict[int, tuple[str, str]]
    ) -> LineControl:
        """Create the chip on this backend; return its control side."""

    @abc.abstractmethod
    def add_i2c_registers(self, addresses: Sequence[int]) -> I2cRegisters:
        """An i2c-stub bus with a register chip at each address (at most 10, 0x03..0x77)."""

    @abc.abstractmethod
    def i2c_sim(self) -> str:
        """``/dev/i2c-N`` of the project's I2C simulator (plain I2C transfers): 24c02 EEPROM at 0x50,
        24c32 at 0x51, a register chip at 0x1c (WHO_AM_I 0x0f = 0x6a), a 10-bit one at 0x2a5."""

    @abc.abstractmethod
    def spi_sim(self) -> tuple[str, str]:
        """``(loopback, flash)``: spidev paths of the project's SPI simulator, a loopback (MISO = MOSI)
        and a 64 KiB W25Q-style flash (JEDEC ID EF 40 11, max 25 MHz)."""

    @abc.abstractmethod
    def open_handles(self) -> int:
        """How many GPIO/I2C/SPI handles this process holds open now."""

    def leaks(self) -> str | None:
        """What the code under test left open (chips, line requests, buses, SPI devices), or None."""
        count = self.open_handles()
        return f"{count} linuxhw handle(s) left open on the {self.name} backend" if count else None

    def assert_nothing_open(self) -> None:
        """Raise AssertionError if the code under test left a handle open."""
        leaks = self.leaks()
        if leaks:
            raise AssertionError(leaks)


def names_map(names: Sequence[str] | Mapping[int, str] | None) -> dict[int, str]:
    """Line names by offset, from a list or a mapping."""
    if names is None:
        return {}
    return dict(names) if isinstance(names, Mapping) else dict(enumerate(names))
