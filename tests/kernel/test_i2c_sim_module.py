"""The project's I2C simulator module (linuxhw/vm/kmod/i2c-sim) seen from user space.

The module registers one adapter, "linuxhw i2c simulator", whose algorithm has
master_xfer and no smbus_xfer: I2C_RDWR reaches it directly and i2c-core
emulates every SMBus transaction with I2C messages.  Behind it:

    0x50  24c02 EEPROM (256 bytes, 1 address byte, 8-byte pages)
    0x51  24c32 EEPROM (4096 bytes, 2 address bytes, 32-byte pages)
    0x1c  register device (WHO_AM_I 0x0f = 0x6a, SMBus blocks at 0xa0..0xbf)
    0x2a5 the same register device model on a 10-bit address (WHO_AM_I = 0xa5)
    0x34  a client bound to the "dummy" driver, nothing answering (NAK)

The project's mock implements the same device models; these tests pin down what
the real kernel does with them.  Device state persists between tests (the module
is loaded once per VM boot), so every test writes what it later reads, except
test_initial_state_after_reload, which reloads the module first.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import smbus2
except ImportError:  # pragma: no cover - the [test] extra installs it
    smbus2 = None  # type: ignore[assignment]

pytestmark = pytest.mark.kernel

ADAPTER_NAME = "linuxhw i2c simulator"
MODULE = "lhw-i2c-sim"

# <linux/i2c-dev.h>
I2C_SLAVE = 0x0703
I2C_SLAVE_FORCE = 0x0706
I2C_TENBIT = 0x0704
I2C_FUNCS = 0x0705
I2C_RDWR = 0x0707
# <linux/i2c.h>
I2C_M_RD = 0x0001
I2C_M_TEN = 0x0010
I2C_M_RECV_LEN = 0x0400
I2C_M_NO_RD_ACK = 0x0800
I2C_M_IGNORE_NAK = 0x1000
I2C_M_REV_DIR_ADDR = 0x2000
I2C_M_NOSTART = 0x4000
I2C_SMBUS_BLOCK_MAX = 32

EXPECTED_FUNCS = (
    0x00000001  # I2C_FUNC_I2C
    | 0x00000002  # I2C_FUNC_10BIT_ADDR
    | 0x00000004  # I2C_FUNC_PROTOCOL_MANGLING
    | 0x00000008  # I2C_FUNC_SMBUS_PEC
    | 0x00000010  # I2C_FUNC_NOSTART
    | 0x00008000  # I2C_FUNC_SMBUS_BLOCK_PROC_CALL
    | 0x0EFF0008  # I2C_FUNC_SMBUS_EMUL
    | 0x01000000  # I2C_FUNC_SMBUS_READ_BLOCK_DATA
)

EEPROM_2K, EEPROM_32K, REGS, REGS_10BIT, DUMMY, EMPTY = 0x50, 0x51, 0x1C, 0x2A5, 0x34, 0x33


# --- raw I2C_RDWR ----------------------------------------------------------------------------


class _CMsg(ctypes.Structure):
    _fields_ = [
        ("addr", ctypes.c_uint16),
        ("flags", ctypes.c_uint16),
        ("len", ctypes.c_uint16),
        ("buf", ctypes.POINTER(ctypes.c_uint8)),
    ]


class _CRdwr(ctypes.Structure):
    _fields_ = [("msgs", ctypes.POINTER(_CMsg)), ("nmsgs", ctypes.c_uint32)]


@dataclass
class Msg:
    """One struct i2c_msg: a write of ``data``, or (with I2C_M_RD) a read of ``length`` bytes."""

    addr: int
    flags: int = 0
    data: bytes = b""
    length: int = 0

    @classmethod
    def write(cls, addr: int, data: bytes | list[int], flags: int = 0) -> Msg:
        return cls(addr, flags, bytes(data))

    @classmethod
    def read(cls, addr: int, length: int, flags: int = 0) -> Msg:
        return cls(addr, flags | I2C_M_RD, length=length)

    @classmethod
    def recv_len(cls, addr: int, extra: int = 1, flags: int = 0) -> Msg:
        """A RECV_LEN read: buf[0] = bytes expected besides the block data (1, or 2 with PEC)."""
        return cls(addr, flags | I2C_M_RD | I2C_M_RECV_LEN, bytes([extra]), extra + I2C_SMBUS_BLOCK_MAX)


def rdwr(fd: int, *msgs: Msg) -> list[bytes]:
    """I2C_RDWR; returns the buffer of every read message, in order (the whole buffer)."""
    bufs = []
    cmsgs = (_CMsg * len(msgs))()
    for cmsg, msg in zip(cmsgs, msgs):
        size = msg.length if msg.flags & I2C_M_RD else len(msg.data)
        buf = (ctypes.c_uint8 * max(size, 1)).from_buffer_copy(msg.data.ljust(max(size, 1), b"\0"))
        bufs.append(buf)
        cmsg.addr, cmsg.flags, cmsg.len = msg.addr, msg.flags, size
        cmsg.buf = ctypes.cast(buf, ctypes.POINTER(ctypes.c_uint8))
    data = _CRdwr(cmsgs, len(msgs))
    assert fcntl.ioctl(fd, I2C_RDWR, data) == len(msgs)
    return [bytes(buf) for buf, msg in zip(bufs, msgs) if msg.flags & I2C_M_RD]


def read_at(fd: int, addr: int, pointer: bytes | list[int], count: int, flags: int = 0) -> bytes:
    """Write the address/pointer bytes, repeated START, read ``count`` bytes."""
    return rdwr(fd, Msg.write(addr, pointer, flags), Msg.read(addr, count, flags))[0]


def raises_errno(code: int) -> AbstractContextManager[pytest.ExceptionInfo[OSError]]:
    return pytest.raises(OSError, match=rf"\[Errno {code}\]")


# --- fixtures --------------------------------------------------------------------------------


def find_adapter() -> int:
    # Adapters are devices on the i2c bus; /sys/class/i2c-adapter no longer exists in 6.12.
    for name_file in sorted(Path("/sys/bus/i2c/devices").glob("i2c-*/name")):
        if name_file.read_text().strip() == ADAPTER_NAME:
            return int(name_file.parent.name.removeprefix("i2c-"))
    pytest.fail(f"no I2C adapter named {ADAPTER_NAME!r}: is {MODULE}.ko loaded (scripts/vmtest loads it)?")


@pytest.fixture
def nr() -> int:
    """The simulator's adapter number N (/dev/i2c-N), looked up afresh: a reload renumbers it."""
    if smbus2 is None:
        pytest.fail("smbus2 is missing: pip install -e '.[test]'")
    nr = find_adapter()
    dev = Path(f"/dev/i2c-{nr}")
    if dev.is_symlink() or not dev.is_char_device():
        pytest.fail(f"{dev} is not the i2c-dev node of the simulator (modprobe i2c-dev?)")
    return nr


