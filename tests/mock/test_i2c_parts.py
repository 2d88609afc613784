"""The BME280 and SSD1306 models answer their datasheets' I2C protocol."""

from __future__ import annotations

import pytest

from linuxhw import i2c, mock


def test_bme280_registers() -> None:
    board = mock.Board()
    sensors = board.add_i2c_bus("parts")
    sensors.attach(0x76, mock.Bme280())
    sensors.attach(0x77, mock.Bme280("bmp280"))
    with i2c.Bus("parts", backend=board) as bus:
        bme, bmp = bus.device(0x76), bus.device(0x77)
        assert (bme.read_byte_data(0xD0), bmp.read_byte_data(0xD0)) == (0x60, 0x58)
        assert bme.read_register(0xF7, 3) == b"\x80\x00\x00"  # before any measurement
        bme.write(bytes([0xF2, 0x01, 0xF4, 0b001_001_01]))  # pairs: ctrl_hum, then ctrl_meas (forced)
        assert bme.read_byte_data(0xF4) & 0x3 == 0  # back to sleep
        raw = bme.read_register(0xF7, 8)
        assert int.from_bytes(raw[3:6], "big") >> 4 == 519888 and raw[6:8] == b"\x60\x00"
        bmp.write(bytes([0xF4, 0b001_000_01]))  # pressure skipped
        assert bmp.read_register(0xF7, 3) == b"\x80\x00\x00" and bmp.read_register(0xFD, 2) == b"\x00\x00"
        bme.write_byte_data(0xE0, 0xB6)  # soft reset
        assert bme.read_register(0xF2, 3) == bytes(3)
    with pytest.raises(ValueError, match="kind"):
        mock.Bme280("bme680")


def test_ssd1306_frame_buffer() -> None:
    display = mock.Ssd1306(128, 32)
    board = mock.Board()
    board.add_i2c_bus("oled").attach(0x3C, display)
    with i2c.Bus("oled", backend=board) as oled:
        device = oled.device(0x3C)
        device.write(bytes([0x00, 0xAF, 0x20, 0x00, 0x21, 0, 127, 0x22, 0, 3]))  # on, horizontal, whole screen
        device.write(bytes([0x40]) + b"\x01" * 128 + b"\x80")  # row 0 lit; then page 1, column 0: row 15
        assert display.display_on and display.commands[1] == b"\x20\x00"
        assert display.rows()[0] == "#" * 128 and display.pixel(0, 15) == 1 and display.pixel(1, 15) == 0
        device.write(bytes([0x80, 0xA7, 0x80, 0x81, 0x80, 0x10]))  # single commands, Co set
        assert display.inverted and display.contrast == 0x10
        assert device.read_byte() == 0x00  # status: display on
    with pytest.raises(ValueError, match="128x64"):
        mock.Ssd1306(256, 64)
