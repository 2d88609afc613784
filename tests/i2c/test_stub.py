"""Conformance: i2c-stub's SMBus semantics, on the kernel module and on the mock's copy of it."""

from __future__ import annotations

import pytest

from linuxhw import NoAckError, UnsupportedError, i2c
from linuxhw.sim import I2cStubBank
from tests.i2c.conftest import I2cWorld


def test_words_and_bytes_share_registers(stub_bus: i2c.Bus) -> None:
    chip = stub_bus.device(0x1C)
    chip.write_word_data(0x10, 0xBEEF)
    assert chip.read_word_data(0x10) == 0xBEEF
    assert chip.read_byte_data(0x10) == 0xEF  # byte operations use the low byte
    chip.write_byte_data(0x10, 0x01)
    assert chip.read_word_data(0x10) == 0xBE01


def test_receive_byte_auto_increments(stub_bus: i2c.Bus) -> None:
    chip = stub_bus.device(0x50)
    for register, value in ((0x20, 0xA1), (0x21, 0xA2), (0x22, 0xA3)):
        chip.write_byte_data(register, value)
    chip.write_byte(0x20)
    assert [chip.read_byte() for _ in range(3)] == [0xA1, 0xA2, 0xA3]


def test_i2c_block_and_honest_splitting(stub_bus: i2c.Bus) -> None:
    chip = stub_bus.device(0x1C)
    payload = bytes(range(100, 170))
    chip.write_i2c_block_data(0x80, payload)  # 70 bytes: three SMBus transactions on i2c-stub
    assert chip.read_i2c_block_data(0x80, 70) == payload
    assert chip.read_register(0x80, 4) == payload[:4]  # registers via I2C block reads here
    with pytest.raises(ValueError, match="run past 0xff"):
        chip.write_i2c_block_data(0xF0, bytes(40))


def test_absent_chip_is_no_ack(stub_bus: i2c.Bus) -> None:
    with pytest.raises(NoAckError) as info:
        stub_bus.device(0x33).read_byte_data(0)
    assert info.value.address == 0x33


def test_block_transfers_need_the_functionality(stub_bus: i2c.Bus) -> None:
    with pytest.raises(UnsupportedError, match="lacks SMBUS_READ_BLOCK_DATA"):
        stub_bus.device(0x1C).read_block_data(0x30)


def test_smbus_block_on_the_stub(world: I2cWorld) -> None:
    with world.stub(block_support=True) as bus:
        chip = bus.device(0x1C)
        with pytest.raises(UnsupportedError):
            chip.read_block_data(0x40)  # i2c-stub: no block read before a block write
        chip.write_block_data(0x40, b"12345")
        chip.write_block_data(0x40, b"ab")
        assert chip.read_block_data(0x40) == b"ab345"  # the largest write so far sets the length
        assert chip.read_word_data(0x40) == (ord("a") << 8) | 5


def test_scan_finds_the_stub_chips(stub_bus: i2c.Bus) -> None:
    assert stub_bus.scan().present == (0x1C, 0x50)


def test_banked_registers(world: I2cWorld) -> None:
    """Register 0x4e's bits 0-1 select which copy of registers 0x50-0x5f the chip at 0x1c shows."""
    with world.stub(banks=(I2cStubBank(reg=0x4E, mask=0x03, start=0x50, end=0x5F),)) as bus:
        chip = bus.device(0x1C)
        chip.write_byte_data(0x55, 0x00)
        for bank in (1, 2, 3):
            chip.write_byte_data(0x4E, bank)
            chip.write_byte_data(0x55, 0x10 * bank)
            chip.write_word_data(0x5A, 0x1000 * bank)
        readings = []
        for bank in (0, 1, 2, 3):
            chip.write_byte_data(0x4E, bank)
            readings.append((chip.read_byte_data(0x55), chip.read_word_data(0x5A)))
        assert readings == [(0x00, 0), (0x10, 0x1000), (0x20, 0x2000), (0x30, 0x3000)]
        chip.write_byte_data(0x4E, 2)
        assert chip.read_byte_data(0x40) == 0  # outside the banked range: the common registers
        other = bus.device(0x50)  # the second chip has no banks
        other.write_byte_data(0x4E, 1)
        other.write_byte_data(0x55, 0x77)
        other.write_byte_data(0x4E, 0)
        assert other.read_byte_data(0x55) == 0x77
