"""Mock SPI controllers behind spidev: spidev's ioctls and checks, the SPI core's validation, chip
select handling, and a record of every transfer that reached the wire."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from linuxhw._uapi import ffi, lib
from linuxhw.mock._file import MockFile
from linuxhw.mock.spi_models import SpiTarget

if TYPE_CHECKING:
    from linuxhw.mock.board import Board

__all__ = ["ALL_MODE_BITS", "MockSpiBus", "MockSpiDevice", "SpiRecord"]

# Every mode bit spidev accepts (SPI_MODE_USER_MASK of the running kernel's uAPI).
USER_MASK = (1 << 17) - 1
ALL_MODE_BITS = USER_MASK & ~lib.SPI_CS_WORD
WIDE_BITS = lib.SPI_TX_DUAL | lib.SPI_TX_QUAD | lib.SPI_TX_OCTAL | lib.SPI_RX_DUAL | lib.SPI_RX_QUAD | lib.SPI_RX_OCTAL
TRANSFER_SIZE = 32  # sizeof(struct spi_ioc_transfer)
MESSAGE_BASE = lib.lhw_spi_ioc_message(0)  # SPI_IOC_MESSAGE(0): the size field holds N * 32


@dataclass(frozen=True)
class SpiRecord:
    """One transfer as it went out on the wire (after the core filled in defaults)."""

    chip_select: int
    mode: int
    speed_hz: int
    bits_per_word: int
    length: int
    tx: bytes
    rx: bytes
    cs_change: bool
    delay_us: int
    word_delay_us: int
    tx_nbits: int
    rx_nbits: int


class MockSpiBus:
    """An SPI controller. ``add_device(cs, model)`` puts a spidev node on one chip select."""

    def __init__(self, board: Board, number: int, max_speed_hz: int, min_speed_hz: int, mode_bits: int) -> None:
        self.board = board
        self.number = number
        self.max_speed_hz = max_speed_hz
        self.min_speed_hz = min_speed_hz
        self.mode_bits = mode_bits
        self.records: list[SpiRecord] = []

    def add_device(self, chip_select: int, model: SpiTarget, *, max_speed_hz: int | None = None,
                   gpio_chip_select: bool = False) -> MockSpiDevice:  # fmt: skip
        """A spidev device at /dev/spidev<bus>.<chip_select>; ``gpio_chip_select`` makes the core
        force CS_HIGH on every mode change, as it does for GPIO chip selects."""
        device = MockSpiDevice(self, chip_select, model, max_speed_hz or self.max_speed_hz, gpio_chip_select)
        self.board.add_device(device)
        return device


class MockSpiDevice:
    """One spidev node: the device's settings and its model."""

    subsystem = "spidev"

    def __init__(self, bus: MockSpiBus, chip_select: int, model: SpiTarget, speed_hz: int, gpio_cs: bool) -> None:
        self.bus = bus
        self.chip_select = chip_select
        self.dev_path = f"/dev/spidev{bus.number}.{chip_select}"
        self.attributes: dict[str, str] = {}
        self.model = model
        self.mode = lib.SPI_CS_HIGH if gpio_cs else 0
        self.bits_per_word = 8
        self.speed_hz = speed_hz
        self.gpio_cs = gpio_cs
        self.cs_held = False

    def __repr__(self) -> str:
        return f"<MockSpiDevice {self.dev_path} {type(self.model).__name__}>"

    @property
    def records(self) -> list[SpiRecord]:
        """What reached the wire on this chip select."""
        return [r for r in self.bus.records if r.chip_select == self.chip_select]

    def open(self, board: Board, flags: int) -> MockFile:
        return _SpidevFile(self)

    def setup(self, mode: int) -> int:
        """spi_setup() for a new mode: drop unsupported bus widths, refuse other unknown bits."""
        if self.gpio_cs:
            mode |= lib.SPI_CS_HIGH
        supported = self.bus.mode_bits | lib.SPI_CS_WORD
        mode &= ~(WIDE_BITS & ~supported)  # the core only warns about these and clears them
        if mode & ~supported:
            return -errno.EINVAL
        if mode & lib.SPI_3WIRE and mode & WIDE_BITS:
            return -errno.EINVAL
        self.mode = mode
        return 0


def _word_bytes(bits: int) -> int:
    return 1 if bits <= 8 else 2 if bits <= 16 else 4


def _nbits_error(nbits: int, mode: int, dual: int, quad: int, octal: int) -> bool:
    """__spi_validate()'s bus-width rule for one direction."""
    if nbits not in (1, 2, 4, 8):
        return True
    return (nbits == 2 and not mode & (dual | quad)) or (nbits == 4 and not mode & quad) or (
        nbits == 8 and not mode & octal)  # fmt: skip


