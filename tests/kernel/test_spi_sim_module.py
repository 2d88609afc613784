"""The project's SPI simulator module (linuxhw/vm/kmod/spi-sim) seen from user space through spidev.

The module registers one software SPI controller whose parent is the platform device
``lhw-spi-sim`` (/sys/devices/platform/lhw-spi-sim/spi_master/spiB, B dynamic) with two
devices bound to spidev:

    /dev/spidevB.0  loopback (modalias spi:lhw-spi-sim-loop), max 50 MHz: MISO = MOSI
    /dev/spidevB.1  64 KiB W25Q-like serial flash (spi:lhw-spi-sim-flash), max 25 MHz

Every transfer and chip-select change is recorded in /sys/kernel/debug/lhw-spi-sim/log.
The module's header comment is the specification of both models; the project's mock
implements the same.  These tests pin down what the real kernel (spidev and the SPI core
of Debian's 6.12) does around them: defaults, clamping, and the errno of every refusal.
Flash tests start from an erased chip (the ``flash`` fixture erases it).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import random
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

try:
    import spidev  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - the [test] extra installs it
    spidev = None

from tests.conftest import SPIDEV_SETS_MOSI_IDLE_LOW

pytestmark = pytest.mark.kernel

MODULE = "lhw-spi-sim"
PLATFORM_DEVICE = Path("/sys/devices/platform") / MODULE
LOG = Path("/sys/kernel/debug") / MODULE / "log"
LOOP, FLASH = 0, 1
CTLR_MAX_HZ, CTLR_MIN_HZ = 50_000_000, 1_000
DEVICE_MAX_HZ = {LOOP: 50_000_000, FLASH: 25_000_000}
FLASH_SIZE, PAGE, SECTOR = 0x10000, 256, 4096
LOG_LINES, LOG_HEX_BYTES = 256, 32
BUFSIZ = 4096  # spidev's default bufsiz module parameter
DMA_MINALIGN = 8  # ARCH_DMA_MINALIGN on x86-64: spidev rounds each transfer's share of bufsiz up to it

# <linux/spi/spi.h> (uapi) mode bits
SPI_CPHA = 1 << 0
SPI_CPOL = 1 << 1
SPI_CS_HIGH = 1 << 2
SPI_LSB_FIRST = 1 << 3
SPI_3WIRE = 1 << 4
SPI_LOOP = 1 << 5
SPI_NO_CS = 1 << 6
SPI_READY = 1 << 7
SPI_TX_DUAL = 1 << 8
SPI_TX_QUAD = 1 << 9
SPI_RX_DUAL = 1 << 10
SPI_RX_QUAD = 1 << 11
SPI_CS_WORD = 1 << 12
SPI_TX_OCTAL = 1 << 13
SPI_RX_OCTAL = 1 << 14
SPI_3WIRE_HIZ = 1 << 15
SPI_RX_CPHA_FLIP = 1 << 16
SPI_MOSI_IDLE_LOW = 1 << 17
SPI_MOSI_IDLE_HIGH = 1 << 18
SPI_MODE_USER_MASK = (1 << 19) - 1
# spidev's SPI_MODE_MASK: what SPI_IOC_WR_MODE32 accepts (not CS_WORD, not MOSI_IDLE_HIGH)
SPIDEV_BEFORE_6_4 = 0 if SPIDEV_SETS_MOSI_IDLE_LOW else SPI_3WIRE_HIZ | SPI_MOSI_IDLE_LOW  # not in 6.1's mask
SPIDEV_MODE_MASK = SPI_MODE_USER_MASK & ~(SPI_CS_WORD | SPI_MOSI_IDLE_HIGH | SPIDEV_BEFORE_6_4)

# <linux/spi/spidev.h>
_IOC_WRITE, _IOC_READ = 1, 2


def _ioc(direction: int, nr: int, size: int) -> int:
    return (direction << 30) | (size << 16) | (ord("k") << 8) | nr


SPI_IOC_RD_MODE = _ioc(_IOC_READ, 1, 1)
SPI_IOC_WR_MODE = _ioc(_IOC_WRITE, 1, 1)
SPI_IOC_RD_BITS_PER_WORD = _ioc(_IOC_READ, 3, 1)
SPI_IOC_WR_BITS_PER_WORD = _ioc(_IOC_WRITE, 3, 1)
SPI_IOC_RD_MAX_SPEED_HZ = _ioc(_IOC_READ, 4, 4)
SPI_IOC_WR_MAX_SPEED_HZ = _ioc(_IOC_WRITE, 4, 4)
SPI_IOC_RD_MODE32 = _ioc(_IOC_READ, 5, 4)
SPI_IOC_WR_MODE32 = _ioc(_IOC_WRITE, 5, 4)


class IocTransfer(ctypes.Structure):
    _fields_ = [
        ("tx_buf", ctypes.c_uint64),
        ("rx_buf", ctypes.c_uint64),
        ("len", ctypes.c_uint32),
        ("speed_hz", ctypes.c_uint32),
        ("delay_usecs", ctypes.c_uint16),
        ("bits_per_word", ctypes.c_uint8),
        ("cs_change", ctypes.c_uint8),
        ("tx_nbits", ctypes.c_uint8),
        ("rx_nbits", ctypes.c_uint8),
        ("word_delay_usecs", ctypes.c_uint8),
        ("pad", ctypes.c_uint8),
    ]


assert ctypes.sizeof(IocTransfer) == 32


def spi_ioc_message(n: int) -> int:
    """SPI_IOC_MESSAGE(n) exactly as the C macro: a size that does not fit 14 bits becomes 0."""
    size = n * ctypes.sizeof(IocTransfer)
    return _ioc(_IOC_WRITE, 0, size if size < 1 << 14 else 0)


# --- raw spidev ------------------------------------------------------------------------------


@dataclass
class Xfer:
    """One struct spi_ioc_transfer: tx bytes (or None) and whether it has an rx buffer."""

    tx: bytes | Sequence[int] | None = None
    rx: bool = True
    length: int | None = None  # default len(tx)
    speed_hz: int = 0
    bits_per_word: int = 0
    cs_change: bool = False
    delay_us: int = 0
    word_delay_us: int = 0
    tx_nbits: int = 0
    rx_nbits: int = 0

    @property
    def len(self) -> int:
        if self.length is not None:
            return self.length
        assert self.tx is not None
        return len(self.tx)


def message(fd: int, *xfers: Xfer, request: int | None = None) -> list[bytes | None]:
    """One SPI_IOC_MESSAGE(len(xfers)); returns each transfer's rx bytes (None without rx buffer)."""
    ctrans = (IocTransfer * max(len(xfers), 1))()
    bufs: list[tuple[Any, Any]] = []
    for c, x in zip(ctrans, xfers):
        n = x.len
        tx = ctypes.create_string_buffer(bytes(x.tx), max(n, 1)) if x.tx is not None else None
        rx = ctypes.create_string_buffer(max(n, 1)) if x.rx else None
        bufs.append((tx, rx))
        c.tx_buf = ctypes.addressof(tx) if tx is not None else 0
        c.rx_buf = ctypes.addressof(rx) if rx is not None else 0
        c.len = n
        c.speed_hz = x.speed_hz
        c.delay_usecs = x.delay_us
        c.bits_per_word = x.bits_per_word
        c.cs_change = int(x.cs_change)
        c.tx_nbits = x.tx_nbits
        c.rx_nbits = x.rx_nbits
        c.word_delay_usecs = x.word_delay_us
    ret = fcntl.ioctl(fd, spi_ioc_message(len(xfers)) if request is None else request, ctrans)
    assert ret == sum(x.len for x in xfers)  # spidev returns the message's total length
    return [rx.raw[: x.len] if rx is not None else None for x, (_, rx) in zip(xfers, bufs)]


