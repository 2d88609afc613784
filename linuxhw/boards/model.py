"""What linuxhw knows of a board, as frozen data: its headers, each physical pin's kernel line and bus
functions, the GPIO chips behind them and the ``/dev`` node of each bus.

The tables themselves live in :mod:`linuxhw.boards.raspberrypi` and :mod:`linuxhw.boards.beaglebone`;
:func:`build_board` turns one board's tables into a :class:`Board`. Nothing here touches a device.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Union

from linuxhw.boards import lookup

__all__ = ["Board", "GpioChipLayout", "Header", "HeaderPin", "I2cBus", "LineRef", "SpiBus", "build_board"]


@dataclass(frozen=True)
class LineRef:
    """The kernel GPIO line behind a header pin: the chip's label, the line's name in the board's device
    tree, and its offset on that chip (the SoC's GPIO number within the bank: BCM number on a Pi)."""

    chip_label: str
    line_name: str
    offset: int


@dataclass(frozen=True)
class HeaderPin:
    """One physical pin of a header.

    ``name`` is what the board's documentation calls the pin: ``GPIO17`` on a Pi (its BCM number),
    ``P9_12`` on a BeagleBone, or the supply of a power pin (``3V3``, ``5V``, ``GND``, ``VDD_ADC``...).
    ``line`` is None for power, ground and analog pins. ``functions`` are the bus signals the pin can
    carry (``I2C1_SDA``, ``SPI0_MOSI``, ``UART0_TXD``, ``PWM0``...), whether or not they are enabled.
    ``gpio`` is the SoC's GPIO number (BCM number on a Pi; bank x 32 + offset on an AM335x, the
    number legacy sysfs and Adafruit_BBIO use: P9_12 is 60). ``aliases`` are other names people use
    for the pin (``BCM17``, ``GPIO1_28``).
    """

    header: str
    number: int
    name: str
    line: LineRef | None = None
    functions: tuple[str, ...] = ()
    gpio: int | None = None
    aliases: tuple[str, ...] = ()

    @property
    def spec(self) -> str:
        """The pin as ``HEADER:NUMBER``, e.g. ``J8:11``: unique on its board."""
        return f"{self.header}:{self.number}"


@dataclass(frozen=True)
class Header:
    """A pin header: its silkscreen name (``J8``, ``P1``, ``P8``) and its pins in physical order from 1."""

    name: str
    pins: tuple[HeaderPin, ...]

    def pin(self, number: int) -> HeaderPin:
        """Physical pin ``number`` (1..len(pins)); ValueError naming the range otherwise."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"pin number must be an int, not {number!r}")
        if not 1 <= number <= len(self.pins):
            raise ValueError(f"header {self.name} has pins 1 to {len(self.pins)}, not {number}")
        return self.pins[number - 1]


@dataclass(frozen=True)
class GpioChipLayout:
    """A GPIO chip as the board's kernel presents it: its label and the names of all its lines, in offset
    order (what ``gpioinfo`` shows; what a mock board or a gpio-sim chip shaped like this board needs)."""

    label: str
    names: tuple[str, ...]

    @property
    def num_lines(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class I2cBus:
    """An I2C bus brought out on a header: the Linux adapter number (``/dev/i2c-<number>``) and its pins."""

    number: int
    sda: HeaderPin
    scl: HeaderPin

    @property
    def path(self) -> str:
        return f"/dev/i2c-{self.number}"


@dataclass(frozen=True)
class SpiBus:
    """An SPI controller brought out on a header: spidev's bus number, its clock and data pins, and its
    chip selects in order (chip select ``n`` is ``/dev/spidev<number>.<n>``)."""

    number: int
    sclk: HeaderPin
    mosi: HeaderPin
    miso: HeaderPin
    chip_selects: tuple[HeaderPin, ...]

    def path(self, chip_select: int = 0) -> str:
        """``/dev/spidevB.C`` of one chip select (ValueError naming the ones the bus has)."""
        if not 0 <= chip_select < len(self.chip_selects):
            raise ValueError(
                f"SPI{self.number} has chip selects 0 to {len(self.chip_selects) - 1}, not {chip_select!r}"
            )
        return f"/dev/spidev{self.number}.{chip_select}"

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.path(cs) for cs in range(len(self.chip_selects)))


@dataclass(frozen=True, eq=False)
class Board:
    """A board linuxhw knows: ``id`` (``raspberrypi-4b``), ``model`` (human), the device-tree
    ``compatible`` strings it answers to, the firmware ``models`` (``/proc/device-tree/model``
    prefixes) that tell it from boards sharing a compatible string, its headers (``main_header``
    indexes the one ``BOARD<n>`` numbers), the GPIO chips behind them, and its I2C and SPI buses
    keyed by bus number. ``source`` says where the data was checked.
    """

    id: str
    model: str
    compatible: tuple[str, ...]
    models: tuple[str, ...]
    headers: tuple[Header, ...]
    gpio_chips: tuple[GpioChipLayout, ...]
    i2c: Mapping[int, I2cBus]
    spi: Mapping[int, SpiBus]
    main_header: int | None = 0
    source: str = field(default="", repr=False)

    def __repr__(self) -> str:
        return f"<Board {self.id}: {self.model}>"

    def header(self, name: str) -> Header:
        """A header by name (any case); ValueError naming the board's headers."""
        for header in self.headers:
            if header.name.upper() == name.upper():
                return header
        raise ValueError(f"{self.model} has no header {name!r}: its headers are {self.header_names()}")

    def header_names(self) -> str:
        return ", ".join(h.name for h in self.headers)

    def pin(self, spec: str) -> HeaderPin:
        """The header pin ``spec`` names: ``J8:11`` (header:physical), ``BOARD11`` (physical on the main
        header, as gpiozero), ``P9_12`` (BeagleBone), or a name (``GPIO17``, ``BCM17``, the kernel's line
        name). A spec that names no pin, or several, raises ValueError naming it and the forms accepted.
        For a bare physical number use :meth:`board_number`."""
        return lookup.find_pin(self, spec)

    def board_number(self, number: int) -> HeaderPin:
        """Physical pin ``number`` on the main header (RPi.GPIO's BOARD numbering)."""
        if self.main_header is None:
            raise ValueError(
                f"{self.model} has no main header for BOARD numbers: name the pin on one of {self.header_names()}"
            )
        return self.headers[self.main_header].pin(number)

    def gpio_pins(self) -> list[HeaderPin]:
        """Every header pin that is a GPIO line, in header then physical order."""
        return [pin for header in self.headers for pin in header.pins if pin.line is not None]

    @cached_property
    def names(self) -> Mapping[str, tuple[HeaderPin, ...]]:
        """Every name a pin answers to (its name, aliases and kernel line name) -> the pins with it."""
        index: dict[str, list[HeaderPin]] = {}
        for header in self.headers:
            for pin in header.pins:
                keys = {pin.name, *pin.aliases} | ({pin.line.line_name} if pin.line else set())
                for key in keys:
                    index.setdefault(key, []).append(pin)
        return MappingProxyType({key: tuple(pins) for key, pins in index.items()})


# A header as data: one entry per physical pin, in order: a supply name ("GND") or a (chip index, offset) line.
PinEntry = Union[str, tuple[int, int]]


@dataclass(frozen=True)
class HeaderTable:
    """A header's layout before it is tied to a board's chips and names."""

    name: str
    entries: tuple[PinEntry, ...]


def build_board(
    *,
    id: str,
    model: str,
    compatible: Sequence[str],
    models: Sequence[str] = (),
    headers: Sequence[HeaderTable],
    chips: Sequence[GpioChipLayout],
    pin_names: str,
    functions: Mapping[str, tuple[str, ...]],
    i2c: Mapping[int, tuple[str, str]],
    spi: Mapping[int, tuple[str, str, str, tuple[str, ...]]],
    main_header: int | None = 0,
    source: str = "",
) -> Board:
    """One board from its tables. ``pin_names`` is ``"bcm"`` (a line pin is ``GPIO<n>``, alias ``BCM<n>``)
    or ``"header"`` (``<HEADER>_<n>``, alias ``GPIO<bank>_<offset>``); ``functions`` maps pin names to bus
    signals; ``i2c`` maps bus numbers to (SDA, SCL) pin names, ``spi`` to (SCLK, MOSI, MISO, chip selects)."""
    built = tuple(_header(table, chips, pin_names, functions) for table in headers)
    by_name = {pin.name: pin for header in built for pin in header.pins if pin.line is not None}
    return Board(
        id=id,
        model=model,
        compatible=tuple(compatible),
        models=tuple(models),
        headers=built,
        gpio_chips=tuple(chips),
        i2c=MappingProxyType({n: I2cBus(n, by_name[sda], by_name[scl]) for n, (sda, scl) in i2c.items()}),
        spi=MappingProxyType(
            {
                n: SpiBus(n, by_name[sclk], by_name[mosi], by_name[miso], tuple(by_name[cs] for cs in selects))
                for n, (sclk, mosi, miso, selects) in spi.items()
            }
        ),
        main_header=main_header,
        source=source,
    )


def _header(
    table: HeaderTable, chips: Sequence[GpioChipLayout], pin_names: str, functions: Mapping[str, tuple[str, ...]]
) -> Header:
    pins = []
    for number, entry in enumerate(table.entries, start=1):
        if isinstance(entry, str):
            pins.append(HeaderPin(table.name, number, entry))
            continue
        index, offset = entry
        chip = chips[index]
        gpio = sum(c.num_lines for c in chips[:index]) + offset
        if pin_names == "bcm":
            name, aliases = f"GPIO{gpio}", (f"BCM{gpio}",)
        else:
            name, aliases = f"{table.name}_{number}", (f"GPIO{index}_{offset}",)
        line = LineRef(chip.label, chip.names[offset], offset)
        pins.append(HeaderPin(table.name, number, name, line, functions.get(name, ()), gpio, aliases))
    return Header(table.name, tuple(pins))