@pytest.fixture
def bus(nr: int) -> Iterator[smbus2.SMBus]:
    with smbus2.SMBus(nr) as smbus:
        yield smbus


@pytest.fixture
def fd(nr: int) -> Iterator[int]:
    fd = os.open(f"/dev/i2c-{nr}", os.O_RDWR)
    try:
        yield fd
    finally:
        os.close(fd)


# --- the adapter -----------------------------------------------------------------------------


def test_adapter_functionality(nr: int, fd: int) -> None:
    funcs = ctypes.c_ulong()
    fcntl.ioctl(fd, I2C_FUNCS, funcs)
    assert hex(funcs.value) == hex(EXPECTED_FUNCS)
    assert Path(f"/sys/class/i2c-dev/i2c-{nr}/name").read_text() == ADAPTER_NAME + "\n"


def test_initial_state_after_reload() -> None:
    """All state lives in the module: a reload starts from the documented contents."""
    ko = Path(os.environ.get("LINUXHW_KMOD_DIR", "/nonexistent"), f"{MODULE}.ko")
    assert ko.is_file(), f"{ko} missing (LINUXHW_KMOD_DIR is set by scripts/vmtest)"
    subprocess.run(["rmmod", MODULE], check=True)
    subprocess.run(["insmod", str(ko)], check=True)
    nr = find_adapter()
    fd = os.open(f"/dev/i2c-{nr}", os.O_RDWR)
    try:
        assert read_at(fd, EEPROM_2K, [0], 256) == b"\xff" * 256
        assert read_at(fd, EEPROM_32K, [0, 0], 4096) == b"\xff" * 4096
        regs = bytearray(256)  # one read from 0 runs through 0xa0..0xbf as plain registers
        regs[0x0F] = 0x6A
        assert read_at(fd, REGS, [0], 256) == regs
        regs[0x0F] = 0xA5
        assert read_at(fd, REGS_10BIT, [0], 256, I2C_M_TEN) == regs
        for addr, flags in ((REGS, 0), (REGS_10BIT, I2C_M_TEN)):
            assert read_at(fd, addr, [0xA0], 13, flags) == b"\x0blinuxhw-sim\xff"
            for cmd in range(0xA1, 0xC0):
                assert read_at(fd, addr, [cmd], 2, flags) == b"\x00\xff", hex(cmd)
    finally:
        os.close(fd)