def get_u32(fd: int, request: int) -> int:
    val = ctypes.c_uint32()
    fcntl.ioctl(fd, request, val)
    return val.value


def set_u32(fd: int, request: int, value: int) -> None:
    fcntl.ioctl(fd, request, ctypes.c_uint32(value))


def get_u8(fd: int, request: int) -> int:
    val = ctypes.c_uint8()
    fcntl.ioctl(fd, request, val)
    return val.value


def set_u8(fd: int, request: int, value: int) -> None:
    fcntl.ioctl(fd, request, ctypes.c_uint8(value))


def raises_errno(code: int) -> AbstractContextManager[pytest.ExceptionInfo[OSError]]:
    return pytest.raises(OSError, match=rf"\[Errno {code}\]")


# --- the record ------------------------------------------------------------------------------


def log_clear() -> None:
    LOG.write_text("clear\n")


def log_lines() -> list[str]:
    return LOG.read_text().splitlines()


def transfer_lines() -> list[dict[str, str]]:
    """The transfer lines of the log, as field dicts."""
    return [dict(f.split("=", 1) for f in line.split()) for line in log_lines() if " mode=" in line]


def cs_lines() -> list[str]:
    return [line for line in log_lines() if " mode=" not in line]


# --- fixtures --------------------------------------------------------------------------------


def find_bus() -> int:
    """The controller's bus number B: the spi_master child of the platform device lhw-spi-sim."""
    ctlrs = sorted((PLATFORM_DEVICE / "spi_master").glob("spi*"))
    if len(ctlrs) != 1:
        pytest.fail(f"no SPI controller under {PLATFORM_DEVICE}: is {MODULE}.ko loaded (scripts/vmtest loads it)?")
    return int(ctlrs[0].name.removeprefix("spi"))


@pytest.fixture
def bus() -> int:
    if spidev is None:
        pytest.fail("py-spidev is missing: pip install -e '.[test]'")
    bus = find_bus()
    for cs in (LOOP, FLASH):
        dev = Path(f"/dev/spidev{bus}.{cs}")
        if dev.is_symlink() or not dev.is_char_device():
            pytest.fail(f"{dev} is not the spidev node of the simulator")
    return bus


def open_device(bus: int, cs: int) -> Any:
    """py-spidev on /dev/spidevB.cs, with mode 0 and 8 bits per word."""
    # Mode and word size persist in the spi_device across opens, and py-spidev caches what it
    # finds at open (and writes the cached bits back with each setting): reset them first.
    fd = os.open(f"/dev/spidev{bus}.{cs}", os.O_RDWR)
    try:
        set_u32(fd, SPI_IOC_WR_MODE32, 0)
        set_u8(fd, SPI_IOC_WR_BITS_PER_WORD, 8)
    finally:
        os.close(fd)
    spi = spidev.SpiDev()
    spi.open(bus, cs)
    return spi


@pytest.fixture
def loop(bus: int) -> Iterator[Any]:
    spi = open_device(bus, LOOP)
    log_clear()
    try:
        yield spi
    finally:
        spi.close()


@pytest.fixture
def flash(bus: int) -> Iterator[Any]:
    """The flash, erased and idle, with an empty log."""
    spi = open_device(bus, FLASH)
    try:
        wait_idle(spi)
        cmd(spi, [0x06])
        cmd(spi, [0xC7])
        wait_idle(spi)
        log_clear()
        yield spi
    finally:
        spi.close()


