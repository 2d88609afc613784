"""Boards for Adafruit's published examples (tests/compat/test_run_adafruit_examples.py): a mock Raspberry
Pi 4 with one part on /dev/i2c-1 (``board.I2C()``'s bus there) at the address the example's driver
defaults to, named to ``linuxhw run`` as ``--backend tests.compat.adafruit_parts:<factory>``."""

from __future__ import annotations

from linuxhw import mock

__all__ = ["ADS1X15_VOLTS", "ads1015", "ads1115", "bme280", "mcp9808", "sht4x"]

ADS1X15_VOLTS = 1.5  # on AIN0 of either ADC: 12000 at the drivers' default ±4.096 V


def _pi_with(address: int, part: mock.I2cTarget) -> mock.Board:
    board = mock.Board.raspberry_pi("4b")
    board.device("/dev/i2c-1").attach(address, part)
    return board


def bme280() -> mock.Board:
    """Bosch's worked example (25.08 °C, 1006.53 hPa) at 0x77, Adafruit's default address."""
    return _pi_with(0x77, mock.Bme280())


def mcp9808() -> mock.Board:
    return _pi_with(0x18, mock.Mcp9808(temperature=23.53))


def sht4x() -> mock.Board:
    return _pi_with(0x44, mock.Sht4x(temperature=21.5, humidity=43.2, serial_number=0x1234_ABCD))


def _ads(adc: mock.Ads1115 | mock.Ads1015) -> mock.Board:
    adc.set_voltage(0, ADS1X15_VOLTS)
    adc.set_voltage(1, 0.25)  # the example reads AIN0 single-ended: not this
    return _pi_with(0x48, adc)


def ads1115() -> mock.Board:
    return _ads(mock.Ads1115())


def ads1015() -> mock.Board:
    return _ads(mock.Ads1015())
