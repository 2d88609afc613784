"""Unmodified CircuitPython drivers from PyPI run on linuxhw.compat.circuitpython against mock parts."""

from __future__ import annotations

import pytest

from linuxhw import mock
from linuxhw.compat import circuitpython

adafruit_bme280 = pytest.importorskip("adafruit_bme280.basic")
adafruit_ssd1306 = pytest.importorskip("adafruit_ssd1306")
spi_device = pytest.importorskip("adafruit_bus_device.spi_device")
digitalio = pytest.importorskip("digitalio")  # Blinka's: the drivers import it


def test_adafruit_bme280_reads_the_datasheet_example(demo: mock.Board) -> None:
    sensor = mock.Bme280()
    demo.add_i2c_bus("sensors").attach(0x77, sensor)
    with circuitpython.I2C("sensors") as bus:
        bme280 = adafruit_bme280.Adafruit_BME280_I2C(bus)
        assert bme280.temperature == pytest.approx(25.08, abs=0.005)  # Bosch's worked example
        assert bme280.pressure == pytest.approx(1006.53, abs=0.005)  # hPa
        assert bme280.relative_humidity == pytest.approx(24.70, abs=0.005)
        assert bus.scan() == [0x77]


def test_adafruit_bme280_over_spi(demo: mock.Board) -> None:
    """The same driver's SPI class on mock.Bme280Spi: control bytes with the R/W bit, pairs written."""
    sensor = mock.Bme280Spi()
    demo.add_spi_bus().add_device(0, sensor)
    with circuitpython.SPI((2, 0)) as bus, circuitpython.DigitalInOut("GPIO5") as cs:
        bme280 = adafruit_bme280.Adafruit_BME280_SPI(bus, cs)
        bme280.sea_level_pressure = 1013.25
        assert bme280.temperature == pytest.approx(25.08, abs=0.005)
        assert bme280.pressure == pytest.approx(1006.53, abs=0.005)
        assert bme280.relative_humidity == pytest.approx(24.70, abs=0.005)
        bme280.mode = adafruit_bme280.MODE_FORCE
        assert sensor.registers[0xF4] & 0x3 == 0 and bme280.temperature == pytest.approx(25.08, abs=0.005)
    assert sensor.measurements >= 2


def test_adafruit_ssd1306_draws_into_the_frame_buffer(demo: mock.Board) -> None:
    oled = mock.Ssd1306(128, 32)
    demo.device("/dev/i2c-1").attach(0x3C, oled)  # on the demo board's bus 1, where displays answer
    with circuitpython.I2C(1) as bus:
        display = adafruit_ssd1306.SSD1306_I2C(128, 32, bus)
        display.fill(0)
        display.fill_rect(0, 0, 10, 4, 1)
        display.pixel(127, 31, 1)
        display.show()
    assert oled.display_on
    assert oled.rows()[0] == "#" * 10 + "." * 118 and oled.rows()[4] == "." * 128
    assert oled.pixel(127, 31) == 1


def test_i2c_lock_and_windows(demo: mock.Board) -> None:
    with circuitpython.I2C(1) as bus:
        assert bus.try_lock() and not bus.try_lock()
        bus.writeto(0x50, bytearray(b"..\x00hello"), start=2)  # EEPROM word address 0, then data
        reply = bytearray(8)
        bus.writeto_then_readfrom(0x50, b"\x00", reply, in_start=1, in_end=6)
        assert reply == b"\x00hello\x00\x00"
        bus.readfrom_into(0x50, reply, end=2)
        assert reply[:2] == b"\xff\xff"  # past what was written
        bus.unlock()
        with pytest.raises(OSError, match="no device acknowledged"):
            bus.writeto(0x3D, b"")  # the probe adafruit_bus_device makes


def test_spi_device_keeps_chip_select_across_calls(demo: mock.Board) -> None:
    """A write and a readinto in one SPIDevice block are one chip-select period (JEDEC ID of the flash)."""
    with circuitpython.SPI((0, 1)) as bus:
        flash = spi_device.SPIDevice(bus, None, baudrate=1_000_000, polarity=1, phase=1)
        reply = bytearray(3)
        with flash as locked:
            locked.write(bytes([0x9F]))
            locked.readinto(reply)
        assert reply.hex() == "ef4011" and bus.device.mode.clock_mode == 3 and bus.frequency == 1_000_000
        both = bytearray(4)
        with flash as locked:
            locked.write_readinto(b"\x9f\x00\x00\x00", both)
        assert both.hex() == "ffef4011"
        with pytest.raises(ValueError, match="same length"), flash as locked:
            locked.write_readinto(b"\x9f", reply)


def test_digital_in_out_takes_blinkas_constants(demo: mock.Board) -> None:
    soc = demo.devices("gpio")[0]
    assert isinstance(soc, mock.MockGpioChip)
    with circuitpython.DigitalInOut("GPIO8") as pin:
        pin.direction = digitalio.Direction.OUTPUT
        pin.value = True
        assert soc.get_value(8) == 1 and pin.value and repr(pin.direction) == "Direction.OUTPUT"
        assert pin.drive_mode is circuitpython.DriveMode.PUSH_PULL
        with pytest.raises(AttributeError, match="Not an input"):
            _ = pin.pull
        pin.switch_to_input(pull=digitalio.Pull.DOWN)
        assert pin.pull is circuitpython.Pull.DOWN and not pin.value
        soc.set_pull(8, 1)
        assert pin.value
        with pytest.raises(AttributeError, match="Not an output"):
            pin.value = False