# --- flash commands (one transfer each, through py-spidev) -----------------------------------


def cmd(spi: Any, data: Sequence[int], n_read: int = 0) -> bytes:
    """One command: data then n_read zeros, CS held; returns everything clocked back."""
    return bytes(spi.xfer2([*data, *([0] * n_read)]))


def addr3(addr: int) -> list[int]:
    return [(addr >> 16) & 0xFF, (addr >> 8) & 0xFF, addr & 0xFF]


def read(spi: Any, addr: int, n: int) -> bytes:
    return cmd(spi, [0x03, *addr3(addr)], n)[4:]


def status(spi: Any, n: int = 1) -> bytes:
    return cmd(spi, [0x05], n)[1:]


def program(spi: Any, addr: int, data: Sequence[int]) -> None:
    cmd(spi, [0x06])
    cmd(spi, [0x02, *addr3(addr), *data])


def wait_idle(spi: Any) -> None:
    for _ in range(4):
        if not status(spi)[0] & 0x01:
            return
    pytest.fail("the flash stays BUSY")


# --- identity --------------------------------------------------------------------------------


def test_identity_in_sysfs(bus: int) -> None:
    ctlr = PLATFORM_DEVICE / "spi_master" / f"spi{bus}"
    assert Path(f"/sys/class/spi_master/spi{bus}/device").resolve() == PLATFORM_DEVICE
    for cs, name in ((LOOP, "loop"), (FLASH, "flash")):
        dev = Path(f"/sys/bus/spi/devices/spi{bus}.{cs}")
        assert dev.resolve() == ctlr / f"spi{bus}.{cs}"
        assert (dev / "modalias").read_text() == f"spi:{MODULE}-{name}\n"
        assert (dev / "driver_override").read_text() == "spidev\n"
        assert (dev / "driver").resolve().name == "spidev"
        assert (dev / "spidev" / f"spidev{bus}.{cs}").is_dir()


def test_initial_state_after_reload() -> None:
    """All state lives in the module: a reload starts with an erased flash and an empty log."""
    ko = Path(os.environ.get("LINUXHW_KMOD_DIR", "/nonexistent"), f"{MODULE}.ko")
    assert ko.is_file(), f"{ko} missing (LINUXHW_KMOD_DIR is set by scripts/vmtest)"
    subprocess.run(["rmmod", MODULE], check=True)
    subprocess.run(["insmod", str(ko)], check=True)
    assert LOG.read_text() == ""
    spi = spidev.SpiDev()
    spi.open(find_bus(), FLASH)
    try:
        assert spi.max_speed_hz == DEVICE_MAX_HZ[FLASH]
        assert (spi.mode, spi.bits_per_word) == (0, 8)
        assert status(spi, 2) == b"\x00\x00"
        assert cmd(spi, [0x9F], 3) == b"\xff\xef\x40\x11"
        for addr in range(0, FLASH_SIZE, 4092):
            assert read(spi, addr, min(4092, FLASH_SIZE - addr)) == b"\xff" * min(4092, FLASH_SIZE - addr)
    finally:
        spi.close()


# --- loopback --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 31, 32, 33, 255, 256, 1000, 4095, 4096])
def test_loopback_echoes(loop: Any, size: int) -> None:
    data = [random.randrange(256) for _ in range(size)]
    assert loop.xfer2(data) == data


def test_loopback_without_tx_reads_zeros(loop: Any) -> None:
    assert bytes(loop.readbytes(16)) == bytes(16)  # read(): an rx-only transfer
    loop.writebytes([1, 2, 3])  # write(): tx only
    assert message(loop.fileno(), Xfer(length=5), Xfer([9, 8, 7], rx=False), Xfer([6, 5])) == [
        bytes(5),
        None,
        bytes([6, 5]),
    ]
    lines = transfer_lines()
    assert [(t["len"], t["tx_nbits"], t["rx_nbits"], t["tx"], t["rx"]) for t in lines] == [
        ("16", "0", "1", "00" * 16, "00" * 16),
        ("3", "1", "0", "010203", "010203"),
        ("5", "0", "1", "00" * 5, "00" * 5),
        ("3", "1", "0", "090807", "090807"),
        ("2", "1", "1", "0605", "0605"),
    ]


def test_loopback_with_spi_loop_and_other_modes(loop: Any) -> None:
    for mode in (SPI_LOOP, SPI_LOOP | SPI_CPHA | SPI_CPOL, SPI_CS_HIGH | SPI_LSB_FIRST, SPI_NO_CS):
        set_u32(loop.fileno(), SPI_IOC_WR_MODE32, mode)
        assert message(loop.fileno(), Xfer([0xA5, 0x5A, 0x00, 0xFF])) == [b"\xa5\x5a\x00\xff"]
        assert transfer_lines()[-1]["mode"] == hex(mode)


@pytest.mark.parametrize("bits", [1, 7, 9, 16, 24, 32])
def test_loopback_words_are_byte_streams(loop: Any, bits: int) -> None:
    data = bytes(range(0x40, 0x48))
    assert message(loop.fileno(), Xfer(data, bits_per_word=bits)) == [data]
    assert transfer_lines()[-1]["bits"] == str(bits)


# --- the flash -------------------------------------------------------------------------------


def test_jedec_id(flash: Any) -> None:
    assert cmd(flash, [0x9F], 5) == b"\xff\xef\x40\x11\xff\xff"


def test_write_enable_and_disable(flash: Any) -> None:
    assert status(flash, 3) == b"\x00\x00\x00"
    cmd(flash, [0x06])
    assert status(flash, 4) == b"\x02" * 4  # the status register repeats
    cmd(flash, [0x04])
    assert status(flash) == b"\x00"