# --- EEPROMs ---------------------------------------------------------------------------------


def test_24c02_page_write_wraps_within_the_page(fd: int) -> None:
    rdwr(fd, Msg.write(EEPROM_2K, [0x18, *range(0x10, 0x18)]))  # the whole page 0x18..0x1f
    rdwr(fd, Msg.write(EEPROM_2K, [0x1D, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5]))
    assert read_at(fd, EEPROM_2K, [0x18], 8) == bytes([0xA4, 0xA5, 0x12, 0x13, 0x14, 0xA1, 0xA2, 0xA3])
    # the neighbours are untouched
    rdwr(fd, Msg.write(EEPROM_2K, [0x20, 0x77]))
    assert read_at(fd, EEPROM_2K, [0x17], 1) != b"\xa5"
    assert read_at(fd, EEPROM_2K, [0x20], 1) == b"\x77"


def test_24c02_write_leaves_the_pointer_after_the_last_byte(fd: int, bus: smbus2.SMBus) -> None:
    rdwr(fd, Msg.write(EEPROM_2K, [0x38, *range(10, 18)]))
    rdwr(fd, Msg.write(EEPROM_2K, [0x3E, 1, 2, 3]))  # 0x3e, 0x3f, then wraps to 0x38
    assert bus.read_byte(EEPROM_2K) == 11  # current-address read at 0x39
    assert rdwr(fd, Msg.read(EEPROM_2K, 2))[0] == bytes([12, 13])


def test_24c02_sequential_read_wraps_at_the_end(fd: int, bus: smbus2.SMBus) -> None:
    rdwr(fd, Msg.write(EEPROM_2K, [0xFE, 0xE1, 0xE2]))
    rdwr(fd, Msg.write(EEPROM_2K, [0x00, 0xD1, 0xD2, 0xD3]))
    assert read_at(fd, EEPROM_2K, [0xFE], 4) == bytes([0xE1, 0xE2, 0xD1, 0xD2])
    assert bus.read_byte(EEPROM_2K) == 0xD3  # the pointer persists between transfers
    # an address-only write just sets the pointer
    rdwr(fd, Msg.write(EEPROM_2K, [0xFF]))
    assert rdwr(fd, Msg.read(EEPROM_2K, 2))[0] == bytes([0xE2, 0xD1])


def test_24c02_through_smbus_i2c_block(bus: smbus2.SMBus) -> None:
    bus.write_i2c_block_data(EEPROM_2K, 0x40, [9, 8, 7, 6])
    assert bus.read_i2c_block_data(EEPROM_2K, 0x40, 4) == [9, 8, 7, 6]
    bus.write_byte_data(EEPROM_2K, 0x47, 0x5A)
    assert bus.read_byte_data(EEPROM_2K, 0x47) == 0x5A


def test_24c32_page_write_wraps_within_32_bytes(fd: int) -> None:
    rdwr(fd, Msg.write(EEPROM_32K, [0x01, 0x20, *range(32)]))  # page 0x120..0x13f
    rdwr(fd, Msg.write(EEPROM_32K, [0x01, 0x3E, 0xC1, 0xC2, 0xC3, 0xC4]))
    page = read_at(fd, EEPROM_32K, [0x01, 0x20], 32)
    assert page == bytes([0xC3, 0xC4, *range(2, 30), 0xC1, 0xC2])
    # big-endian address, masked to 12 bits: 0xf1 0x20 is 0x120
    assert read_at(fd, EEPROM_32K, [0xF1, 0x20], 2) == bytes([0xC3, 0xC4])


