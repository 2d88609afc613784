"""An unmodified smbus2 driver from PyPI (RPi.bme280) reads the mock BME280 through linuxhw.compat.smbus2."""

from __future__ import annotations

import pytest

import linuxhw
from linuxhw import mock
from linuxhw.compat.smbus2 import SMBus
from linuxhw.mock.i2c_parts import Bme280

bme280 = pytest.importorskip("bme280")


def test_rpi_bme280_reads_the_datasheet_example() -> None:
    board = mock.Board()
    sensor = Bme280()
    board.add_i2c_bus("sensors").attach(0x76, sensor)
    with linuxhw.use_backend(board), SMBus("sensors") as bus:
        calibration = bme280.load_calibration_params(bus, 0x76)
        reading = bme280.sample(bus, 0x76, calibration)
    assert (calibration.dig_T1, calibration.dig_P9) == (27504, 6000)
    assert reading.temperature == pytest.approx(25.08, abs=0.005)  # Bosch's worked example
    assert reading.pressure == pytest.approx(1006.5327, abs=0.0005)  # hPa
    assert reading.humidity == pytest.approx(24.7007, abs=0.0005)  # the datasheet's formula, raw 0x6000
    assert sensor.measurements == 1  # one forced-mode measurement
    assert board.open_files() == 0