def test_page_program_busy_twice_then_read_back(flash: Any) -> None:
    program(flash, 0x1230, [0x11, 0x22, 0x33, 0x44])
    assert status(flash) == b"\x01"  # BUSY, WEL already cleared
    assert status(flash) == b"\x01"
    assert status(flash) == b"\x00"
    assert read(flash, 0x122E, 8) == b"\xff\xff\x11\x22\x33\x44\xff\xff"
    program(flash, 0x1240, [0x55])
    assert status(flash, 3) == b"\x01\x01\x00"  # two BUSY bytes within one command too


def test_program_only_clears_bits(flash: Any) -> None:
    program(flash, 0x300, [0xF0, 0x0F, 0xAA])
    wait_idle(flash)
    program(flash, 0x300, [0x3C, 0x3C, 0xFF])
    wait_idle(flash)
    assert read(flash, 0x300, 3) == bytes([0x30, 0x0C, 0xAA])


def test_page_program_wraps_within_the_page(flash: Any) -> None:
    program(flash, 0x4FC, [1, 2, 3, 4, 5, 6])  # 0x4fc..0x4ff, then 0x400, 0x401
    wait_idle(flash)
    assert read(flash, 0x4FC, 4) == bytes([1, 2, 3, 4])
    assert read(flash, 0x400, 3) == bytes([5, 6, 0xFF])
    assert read(flash, 0x500, 1) == b"\xff"  # the next page is untouched


def test_page_program_more_than_a_page_keeps_the_last_bytes(flash: Any) -> None:
    data = [i & 0xFF for i in range(300)]  # offsets 0x10.. wrap; bytes 256..299 replace 0..43
    program(flash, 0x610, data)
    wait_idle(flash)
    page = read(flash, 0x600, PAGE)
    expect = bytearray(PAGE)
    for i, byte in enumerate(data):
        expect[(0x10 + i) % PAGE] = byte
    assert page == bytes(expect)


def test_program_without_write_enable_is_ignored(flash: Any) -> None:
    cmd(flash, [0x02, *addr3(0x700), 0x00, 0x00])
    assert status(flash) == b"\x00"  # not BUSY
    assert read(flash, 0x700, 2) == b"\xff\xff"


def test_program_clears_wel_even_without_effect(flash: Any) -> None:
    cmd(flash, [0x06])
    cmd(flash, [0x02, 0x00, 0x07])  # incomplete address
    assert status(flash) == b"\x00"
    cmd(flash, [0x06])
    cmd(flash, [0x02, *addr3(0x700)])  # no data byte
    assert status(flash) == b"\x00"
    assert read(flash, 0x700, 1) == b"\xff"


def test_address_is_masked_to_64k(flash: Any) -> None:
    program(flash, 0x7F0020, [0xA7])
    wait_idle(flash)
    assert read(flash, 0x0020, 1) == b"\xa7"
    assert read(flash, 0xFF0020, 1) == b"\xa7"


def test_read_wraps_at_the_end(flash: Any) -> None:
    program(flash, 0xFFFE, [1, 2])
    wait_idle(flash)
    program(flash, 0x0000, [3, 4])
    wait_idle(flash)
    assert read(flash, 0xFFFE, 4) == bytes([1, 2, 3, 4])


def test_fast_read(flash: Any) -> None:
    program(flash, 0x2000, [0xDE, 0xAD, 0xBE, 0xEF])
    wait_idle(flash)
    assert cmd(flash, [0x0B, *addr3(0x2000), 0x00], 4) == b"\xff" * 5 + b"\xde\xad\xbe\xef"
    assert cmd(flash, [0x03, *addr3(0x2000)], 2) == b"\xff" * 4 + b"\xde\xad"


