"""The SMBus calls the two SMBus faces share (linuxhw.compat.smbus, .smbus2: the same method names and
argument order), made against the simulator bus's register model at 0x1C (tests/i2c/conftest.py) with the
results it gives; each face's test adds what is its own (return types, default lengths, attributes)."""

from __future__ import annotations

from typing import Union

from linuxhw.compat import smbus, smbus2

SMBus = Union[smbus.SMBus, smbus2.SMBus]


def check_common_calls(bus: SMBus, who_am_i: int = 0x0F) -> None:
    """Every transaction both faces have, once, on the register model (``who_am_i``: its register 0x0F,
    as the caller names it)."""
    bus.write_quick(0x1C)
    assert bus.read_byte_data(0x1C, who_am_i) == 0x6A
    bus.write_byte_data(0x1C, 0x10, 0x42)
    bus.write_byte(0x1C, 0x10)
    assert bus.read_byte(0x1C) == 0x42
    bus.write_word_data(0x1C, 0x20, 0xBEEF)
    assert bus.read_word_data(0x1C, 0x20) == 0xBEEF
    assert bus.read_byte_data(0x1C, 0x20) == 0xEF  # little-endian on the wire
    bus.write_i2c_block_data(0x1C, 0x30, [1, 2, 3, 4])
    block = bus.read_i2c_block_data(0x1C, 0x30, 4)
    assert block == [1, 2, 3, 4] and isinstance(block, list)
    assert bus.read_block_data(0x1C, 0xA0) == list(b"linuxhw-sim")
    bus.write_block_data(0x1C, 0xA1, [9, 8, 7])
    assert bus.read_block_data(0x1C, 0xA1) == [9, 8, 7]
    assert bus.block_process_call(0x1C, 0xB0, [1, 2, 3]) == [3, 2, 1]
    assert isinstance(bus.process_call(0x1C, 0x40, 0x1234), int)  # py-smbus returns None: the reply is lost
