"""Mock SPI controllers behind spidev: spidev's ioctls and checks, the SPI core's validation, chip
select handling, and a record of every transfer that reached the wire.

Like the kernel's SPI simulator module (linuxhw/vm/kmod/spi-sim), a transfer's ``delay_us`` is spent
after it and its ``word_delay_us`` once per word boundary, all at once after the data: the ioctl
sleeps that long, holding the mock board meanwhile (as the controller is held). The 10 us the
controller waits with chip select released on ``cs_change`` is not spent.
"""

from __future__ import annotations

import errno
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from linuxhw._kernel.dma_align import DMA_MINALIGN
from linuxhw._uapi import ffi, lib
from linuxhw.mock._file import MockFile
from linuxhw.mock.spi_models import Loopback, SpiTarget

if TYPE_CHECKING:
    from linuxhw.mock.board import Board

__all__ = ["ALL_MODE_BITS", "MockSpiBus", "MockSpiDevice", "SpiRecord"]

# Mode bits user space can name (SPI_MODE_USER_MASK, bits 0..18 on 6.x); spidev's own mask leaves out
# CS_WORD and MOSI_IDLE_HIGH, so setting those fails with EINVAL.
USER_MASK = (1 << 19) - 1
SPIDEV_MODE_MASK = USER_MASK & ~(lib.SPI_CS_WORD | lib.SPI_MOSI_IDLE_HIGH)
ALL_MODE_BITS = USER_MASK
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


T = TypeVar("T", bound=SpiTarget)