def test_24c32_sequential_read_wraps_at_4096(fd: int) -> None:
    rdwr(fd, Msg.write(EEPROM_32K, [0x0F, 0xFE, 0xB1, 0xB2]))
    rdwr(fd, Msg.write(EEPROM_32K, [0x00, 0x00, 0xB3, 0xB4]))
    assert read_at(fd, EEPROM_32K, [0x0F, 0xFE], 4) == bytes([0xB1, 0xB2, 0xB3, 0xB4])
    assert rdwr(fd, Msg.read(EEPROM_32K, 1))[0] == read_at(fd, EEPROM_32K, [0x00, 0x02], 1)


def test_24c32_one_address_byte_changes_nothing(fd: int) -> None:
    rdwr(fd, Msg.write(EEPROM_32K, [0x02, 0x00, 0x11, 0x22, 0x33]))
    rdwr(fd, Msg.write(EEPROM_32K, [0x02, 0x00]))  # pointer 0x200
    rdwr(fd, Msg.write(EEPROM_32K, [0x07]))  # half an address: ignored
    assert rdwr(fd, Msg.read(EEPROM_32K, 3))[0] == bytes([0x11, 0x22, 0x33])


def test_nostart_continues_the_previous_message(fd: int) -> None:
    """I2C_M_NOSTART: the address bytes and the data go out as one segment."""
    rdwr(fd, Msg.write(EEPROM_32K, [0x03, 0x00]), Msg.write(EEPROM_32K, [0x44, 0x55], I2C_M_NOSTART))
    assert read_at(fd, EEPROM_32K, [0x03, 0x00], 2) == bytes([0x44, 0x55])
    rdwr(fd, Msg.write(EEPROM_32K, [0x03]), Msg.write(EEPROM_32K, [0x02, 0x66], I2C_M_NOSTART))
    assert read_at(fd, EEPROM_32K, [0x03, 0x00], 3) == bytes([0x44, 0x55, 0x66])


def test_mangling_flags_are_accepted(fd: int) -> None:
    rdwr(fd, Msg.write(EEPROM_2K, [0x60, 0x61, 0x62], I2C_M_REV_DIR_ADDR))
    got = rdwr(fd, Msg.write(EEPROM_2K, [0x60]), Msg.read(EEPROM_2K, 2, I2C_M_NO_RD_ACK | I2C_M_REV_DIR_ADDR))
    assert got == [bytes([0x61, 0x62])]


# --- the register device ---------------------------------------------------------------------


def test_who_am_i(bus: smbus2.SMBus) -> None:
    assert bus.read_byte_data(REGS, 0x0F) == 0x6A


def test_register_auto_increment_and_wrap(fd: int, bus: smbus2.SMBus) -> None:
    bus.write_i2c_block_data(REGS, 0x20, [1, 2, 3, 4])
    assert bus.read_i2c_block_data(REGS, 0x20, 4) == [1, 2, 3, 4]
    assert bus.read_byte(REGS) == 0  # pointer now at 0x24
    rdwr(fd, Msg.write(REGS, [0xFE, 0x71, 0x72, 0x73]))  # 0xfe, 0xff, 0x00
    assert read_at(fd, REGS, [0xFE], 3) == bytes([0x71, 0x72, 0x73])
    assert bus.read_byte(REGS) == 0  # register 0x01
    rdwr(fd, Msg.write(REGS, [0x00, 0x00]))


def test_word_data_is_little_endian(bus: smbus2.SMBus) -> None:
    bus.write_i2c_block_data(REGS, 0x40, [0x34, 0x12])
    assert bus.read_word_data(REGS, 0x40) == 0x1234
    bus.write_word_data(REGS, 0x42, 0xBEEF)
    assert bus.read_i2c_block_data(REGS, 0x42, 2) == [0xEF, 0xBE]
    # process call: writes registers 0x44, 0x45, then a new read segment reads on from 0x46
    bus.write_word_data(REGS, 0x46, 0xCAFE)
    assert bus.process_call(REGS, 0x44, 0x0102) == 0xCAFE
    assert bus.read_word_data(REGS, 0x44) == 0x0102


def test_smbus_block_read_identity(bus: smbus2.SMBus) -> None:
    assert bytes(bus.read_block_data(REGS, 0xA0)) == b"linuxhw-sim"
    assert bus.read_byte(REGS) == 11  # the pointer stays at 0xa0: a new read starts with the count