class _SpidevFile(MockFile):
    """An open /dev/spidevB.C."""

    def __init__(self, device: MockSpiDevice) -> None:
        super().__init__()
        self.device = device

    def ioctl(self, request: int, arg: Any) -> int:
        device = self.device
        if request == lib.SPI_IOC_RD_MODE:
            arg[0] = device.mode & 0xFF
        elif request == lib.SPI_IOC_RD_MODE32:
            arg[0] = device.mode & USER_MASK
        elif request == lib.SPI_IOC_RD_LSB_FIRST:
            arg[0] = int(bool(device.mode & lib.SPI_LSB_FIRST))
        elif request == lib.SPI_IOC_RD_BITS_PER_WORD:
            arg[0] = device.bits_per_word
        elif request == lib.SPI_IOC_RD_MAX_SPEED_HZ:
            arg[0] = device.speed_hz
        elif request in (lib.SPI_IOC_WR_MODE, lib.SPI_IOC_WR_MODE32):
            if arg[0] & ~USER_MASK:
                return -errno.EINVAL
            return device.setup(arg[0])  # the 8-bit ioctl clears the upper user bits too, as spidev does
        elif request == lib.SPI_IOC_WR_LSB_FIRST:
            flag = lib.SPI_LSB_FIRST if arg[0] else 0
            return device.setup((device.mode & ~lib.SPI_LSB_FIRST) | flag)
        elif request == lib.SPI_IOC_WR_BITS_PER_WORD:
            bits = arg[0] or 8
            if not 1 <= bits <= 32:
                return -errno.EINVAL
            device.bits_per_word = bits
        elif request == lib.SPI_IOC_WR_MAX_SPEED_HZ:
            if arg[0] == 0:
                return -errno.EINVAL
            device.speed_hz = arg[0]
        elif request & ~(0x3FFF << 16) == MESSAGE_BASE:
            return self._message(arg, (request >> 16) & 0x3FFF)
        else:
            return -errno.ENOTTY
        return 0

    def _message(self, arg: Any, size: int) -> int:
        """spidev_message() + spi_sync(): validate everything, then run the transfers."""
        if size % TRANSFER_SIZE:
            return -errno.EINVAL
        count = size // TRANSFER_SIZE
        if count == 0:
            return 0
        device = self.device
        bus = device.bus
        bufsiz = int(device.bus.board.module_parameters.get("spidev.bufsiz", "4096"))
        transfers = ffi.cast("struct spi_ioc_transfer *", arg)
        plan = []
        tx_total = rx_total = 0
        for i in range(count):
            t = transfers[i]
            tx_total += t.len if t.tx_buf else 0
            rx_total += t.len if t.rx_buf else 0
            if tx_total > bufsiz or rx_total > bufsiz:
                return -errno.EMSGSIZE
            bits = t.bits_per_word or device.bits_per_word
            speed = min(t.speed_hz or device.speed_hz, bus.max_speed_hz)
            if not 1 <= bits <= 32 or t.len % _word_bytes(bits) or speed < bus.min_speed_hz:
                return -errno.EINVAL
            tx_nbits = (t.tx_nbits or 1) if t.tx_buf else 0
            rx_nbits = (t.rx_nbits or 1) if t.rx_buf else 0
            if (tx_nbits and _nbits_error(tx_nbits, device.mode, lib.SPI_TX_DUAL, lib.SPI_TX_QUAD, lib.SPI_TX_OCTAL)) \
                    or (rx_nbits and _nbits_error(rx_nbits, device.mode, lib.SPI_RX_DUAL, lib.SPI_RX_QUAD,
                                                  lib.SPI_RX_OCTAL)):  # fmt: skip
                return -errno.EINVAL
            plan.append((t, bits, speed, tx_nbits, rx_nbits))
        total = 0
        for index, (t, bits, speed, tx_nbits, rx_nbits) in enumerate(plan):
            if not device.cs_held:
                device.model.select()
                device.cs_held = True
            tx = bytes(ffi.buffer(ffi.cast("void *", t.tx_buf), t.len)) if t.tx_buf else bytes(t.len)
            rx = device.model.exchange(tx)
            if t.rx_buf:
                ffi.memmove(ffi.cast("void *", t.rx_buf), rx, t.len)
            bus.records.append(SpiRecord(device.chip_select, device.mode, speed, bits, t.len, tx, rx,
                                         bool(t.cs_change), t.delay_usecs, t.word_delay_usecs, tx_nbits,
                                         rx_nbits))  # fmt: skip
            total += t.len
            last = index == len(plan) - 1
            if t.cs_change != last:  # cs_change releases CS between transfers, or keeps it after the last
                device.model.deselect()
                device.cs_held = False
        return total