def test_sector_erase(flash: Any) -> None:
    for addr in (0x0FFF, 0x1000, 0x1FFF, 0x2000):
        program(flash, addr, [0x00])
        wait_idle(flash)
    cmd(flash, [0x20, *addr3(0x1234)])  # without WREN: ignored
    assert status(flash) == b"\x00"
    assert read(flash, 0x1000, 1) == b"\x00"
    cmd(flash, [0x06])
    cmd(flash, [0x20, *addr3(0x1234)])
    assert status(flash, 3) == b"\x01\x01\x00"
    assert read(flash, 0x0FFF, 1) == b"\x00"
    assert read(flash, 0x1000, SECTOR // 2) + read(flash, 0x1800, SECTOR // 2) == b"\xff" * SECTOR
    assert read(flash, 0x2000, 1) == b"\x00"


def test_chip_erase(flash: Any) -> None:
    program(flash, 0x8000, [0x12])
    wait_idle(flash)
    cmd(flash, [0xC7])  # without WREN: ignored
    assert read(flash, 0x8000, 1) == b"\x12"
    cmd(flash, [0x06])
    cmd(flash, [0xC7])
    assert status(flash, 3) == b"\x01\x01\x00"
    assert read(flash, 0x8000, 1) == b"\xff"


def test_commands_other_than_status_are_ignored_while_busy(flash: Any) -> None:
    program(flash, 0x100, [0x00])
    assert cmd(flash, [0x9F], 3) == b"\xff" * 4  # ignored; BUSY reads are not consumed
    cmd(flash, [0x06])  # ignored
    assert cmd(flash, [0x03, *addr3(0x100)], 1) == b"\xff" * 5  # ignored: not the data
    assert status(flash, 2) == b"\x01\x01"
    assert status(flash) == b"\x00"  # the WREN did not land
    assert cmd(flash, [0x9F], 3) == b"\xff\xef\x40\x11"


def test_unknown_command(flash: Any) -> None:
    cmd(flash, [0x06])
    assert cmd(flash, [0xAB], 4) == b"\xff" * 5
    assert cmd(flash, [0x60], 0) == b"\xff"  # 0x60 is not chip erase here
    assert status(flash) == b"\x02"


# --- chip select -----------------------------------------------------------------------------


def test_cs_change_splits_commands_in_one_message(flash: Any) -> None:
    fd = flash.fileno()
    message(fd, Xfer([0x06], cs_change=True), Xfer([0x02, *addr3(0x900), 0x5A]))
    assert status(flash, 3) == b"\x01\x01\x00"
    assert read(flash, 0x900, 1) == b"\x5a"
    log_clear()
    rx = message(fd, Xfer([0x9F], cs_change=True), Xfer([0x05, 0]), Xfer([0, 0, 0]))
    assert rx == [b"\xff", b"\xff\x00", b"\x00\x00\x00"]  # 0x05's command runs on through the 3rd transfer
    assert cs_lines() == ["cs=1 assert", "cs=1 deassert", "cs=1 assert", "cs=1 deassert"]


def test_one_cs_for_the_whole_message_without_cs_change(flash: Any) -> None:
    fd = flash.fileno()
    # WREN and PROGRAM in one command: just a WREN with trailing bytes
    message(fd, Xfer([0x06]), Xfer([0x02, *addr3(0x900), 0x00]))
    assert status(flash) == b"\x02"
    assert read(flash, 0x900, 1) == b"\xff"
    assert message(fd, Xfer([0x9F]), Xfer(length=2), Xfer(length=2)) == [b"\xff", b"\xef\x40", b"\x11\xff"]


def test_rx_only_transfer_shifts_out_zeros(flash: Any) -> None:
    fd = flash.fileno()
    cmd(flash, [0x06])
    message(fd, Xfer([0x02, *addr3(0xA00)], rx=False), Xfer(length=2))  # programs 00 00
    wait_idle(flash)
    assert read(flash, 0xA00, 3) == b"\x00\x00\xff"


def test_cs_change_on_the_last_transfer_keeps_cs_asserted(flash: Any) -> None:
    program(flash, 0xB00, [1, 2, 3, 4, 5, 6])
    wait_idle(flash)
    fd = flash.fileno()
    log_clear()
    assert message(fd, Xfer([0x03, *addr3(0xB00), 0], cs_change=True)) == [b"\xff" * 4 + b"\x01"]
    assert message(fd, Xfer(length=2, cs_change=True)) == [b"\x02\x03"]  # the same read goes on
    assert message(fd, Xfer(length=1)) == [b"\x04"]
    assert message(fd, Xfer(length=1)) == [b"\xff"]  # a new command: opcode 0x00
    assert cs_lines() == ["cs=1 assert", "cs=1 deassert", "cs=1 assert", "cs=1 deassert"]
    assert [t["cs_change"] for t in transfer_lines()] == ["1", "1", "0", "0"]


def test_asserting_the_other_cs_ends_a_kept_command(flash: Any, bus: int) -> None:
    fd = flash.fileno()
    message(fd, Xfer([0x9F], cs_change=True))
    loop = open_device(bus, LOOP)
    try:
        log_clear()
        assert loop.xfer2([7]) == [7]
    finally:
        loop.close()
    assert cs_lines() == ["cs=1 deassert", "cs=0 assert", "cs=0 deassert"]
    assert message(fd, Xfer(length=3)) == [b"\xff\xff\xff"]  # not the JEDEC ID: a new command


def test_spi_setup_ends_a_kept_command(flash: Any) -> None:
    fd = flash.fileno()
    message(fd, Xfer([0x9F], cs_change=True))
    log_clear()
    set_u32(fd, SPI_IOC_WR_MAX_SPEED_HZ, 1_000_000)  # any SPI_IOC_WR_* runs spi_setup()
    assert cs_lines() == ["cs=1 deassert"]
    assert message(fd, Xfer(length=3)) == [b"\xff\xff\xff"]


def test_no_cs_never_selects_the_flash(flash: Any) -> None:
    fd = flash.fileno()
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_NO_CS)
    assert message(fd, Xfer([0x9F, 0, 0, 0])) == [b"\xff" * 4]
    message(fd, Xfer([0x06]))
    assert cs_lines() == []
    set_u32(fd, SPI_IOC_WR_MODE32, 0)
    assert status(flash) == b"\x00"


def test_cs_high_changes_only_the_polarity(flash: Any) -> None:
    fd = flash.fileno()
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_CS_HIGH | SPI_LSB_FIRST | SPI_CPOL)
    assert message(fd, Xfer([0x9F, 0, 0, 0])) == [b"\xff\xef\x40\x11"]  # bytes as they are in memory
    assert cs_lines() == ["cs=1 assert", "cs=1 deassert"]
    assert transfer_lines()[0]["mode"] == hex(SPI_CS_HIGH | SPI_LSB_FIRST | SPI_CPOL)


def test_spi_loop_on_the_flash_echoes_and_the_flash_still_listens(flash: Any) -> None:
    fd = flash.fileno()
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_LOOP)
    assert message(fd, Xfer([0x06, 0x12])) == [b"\x06\x12"]
    set_u32(fd, SPI_IOC_WR_MODE32, 0)
    assert status(flash) == b"\x02"


def test_three_wire_half_duplex(flash: Any) -> None:
    fd = flash.fileno()
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_3WIRE)
    assert message(fd, Xfer([0x9F], rx=False), Xfer(length=3)) == [None, b"\xef\x40\x11"]
    with raises_errno(errno.EINVAL):  # the core refuses a transfer with both buffers
        message(fd, Xfer([0x9F, 0]))