def test_block_write_then_read(bus: smbus2.SMBus) -> None:
    bus.write_block_data(REGS, 0xA1, [0x10, 0x20, 0x30])
    assert bus.read_block_data(REGS, 0xA1) == [0x10, 0x20, 0x30]
    full = list(range(100, 100 + I2C_SMBUS_BLOCK_MAX))
    bus.write_block_data(REGS, 0xA1, full)
    assert bus.read_block_data(REGS, 0xA1) == full
    assert bus.read_byte_data(REGS, 0x0F) == 0x6A  # registers untouched


def test_block_write_reversed(bus: smbus2.SMBus) -> None:
    bus.write_block_data(REGS, 0xB0, [1, 2, 3, 4, 5])
    assert bus.read_block_data(REGS, 0xB0) == [5, 4, 3, 2, 1]


def test_block_process_call(bus: smbus2.SMBus) -> None:
    assert bus.block_process_call(REGS, 0xB0, [7, 8, 9]) == [9, 8, 7]
    assert bus.block_process_call(REGS, 0xA2, [7, 8, 9]) == [7, 8, 9]


def test_block_write_count_rules(fd: int) -> None:
    rdwr(fd, Msg.write(REGS, [0xA3, 3, 1, 2, 3, 4, 5]))  # bytes beyond the count are dropped
    assert read_at(fd, REGS, [0xA3], 6) == bytes([3, 1, 2, 3, 0xFF, 0xFF])
    rdwr(fd, Msg.write(REGS, [0xA3, 5, 9, 8]))  # fewer than the count: what was sent
    assert read_at(fd, REGS, [0xA3], 3) == bytes([2, 9, 8])
    rdwr(fd, Msg.write(REGS, [0xB3, 5, 9, 8]))
    assert read_at(fd, REGS, [0xB3], 3) == bytes([2, 8, 9])
    rdwr(fd, Msg.write(REGS, [0xA3]))  # only selects 0xa3
    assert rdwr(fd, Msg.read(REGS, 3))[0] == bytes([2, 9, 8])


def test_recv_len_raw(fd: int) -> None:
    rdwr(fd, Msg.write(REGS, [0xA4, 4, 0xDE, 0xAD, 0xBE, 0xEF]))
    buf = rdwr(fd, Msg.write(REGS, [0xA4]), Msg.recv_len(REGS))[0]
    assert buf[:5] == bytes([4, 0xDE, 0xAD, 0xBE, 0xEF])
    # buf[0] = 2 (room for a PEC byte): the adapter reads count + 1 more bytes
    buf = rdwr(fd, Msg.write(REGS, [0xA4]), Msg.recv_len(REGS, extra=2))[0]
    assert buf[:6] == bytes([4, 0xDE, 0xAD, 0xBE, 0xEF, 0xFF])


def test_recv_len_count_zero_is_eproto(fd: int, bus: smbus2.SMBus) -> None:
    rdwr(fd, Msg.write(REGS, [0xA5, 0]))  # an empty block
    with raises_errno(errno.EPROTO):
        rdwr(fd, Msg.write(REGS, [0xA5]), Msg.recv_len(REGS))
    with raises_errno(errno.EPROTO):
        bus.read_block_data(REGS, 0xA5)


def test_recv_len_count_above_32_is_eproto(fd: int, bus: smbus2.SMBus) -> None:
    rdwr(fd, Msg.write(REGS, [0xA6, 33, *range(33)]))
    assert read_at(fd, REGS, [0xA6], 35) == bytes([33, *range(33), 0xFF])
    with raises_errno(errno.EPROTO):
        rdwr(fd, Msg.write(REGS, [0xA6]), Msg.recv_len(REGS))
    with raises_errno(errno.EPROTO):
        bus.read_block_data(REGS, 0xA6)


def test_pec_is_not_computed_by_the_devices(bus: smbus2.SMBus) -> None:
    """SMBus PEC is emulated by i2c-core, but the simulated chips know nothing of it."""
    bus.pec = 1
    bus.write_byte_data(REGS, 0x60, 0x11)  # i2c-core appends the PEC byte: it lands in register 0x61
    crc = 0
    for byte in (REGS << 1, 0x60, 0x11):
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    with raises_errno(errno.EBADMSG):  # the "PEC" read back is just register 0x61
        bus.read_byte_data(REGS, 0x60)
    bus.pec = 0
    assert bus.read_i2c_block_data(REGS, 0x60, 2) == [0x11, crc]


# --- 10-bit ----------------------------------------------------------------------------------


