"""RegisterDevice (I2C) and SpiRegisterDevice (SPI): register width, byte order, auto-increment as the
chip does it, block commands only where named, and the hooks chip models build on."""

from __future__ import annotations

import pytest

from linuxhw import i2c, mock, spi


def _bus(*models: tuple[int, mock.I2cTarget]) -> i2c.Bus:
    board = mock.Board()
    parts = board.add_i2c_bus("parts")
    for address, model in models:
        parts.attach(address, model)
    return i2c.Bus("parts", backend=board)


def test_no_block_commands_unless_named() -> None:
    """0xA0-0xBF are registers like any other: the old model answered a block there."""
    chip = mock.RegisterDevice()
    bus = _bus((0x1C, chip))
    with bus:
        device = bus.device(0x1C)
        device.write_register(0xA8, b"\x11\x22\x33")
        assert device.read_register(0xA8, 3) == b"\x11\x22\x33" and chip.registers[0xA9] == 0x22
    blocks = mock.RegisterDevice(block_commands=[0xA0], blocks={0xA0: b"id"})
    bus = _bus((0x1C, blocks))
    with bus:
        assert bus.device(0x1C).read_block_data(0xA0) == b"id"


def test_st_style_auto_increment_bit() -> None:
    """register | 0x80 asks for auto-increment (LIS3DH, LSM303 on I2C); without it the pointer stays."""
    chip = mock.RegisterDevice(128, auto_increment=0x80, defaults={0x28: 1, 0x29: 2, 0x2A: 3})
    bus = _bus((0x19, chip))
    with bus:
        device = bus.device(0x19)
        assert device.read_register(0x28 | 0x80, 3) == b"\x01\x02\x03"
        assert device.read_register(0x28, 3) == b"\x01\x01\x01"
        device.write_register(0x20 | 0x80, b"\x47\x08")
        assert chip.registers[0x20:0x22] == [0x47, 0x08]
        device.write_register(0x23, b"\x10\x20")  # no increment: the second value lands on 0x23 too
        assert chip.registers[0x23:0x25] == [0x20, 0x00]


def test_16_bit_registers() -> None:
    chip = mock.RegisterDevice(8, width=2, auto_increment=False, defaults={1: 0x8583, 3: 0x7FFF})
    little = mock.RegisterDevice(4, width=2, byte_order="little", defaults={2: 0x1234})
    bus = _bus((0x48, chip), (0x49, little))
    with bus:
        device = bus.device(0x48)
        assert device.read_register(1, 4) == b"\x85\x83\x85\x83"  # the pointer stays: the register again
        assert device.read_register(1, 1) == b"\x85"  # half a register read ...
        assert device.read(2) == b"\x85\x83"  # ... leaves the pointer on it: a new read starts over
        device.write_register(2, b"\xab\xcd")
        device.write_register(3, b"\x01")  # half a value: not written
        assert chip.registers[2:4] == [0xABCD, 0x7FFF]
        assert bus.device(0x49).read_word_data(2) == 0x1234  # SMBus words are little-endian, like this chip
        assert bus.device(0x49).read_register(2, 4) == b"\x34\x12\x00\x00"  # auto-increment to register 3


def test_paired_writes_and_two_byte_pointers() -> None:
    pairs = mock.RegisterDevice(paired_writes=True)
    wide = mock.RegisterDevice(0x1000, pointer_bytes=2, defaults={0x010F: 0xEA})
    bus = _bus((0x76, pairs), (0x29, wide))
    with bus:
        bus.device(0x76).write(bytes([0xF2, 0x01, 0xF4, 0x25]))
        assert (pairs.registers[0xF2], pairs.registers[0xF3], pairs.registers[0xF4]) == (0x01, 0, 0x25)
        assert bus.device(0x29).read_register(0x010F, 1, register_width=2) == b"\xea"


class ClearOnRead(mock.RegisterDevice):
    """A status register (0) that clears when read, and a read-only ID (1)."""

    def read_register(self, address: int) -> int:
        value = self.registers[address]
        if address == 0:
            self.registers[0] = 0
        return value

    def write_register(self, address: int, value: int) -> None:
        if address != 1:
            super().write_register(address, value)


def test_hooks() -> None:
    chip = ClearOnRead(4, defaults={0: 0x80, 1: 0x33})
    bus = _bus((0x20, chip))
    with bus:
        device = bus.device(0x20)
        assert [device.read_byte_data(0), device.read_byte_data(0)] == [0x80, 0]
        device.write_byte_data(1, 0)
        assert device.read_byte_data(1) == 0x33


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": 3}, "width must be 1 or 2"),
        ({"auto_increment": 0x81}, "auto_increment must be True, False or one bit"),
        ({"defaults": {300: 1}}, r"register address must be 0..0xff"),
        ({"width": 2, "defaults": {1: 0x10000}}, "holds 2 byte"),
        ({"pointer_bytes": 3}, "pointer_bytes must be 1 or 2"),
        ({"block_commands": [0xA0], "reversing_block_commands": [0xB0]}, "reversing_block_commands"),
        ({"blocks": {0xA0: b"x"}}, "not one of the block commands"),
        ({"byte_order": "middle"}, "byte_order"),
    ],
)
def test_bad_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mock.RegisterDevice(**kwargs)  # type: ignore[arg-type]


def test_spi_register_framing() -> None:
    """Control byte with the R/W bit, an MB-style auto-increment bit, read-when-clear parts, pairs."""
    board = mock.Board()
    controller = board.add_spi_bus()
    mb = controller.add_device(0, mock.SpiRegisterDevice(64, auto_increment=0x40, defaults={0x32: 7, 0x33: 8})).model
    max31865 = controller.add_device(1, mock.SpiRegisterDevice(8, read_when_set=False, defaults={7: 0xFF})).model
    with spi.Device((0, 0), backend=board) as adxl, spi.Device((0, 1), backend=board) as rtd:
        assert adxl.transfer(bytes([0x80 | 0x40 | 0x32, 0, 0]))[1:] == b"\x07\x08"
        assert adxl.transfer(bytes([0x80 | 0x32, 0, 0]))[1:] == b"\x07\x07"
        adxl.write(bytes([0x40 | 0x2D, 0x08, 0x01]))
        assert mb.registers[0x2D:0x2F] == [0x08, 0x01]
        rtd.write(bytes([0x80, 0xC2]))  # bit 7 set: a write of the configuration register
        assert rtd.transfer(bytes([0x00, 0]))[1] == 0xC2 and rtd.transfer(bytes([0x07, 0]))[1] == 0xFF
        assert max31865.registers[0] == 0xC2
    with pytest.raises(ValueError, match="read_bit"):
        mock.SpiRegisterDevice(auto_increment=0x80)