def test_sixteen_bit_words_reach_the_flash_as_bytes_in_memory(flash: Any) -> None:
    fd = flash.fileno()
    assert message(fd, Xfer([0x9F, 0, 0, 0], bits_per_word=16)) == [b"\xff\xef\x40\x11"]
    with raises_errno(errno.EINVAL):  # a partial word
        message(fd, Xfer([0x9F, 0, 0], bits_per_word=16))


def test_bufferless_transfer_clocks_nothing(flash: Any) -> None:
    fd = flash.fileno()
    assert message(fd, Xfer([0x9F]), Xfer(rx=False, length=4), Xfer(length=3)) == [b"\xff", None, b"\xef\x40\x11"]
    assert transfer_lines()[1] == {
        "cs": "1",
        "mode": "0x0",
        "speed": str(DEVICE_MAX_HZ[FLASH]),
        "bits": "8",
        "len": "4",
        "tx_nbits": "0",
        "rx_nbits": "0",
        "cs_change": "0",
        "delay_us": "0",
        "word_delay_us": "0",
        "tx": "",
        "rx": "",
    }


# --- the record ------------------------------------------------------------------------------


def test_log_line_format(flash: Any) -> None:
    fd = flash.fileno()
    message(
        fd,
        Xfer([0x9F, 0, 0, 0], speed_hz=1_000_000, delay_us=10),
        Xfer([0x00] * 2, speed_hz=2_000_000, bits_per_word=16, cs_change=True, word_delay_us=3),
        Xfer(length=2, speed_hz=0),
    )
    assert log_lines() == [
        "cs=1 assert",
        "cs=1 mode=0x0 speed=1000000 bits=8 len=4 tx_nbits=1 rx_nbits=1 cs_change=0 delay_us=10 "
        "word_delay_us=0 tx=9f000000 rx=ffef4011",
        "cs=1 mode=0x0 speed=2000000 bits=16 len=2 tx_nbits=1 rx_nbits=1 cs_change=1 delay_us=0 "
        "word_delay_us=3 tx=0000 rx=ffff",
        "cs=1 deassert",
        "cs=1 assert",
        "cs=1 mode=0x0 speed=25000000 bits=8 len=2 tx_nbits=0 rx_nbits=1 cs_change=0 delay_us=0 "
        "word_delay_us=0 tx=0000 rx=ffff",
        "cs=1 deassert",
    ]


def octal_width_kept(fd: int) -> bool:
    """Whether an 8-wire transfer reaches the controller as such. 6.12 does; Debian's 6.1.0-56 keeps
    spi_transfer's tx/rx_nbits in 3 bits, so 8 arrives as 0 (one wire), and its octal modes do not cover
    dual and quad ("spi: Fix OCTAL mode support" changed both; stable updates may bring it, hence a probe)."""
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_RX_OCTAL)
    try:
        log_clear()
        message(fd, Xfer(length=1, rx_nbits=8))
        return transfer_lines()[-1]["rx_nbits"] == "8"
    finally:
        set_u32(fd, SPI_IOC_WR_MODE32, 0)
        log_clear()


def test_log_nbits_and_mode(flash: Any) -> None:
    fd = flash.fileno()
    rx_mode, rx_nbits = (SPI_RX_OCTAL, 8) if octal_width_kept(fd) else (SPI_RX_QUAD, 4)
    mode = SPI_TX_QUAD | rx_mode | SPI_CPHA
    set_u32(fd, SPI_IOC_WR_MODE32, mode)
    message(
        fd, Xfer([0x9F], tx_nbits=4, rx=False), Xfer(length=3, rx_nbits=rx_nbits), Xfer([0], tx_nbits=2, rx_nbits=2)
    )
    assert [(t["mode"], t["tx_nbits"], t["rx_nbits"]) for t in transfer_lines()] == [
        (hex(mode), "4", "0"),
        (hex(mode), "0", str(rx_nbits)),
        (hex(mode), "2", "2"),
    ]


def test_log_truncates_data_to_32_bytes(loop: Any) -> None:
    data = bytes(range(100))
    message(loop.fileno(), Xfer(data))
    (line,) = transfer_lines()
    assert line["len"] == "100"
    assert line["tx"] == line["rx"] == data[:LOG_HEX_BYTES].hex()


def test_log_keeps_the_last_256_lines_and_a_write_clears_it(loop: Any) -> None:
    message(loop.fileno(), *(Xfer([i & 0xFF]) for i in range(300)))
    lines = log_lines()  # assert, 300 transfers, deassert: the first 46 lines are gone
    assert len(lines) == LOG_LINES
    assert lines[0].endswith(" tx=2d rx=2d")  # transfer 45
    assert lines[-1] == "cs=0 deassert"
    log_clear()
    assert LOG.read_text() == ""


def test_delays_are_waited(loop: Any) -> None:
    start = time.monotonic()
    message(loop.fileno(), Xfer([1], delay_us=30_000), Xfer([2], delay_us=30_000))
    assert time.monotonic() - start >= 0.06
    start = time.monotonic()
    message(loop.fileno(), Xfer(bytes(201), word_delay_us=250))  # 200 word gaps of 250 us
    assert time.monotonic() - start >= 0.05
    assert [t["delay_us"] for t in transfer_lines()] == ["30000", "30000", "0"]
    assert transfer_lines()[-1]["word_delay_us"] == "250"


# --- speeds ----------------------------------------------------------------------------------


