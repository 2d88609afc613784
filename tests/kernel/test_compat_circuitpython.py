"""linuxhw.compat.circuitpython on the kernel: the project's I2C and SPI simulator modules."""

from __future__ import annotations

import errno
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw._kernel.real import RealBackend
from linuxhw.compat import circuitpython
from tests.i2c.conftest import SIM_NAME
from tests.spi.conftest import _sim_node

pytestmark = pytest.mark.kernel
i2c_device = pytest.importorskip("adafruit_bus_device.i2c_device")
spi_device = pytest.importorskip("adafruit_bus_device.spi_device")


@pytest.fixture
def real() -> Iterator[None]:
    with linuxhw.use_backend(RealBackend()):
        yield


def test_i2c_device_on_the_simulator(real: None) -> None:
    with circuitpython.I2C(SIM_NAME) as bus:
        sensor = i2c_device.I2CDevice(bus, 0x1C)  # probes with an empty write, as on a board
        who_am_i = bytearray(1)
        with sensor as device:
            device.write_then_readinto(bytes([0x0F]), who_am_i)
        assert who_am_i == b"\x6a"
        with pytest.raises(ValueError, match="No I2C device at address: 0x3d"):
            i2c_device.I2CDevice(bus, 0x3D)
        assert bus.try_lock()
        with pytest.raises(OSError, match="no device acknowledged") as absent:
            bus.readfrom_into(0x3D, bytearray(1))
        bus.unlock()
        assert absent.value.errno == errno.ENXIO


def test_spi_device_keeps_chip_select_on_the_kernel(real: None) -> None:
    """write() then readinto() in one SPIDevice block read the flash's JEDEC ID: the kernel kept chip
    select asserted between the two ioctls (cs_change on the last transfer)."""
    with circuitpython.SPI(_sim_node(1)) as bus:
        flash = spi_device.SPIDevice(bus, None, baudrate=1_000_000)
        reply = bytearray(3)
        with flash as device:
            device.write(b"\x9f")
            device.readinto(reply)
        assert reply.hex() == "ef4011"
        with flash as device:  # released in between: a new command
            device.write(b"\x9f")
            device.readinto(reply)
        assert reply.hex() == "ef4011"