def test_ten_bit_device_via_i2c_tenbit(bus: smbus2.SMBus) -> None:
    assert bus.fd is not None
    with raises_errno(errno.EINVAL):  # a 7-bit client cannot address 0x2a5
        bus.read_byte_data(REGS_10BIT, 0x0F)
    fcntl.ioctl(bus.fd, I2C_TENBIT, 1)
    assert bus.read_byte_data(REGS_10BIT, 0x0F) == 0xA5
    bus.write_byte_data(REGS_10BIT, 0x30, 0x5C)
    assert bus.read_byte_data(REGS_10BIT, 0x30) == 0x5C
    assert bytes(bus.read_block_data(REGS_10BIT, 0xA0)) == b"linuxhw-sim"
    with raises_errno(errno.ENXIO):  # 0x1c answers only to 7-bit addressing
        bus.read_byte_data(REGS, 0x0F)
    fcntl.ioctl(bus.fd, I2C_TENBIT, 0)
    bus.write_byte_data(REGS, 0x30, 0x11)
    fcntl.ioctl(bus.fd, I2C_TENBIT, 1)
    assert bus.read_byte_data(REGS_10BIT, 0x30) == 0x5C  # its own memory


def test_ten_bit_device_via_i2c_m_ten(fd: int) -> None:
    assert read_at(fd, REGS_10BIT, [0x0F], 1, I2C_M_TEN) == b"\xa5"
    with raises_errno(errno.ENXIO):
        read_at(fd, REGS, [0x0F], 1, I2C_M_TEN)
    with raises_errno(errno.ENXIO):  # without I2C_M_TEN nothing is there
        read_at(fd, REGS_10BIT, [0x0F], 1)


# --- NAK, IGNORE_NAK, the dummy client --------------------------------------------------------


def test_nak_is_enxio(fd: int, bus: smbus2.SMBus) -> None:
    with raises_errno(errno.ENXIO):
        rdwr(fd, Msg.write(EMPTY, [0]))
    with raises_errno(errno.ENXIO):
        rdwr(fd, Msg.read(EMPTY, 1))
    with raises_errno(errno.ENXIO):
        bus.read_byte_data(EMPTY, 0)
    with raises_errno(errno.ENXIO):
        bus.write_quick(EMPTY)
    bus.write_quick(REGS)  # address only: an ACK


def test_nak_keeps_earlier_writes(fd: int) -> None:
    with raises_errno(errno.ENXIO):
        rdwr(fd, Msg.write(REGS, [0x70, 0x5E]), Msg.write(EMPTY, [0]), Msg.write(REGS, [0x71, 0x5F]))
    assert read_at(fd, REGS, [0x70], 2) == bytes([0x5E, 0])


def test_ignore_nak(fd: int) -> None:
    got = rdwr(
        fd,
        Msg.write(EMPTY, [1, 2, 3], I2C_M_IGNORE_NAK),
        Msg.read(EMPTY, 4, I2C_M_IGNORE_NAK),
        Msg.write(REGS, [0x72, 0x6E]),
    )
    assert got == [b"\xff" * 4]
    assert read_at(fd, REGS, [0x72], 1) == b"\x6e"


def test_dummy_client_makes_i2c_slave_busy(nr: int) -> None:
    driver = Path(f"/sys/bus/i2c/devices/{nr}-{DUMMY:04x}/driver")
    assert driver.resolve().name == "dummy"
    with smbus2.SMBus(nr) as bus, raises_errno(errno.EBUSY):
        bus.read_byte(DUMMY)
    with smbus2.SMBus(nr, force=True) as bus, raises_errno(errno.ENXIO):  # I2C_SLAVE_FORCE; nobody answers
        bus.read_byte(DUMMY)


def test_i2cdetect(nr: int) -> None:
    i2cdetect = shutil.which("i2cdetect")
    if i2cdetect is None:
        pytest.fail("i2cdetect is missing: apt-get install i2c-tools on the host (the guest shares its root)")
    out = subprocess.run([i2cdetect, "-y", str(nr)], check=True, capture_output=True, text=True).stdout
    cells = {}
    for line in out.splitlines()[1:]:
        row, _, rest = line.partition(":")
        for col, cell in enumerate(rest.split()):
            cells[int(row, 16) + col] = cell
    found = {addr: cell for addr, cell in cells.items() if re.fullmatch(r"[0-9a-f]{2}|UU", cell)}
    assert found == {0x1C: "1c", 0x34: "UU", 0x50: "50", 0x51: "51"}, out
