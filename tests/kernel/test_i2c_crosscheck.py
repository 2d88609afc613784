"""linuxhw and smbus2 on the same kernel devices give the same bytes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import smbus2

from linuxhw import i2c
from linuxhw._kernel.real import RealBackend
from tests.i2c.conftest import SIM_NAME, STUB_NAME

pytestmark = pytest.mark.kernel


@pytest.fixture(params=[SIM_NAME, STUB_NAME])
def both(request: pytest.FixtureRequest) -> Iterator[tuple[i2c.Bus, smbus2.SMBus]]:
    with i2c.Bus(request.param, backend=RealBackend()) as ours, smbus2.SMBus(ours.number) as theirs:
        yield ours, theirs


def test_same_bytes_as_smbus2(both: tuple[i2c.Bus, smbus2.SMBus]) -> None:
    ours, theirs = both
    chip = ours.device(0x1C)
    chip.write_byte_data(0x21, 0x5A)
    theirs.write_byte_data(0x1C, 0x22, 0xA5)
    assert theirs.read_byte_data(0x1C, 0x21) == chip.read_byte_data(0x21) == 0x5A
    assert chip.read_byte_data(0x22) == 0xA5
    theirs.write_word_data(0x1C, 0x24, 0x1234)
    assert chip.read_word_data(0x24) == theirs.read_word_data(0x1C, 0x24)
    chip.write_i2c_block_data(0x30, bytes(range(16)))
    assert bytes(theirs.read_i2c_block_data(0x1C, 0x30, 16)) == chip.read_i2c_block_data(0x30, 16) == bytes(range(16))


def test_same_combined_transfer_as_smbus2(both: tuple[i2c.Bus, smbus2.SMBus]) -> None:
    ours, theirs = both
    if i2c.Functionality.I2C not in ours.functionality:
        pytest.skip("i2c-stub has no I2C_RDWR: nothing to compare")
    write, read = smbus2.i2c_msg.write(0x50, [0x00]), smbus2.i2c_msg.read(0x50, 32)
    theirs.i2c_rdwr(write, read)
    assert ours.write_then_read(0x50, b"\x00", 32) == bytes(read)