class MockSpiBus:
    """An SPI controller. ``add_device(cs, model)`` puts a spidev node on one chip select."""

    def __init__(self, board: Board, number: int, max_speed_hz: int, min_speed_hz: int, mode_bits: int) -> None:
        self.board = board
        self.number = number
        self.max_speed_hz = max_speed_hz
        self.min_speed_hz = min_speed_hz
        self.mode_bits = mode_bits
        self.records: list[SpiRecord] = []
        self.selected: MockSpiDevice | None = None  # the one device whose chip select is asserted

    def select(self, device: MockSpiDevice | None) -> None:
        """Assert ``device``'s chip select (None: release all); one at a time, as on a real bus."""
        if self.selected is device:
            return
        if self.selected is not None:
            self.selected.model.deselect()
        self.selected = device
        if device is not None:
            device.model.select()

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
    removal_errno = errno.ESHUTDOWN  # spidev's answer to every call once its device was unbound

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
        self.max_speed_hz = speed_hz
        self.open_count = 0

    def __repr__(self) -> str:
        return f"<MockSpiDevice {self.dev_path} {type(self.model).__name__}>"

    def attach(self, model: T, *, max_speed_hz: int | None = None) -> T:
        """Wire ``model`` to this chip select in place of what was there (a mock Raspberry Pi's spidev
        nodes start with nothing wired: MISO reads 0xff); returns it. ``max_speed_hz`` sets the node's
        limit too, as a device tree's ``spi-max-frequency`` would."""
        with self.bus.board.lock:
            if self.bus.selected is self:
                self.bus.select(None)
            self.model = model
            if max_speed_hz is not None:
                self.max_speed_hz = self.speed_hz = max_speed_hz
        return model

    @property
    def records(self) -> list[SpiRecord]:
        """What reached the wire on this chip select."""
        return [r for r in self.bus.records if r.chip_select == self.chip_select]

    def open(self, board: Board, flags: int) -> MockFile:
        self.open_count += 1
        return _SpidevFile(self)

    def setup(self, mode: int) -> int:
        """spi_setup() for a new mode: drop unsupported bus widths, refuse other unknown bits.
        Like every spi_setup(), it releases a chip select left asserted."""
        if self.bus.selected is self:
            self.bus.select(None)
        if self.gpio_cs:
            mode |= lib.SPI_CS_HIGH
        supported = self.bus.mode_bits | lib.SPI_CS_WORD
        mode &= ~(WIDE_BITS & ~supported)  # the core only warns about these and clears them
        if mode & ~supported:
            return -errno.EINVAL
        if mode & lib.SPI_3WIRE and mode & WIDE_BITS:
            return -errno.EINVAL
        for dual, quad in ((lib.SPI_TX_DUAL, lib.SPI_TX_QUAD), (lib.SPI_RX_DUAL, lib.SPI_RX_QUAD)):
            if mode & dual and mode & quad:
                return -errno.EINVAL  # "can not select any two of dual, quad and no-rx/tx at the same time"
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

    def release(self) -> None:
        device = self.device
        device.open_count -= 1
        if not device.open_count:
            device.speed_hz = device.max_speed_hz  # spidev restores the device's speed on last close
        super().release()

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
            if arg[0] & ~SPIDEV_MODE_MASK:
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
            return device.setup(device.mode)
        elif request == lib.SPI_IOC_WR_MAX_SPEED_HZ:
            if arg[0] == 0:
                return -errno.EINVAL
            device.speed_hz = arg[0]
            return device.setup(device.mode)
        elif request & ~(0x3FFF << 16) == MESSAGE_BASE:
            return self._message(arg, (request >> 16) & 0x3FFF)
        else:
            return -errno.ENOTTY
        return 0

    def _bufsiz(self) -> int:
        """spidev's bufsiz module parameter: the most one message may move each way."""
        return int(self.device.bus.board.module_parameters.get("spidev.bufsiz", "4096"))

    def read(self, buf: Any, count: int) -> int:
        """spidev_read(): one receive-only transfer of ``count`` bytes at the device's settings."""
        return self._half_duplex("rx_buf", buf, count)

    def write(self, buf: Any, count: int) -> int:
        """spidev_write(): one send-only transfer of ``count`` bytes at the device's settings."""
        return self._half_duplex("tx_buf", buf, count)

    def _half_duplex(self, field: str, buf: Any, count: int) -> int:
        """What spidev's read() and write() do: refuse more than bufsiz, else run one transfer."""
        if count > self._bufsiz():
            return -errno.EMSGSIZE
        transfer = ffi.new("struct spi_ioc_transfer *", {"len": count, field: int(ffi.cast("uintptr_t", buf))})
        return self._message(transfer, TRANSFER_SIZE)

    def _message(self, arg: Any, size: int) -> int:
        """spidev_message() + spi_sync(): validate everything, then run the transfers."""
        if size % TRANSFER_SIZE:
            return -errno.EINVAL
        count = size // TRANSFER_SIZE
        if count == 0:
            return 0
        device = self.device
        bus = device.bus
        bufsiz = self._bufsiz()
        transfers = ffi.cast("struct spi_ioc_transfer *", arg)
        plan = []
        tx_total = rx_total = 0
        for i in range(count):
            t = transfers[i]
            aligned = -(-t.len // DMA_MINALIGN) * DMA_MINALIGN  # ARCH_DMA_MINALIGN of the machine it runs on
            tx_total += aligned if t.tx_buf else 0
            rx_total += aligned if t.rx_buf else 0
            if tx_total > bufsiz or rx_total > bufsiz:
                return -errno.EMSGSIZE
            bits = t.bits_per_word or device.bits_per_word
            speed = min(t.speed_hz or device.speed_hz, bus.max_speed_hz)
            if not 1 <= bits <= 32 or t.len % _word_bytes(bits) or speed < bus.min_speed_hz:
                return -errno.EINVAL
            if device.mode & lib.SPI_3WIRE and t.tx_buf and t.rx_buf:
                return -errno.EINVAL  # one shared data line: a transfer goes one way
            tx_nbits = (t.tx_nbits or 1) if t.tx_buf else 0
            rx_nbits = (t.rx_nbits or 1) if t.rx_buf else 0
            if (tx_nbits and _nbits_error(tx_nbits, device.mode, lib.SPI_TX_DUAL, lib.SPI_TX_QUAD, lib.SPI_TX_OCTAL)) \
                    or (rx_nbits and _nbits_error(rx_nbits, device.mode, lib.SPI_RX_DUAL, lib.SPI_RX_QUAD,
                                                  lib.SPI_RX_OCTAL)):  # fmt: skip
                return -errno.EINVAL
            plan.append((t, bits, speed, tx_nbits, rx_nbits))
        total = 0
        for index, (t, bits, speed, tx_nbits, rx_nbits) in enumerate(plan):
            bus.select(None if device.mode & lib.SPI_NO_CS else device)
            tx = rx = b""
            if t.len and (t.tx_buf or t.rx_buf):  # a transfer with neither buffer clocks nothing
                tx = bytes(ffi.buffer(ffi.cast("void *", t.tx_buf), t.len)) if t.tx_buf else bytes(t.len)
                rx = self._clock(tx)
                if t.rx_buf:
                    ffi.memmove(ffi.cast("void *", t.rx_buf), rx, t.len)
            bus.records.append(SpiRecord(device.chip_select, device.mode, speed, bits, t.len, tx, rx,
                                         bool(t.cs_change), t.delay_usecs, t.word_delay_usecs, tx_nbits,
                                         rx_nbits))  # fmt: skip
            total += t.len
            words = t.len // _word_bytes(bits) if tx or rx else 0
            delay_us = t.word_delay_usecs * max(words - 1, 0) + t.delay_usecs
            if delay_us:
                time.sleep(delay_us / 1e6)
            last = index == len(plan) - 1
            if t.cs_change != last:  # cs_change releases CS between transfers, or keeps it after the last
                bus.select(None)
        return total

    def _clock(self, tx: bytes) -> bytes:
        """The bytes on MISO while ``tx`` goes out: the selected device answers, an unselected bus
        floats high, and SPI_LOOP feeds MOSI back inside the controller."""
        device = self.device
        if device.bus.selected is device or isinstance(device.model, Loopback):
            rx = device.model.exchange(tx)
        else:
            rx = b"\xff" * len(tx)
        return tx if device.mode & lib.SPI_LOOP else rx