def test_speed_defaults_and_clamping(flash: Any, bus: int) -> None:
    fd = flash.fileno()
    assert get_u32(fd, SPI_IOC_RD_MAX_SPEED_HZ) == DEVICE_MAX_HZ[FLASH]
    message(fd, Xfer([0]), Xfer([0], speed_hz=40_000_000), Xfer([0], speed_hz=80_000_000), Xfer([0], speed_hz=1000))
    # 0 -> spidev's speed (the device's max); above the controller's max -> clamped to it (not to the device's)
    assert [t["speed"] for t in transfer_lines()] == ["25000000", "40000000", "50000000", "1000"]
    with raises_errno(errno.EINVAL):  # below the controller's min_speed_hz
        message(fd, Xfer([0], speed_hz=999))
    loop = open_device(bus, LOOP)
    try:
        log_clear()
        message(loop.fileno(), Xfer([0]))
        assert transfer_lines()[0]["speed"] == "50000000"
    finally:
        loop.close()


def test_max_speed_ioctl(flash: Any) -> None:
    fd = flash.fileno()
    with raises_errno(errno.EINVAL):
        set_u32(fd, SPI_IOC_WR_MAX_SPEED_HZ, 0)
    set_u32(fd, SPI_IOC_WR_MAX_SPEED_HZ, 100_000_000)  # accepted and kept as given
    assert get_u32(fd, SPI_IOC_RD_MAX_SPEED_HZ) == 100_000_000
    message(fd, Xfer([0]))
    assert transfer_lines()[-1]["speed"] == "50000000"  # clamped per transfer
    set_u32(fd, SPI_IOC_WR_MAX_SPEED_HZ, 500)  # below min: spi_setup() does not check it...
    assert get_u32(fd, SPI_IOC_RD_MAX_SPEED_HZ) == 500
    with raises_errno(errno.EINVAL):  # ...every default-speed transfer fails
        message(fd, Xfer([0]))
    message(fd, Xfer([0], speed_hz=1000))
    set_u32(fd, SPI_IOC_WR_MAX_SPEED_HZ, 3_000_000)
    message(fd, Xfer([0]))
    assert transfer_lines()[-1]["speed"] == "3000000"


def test_speed_resets_on_last_close(bus: int) -> None:
    spi = open_device(bus, FLASH)
    set_u32(spi.fileno(), SPI_IOC_WR_MAX_SPEED_HZ, 1_234_567)
    other = open_device(bus, FLASH)
    assert get_u32(other.fileno(), SPI_IOC_RD_MAX_SPEED_HZ) == 1_234_567  # per device, not per open file
    other.close()
    spi.close()
    spi = open_device(bus, FLASH)
    try:
        assert get_u32(spi.fileno(), SPI_IOC_RD_MAX_SPEED_HZ) == DEVICE_MAX_HZ[FLASH]
    finally:
        spi.close()


# --- modes and word sizes --------------------------------------------------------------------


@pytest.mark.parametrize("bit", [1 << i for i in range(19) if SPIDEV_MODE_MASK & (1 << i)])
def test_every_spidev_mode_bit_is_supported(flash: Any, bit: int) -> None:
    fd = flash.fileno()
    set_u32(fd, SPI_IOC_WR_MODE32, bit)
    assert get_u32(fd, SPI_IOC_RD_MODE32) == bit
    assert get_u8(fd, SPI_IOC_RD_MODE) == bit & 0xFF


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        (1 << 19, "not a mode bit"),
        (1 << 31, "a kernel-only bit (SPI_NO_TX)"),
        (SPI_CS_WORD, "not in spidev's SPI_MODE_MASK"),
        (SPI_MOSI_IDLE_HIGH, "not in spidev's SPI_MODE_MASK"),
        *[
            (bit, "not in spidev's SPI_MODE_MASK before 6.4")
            for bit in (SPI_3WIRE_HIZ, SPI_MOSI_IDLE_LOW)
            if bit & SPIDEV_BEFORE_6_4
        ],
        (SPI_TX_DUAL | SPI_TX_QUAD, "two tx widths"),
        (SPI_RX_DUAL | SPI_RX_QUAD, "two rx widths"),
        (SPI_3WIRE | SPI_TX_DUAL, "3-wire with dual"),
        (SPI_3WIRE | SPI_RX_OCTAL, "3-wire with octal"),
    ],
)
def test_bad_modes_are_einval(flash: Any, mode: int, why: str) -> None:
    fd = flash.fileno()
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_CPHA)
    with raises_errno(errno.EINVAL):
        set_u32(fd, SPI_IOC_WR_MODE32, mode)
    assert get_u32(fd, SPI_IOC_RD_MODE32) == SPI_CPHA  # unchanged


def test_wr_mode_8bit_clears_the_higher_bits(flash: Any) -> None:
    fd = flash.fileno()
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_TX_DUAL | SPI_CPOL)
    set_u8(fd, SPI_IOC_WR_MODE, SPI_CPHA)
    assert get_u32(fd, SPI_IOC_RD_MODE32) == SPI_CPHA


def test_bits_per_word_ioctl(flash: Any) -> None:
    fd = flash.fileno()
    for bits in (1, 8, 16, 17, 32):
        set_u8(fd, SPI_IOC_WR_BITS_PER_WORD, bits)
        assert get_u8(fd, SPI_IOC_RD_BITS_PER_WORD) == bits
    with raises_errno(errno.EINVAL):
        set_u8(fd, SPI_IOC_WR_BITS_PER_WORD, 33)
    assert get_u8(fd, SPI_IOC_RD_BITS_PER_WORD) == 32  # unchanged
    set_u8(fd, SPI_IOC_WR_BITS_PER_WORD, 0)  # 0 means the default
    assert get_u8(fd, SPI_IOC_RD_BITS_PER_WORD) == 8


def test_transfer_bits_per_word(flash: Any) -> None:
    fd = flash.fileno()
    set_u8(fd, SPI_IOC_WR_BITS_PER_WORD, 24)
    message(fd, Xfer(bytes(4)), Xfer(bytes(2), bits_per_word=12), Xfer(bytes(4), bits_per_word=32))
    assert [t["bits"] for t in transfer_lines()] == ["24", "12", "32"]  # 0 -> the device's
    with raises_errno(errno.EINVAL):
        message(fd, Xfer(bytes(8), bits_per_word=33))
    with raises_errno(errno.EINVAL):  # 24 bits are 4-byte words
        message(fd, Xfer(bytes(6)))


def test_transfer_nbits_must_match_the_mode(flash: Any) -> None:
    fd = flash.fileno()
    octal = octal_width_kept(fd)
    rx_octal, tx_octal = ([Xfer([0], rx_nbits=8)], [Xfer([0], tx_nbits=8)]) if octal else ([], [])
    for xfer in (Xfer([0], tx_nbits=2), Xfer([0], rx_nbits=4), Xfer([0], tx_nbits=3), *rx_octal):
        with raises_errno(errno.EINVAL):
            message(fd, xfer)
    set_u32(fd, SPI_IOC_WR_MODE32, SPI_TX_QUAD | SPI_RX_DUAL)
    message(fd, Xfer([0], tx_nbits=2, rx_nbits=2), Xfer([0], tx_nbits=4, rx_nbits=1))  # quad covers dual
    for xfer in (Xfer([0], rx_nbits=4), *tx_octal, Xfer([0], tx_nbits=3)):
        with raises_errno(errno.EINVAL):
            message(fd, xfer)
    message(fd, Xfer([0], rx=False, tx_nbits=1), Xfer(length=1, tx_nbits=3))  # ignored without a tx buffer
    if not octal:  # 8 does not fit the kernel's 3-bit field: it arrives as 0, which means one wire
        log_clear()
        message(fd, Xfer([0], tx_nbits=8, rx_nbits=8))
        assert [(t["tx_nbits"], t["rx_nbits"]) for t in transfer_lines()] == [("1", "1")]


# --- spidev limits ---------------------------------------------------------------------------


def test_transfer_count_limits(loop: Any) -> None:
    fd = loop.fileno()
    assert spi_ioc_message(511) & 0x3FFF0000 == (511 * 32) << 16
    rx = message(fd, *(Xfer([i & 0xFF]) for i in range(511)))  # 511 x 8 aligned bytes fit in 4096
    assert rx == [bytes([i & 0xFF]) for i in range(511)]
    log_clear()
    # 512 cannot be encoded: the C macro gives size 0, i.e. SPI_IOC_MESSAGE(0), a no-op returning 0
    ctrans = (IocTransfer * 512)()
    assert spi_ioc_message(512) == spi_ioc_message(0)
    assert fcntl.ioctl(fd, spi_ioc_message(512), ctrans) == 0
    assert LOG.read_text() == ""
    with raises_errno(errno.ENOTTY):  # the size overflowing into the direction bits
        fcntl.ioctl(fd, (1 << 30) + ((512 * 32) << 16) + (ord("k") << 8), ctrans)
    with raises_errno(errno.EINVAL):  # a size that is not a whole number of transfers
        fcntl.ioctl(fd, _ioc(_IOC_WRITE, 0, 33), ctrans)
    with raises_errno(errno.ENOTTY):  # SPI_IOC_MESSAGE must be _IOW
        fcntl.ioctl(fd, _ioc(_IOC_READ, 0, 32), ctrans)


def test_bufsiz_limits(loop: Any) -> None:
    fd = loop.fileno()
    assert int(Path("/sys/module/spidev/parameters/bufsiz").read_text()) == BUFSIZ
    assert message(fd, Xfer(bytes(BUFSIZ))) == [bytes(BUFSIZ)]
    message(fd, Xfer(bytes(BUFSIZ), rx=False), Xfer(length=BUFSIZ))  # tx and rx are counted apart
    for xfers in (
        [Xfer(bytes(BUFSIZ + 1))],
        [Xfer(bytes(BUFSIZ + 1), rx=False)],
        [Xfer(length=BUFSIZ + 1)],
        [Xfer(bytes(2048)), Xfer(bytes(2049))],
        [Xfer(bytes(2049), rx=False), Xfer(bytes(2047), rx=False)],  # 4096 bytes, but 2056 + 2048 aligned
        [Xfer(bytes(1364)) for _ in range(3)],  # 4092 bytes, but 3 x 1368 aligned
        [Xfer(length=1364) for _ in range(3)],  # the same for rx alone
    ):
        with raises_errno(errno.EMSGSIZE):
            message(fd, *xfers)
    message(fd, Xfer(bytes(2047)), Xfer(bytes(2041)))  # 2048 + 2048 aligned
    assert len(loop.readbytes(BUFSIZ)) == BUFSIZ
    with raises_errno(errno.EMSGSIZE):
        os.read(fd, BUFSIZ + 1)
    with raises_errno(errno.EMSGSIZE):
        os.write(fd, bytes(BUFSIZ + 1))
    assert message(fd) == []  # SPI_IOC_MESSAGE(0): nothing at all
    assert os.read(fd, 0) == b""  # read(0): a zero-length transfer, CS toggles
    assert log_lines()[-3:] == [
        "cs=0 assert",
        "cs=0 mode=0x0 speed=50000000 bits=8 len=0 tx_nbits=0 rx_nbits=1 cs_change=0 delay_us=0 "
        "word_delay_us=0 tx= rx=",
        "cs=0 deassert",
    ]
