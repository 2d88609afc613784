"""envsense's tests: each runs on linuxhw's mock board and, under `linuxhw vm`, on the kernel's simulators."""

import pytest
from envsense import InterruptReader, Sensor, SensorError
from envsense.sensor import CHIP_ID, CTRL, TEMP, WHO_AM_I

pytestmark = pytest.mark.linuxhw_backends("mock", "kernel")
ADDRESS = 0x48
DEADLINE = 30.0  # seconds an expected interrupt may take (the kernel runs emulated in CI)


@pytest.fixture
def registers(linuxhw_hardware):
    """An I2C bus with a register chip at ADDRESS that identifies as the sensor."""
    regs = linuxhw_hardware.add_i2c_registers([ADDRESS])
    regs.set(ADDRESS, WHO_AM_I, CHIP_ID)
    return regs


def test_reads_signed_hundredths_of_a_degree(registers):
    registers.set(ADDRESS, TEMP, (-1234).to_bytes(2, "little", signed=True))
    with Sensor(registers.path, ADDRESS) as sensor:
        assert sensor.temperature() == -12.34


def test_start_enables_conversion_and_the_interrupt(registers):
    with Sensor(registers.number, ADDRESS) as sensor:
        sensor.start()
        assert registers.get(ADDRESS, CTRL) == 0x03
        sensor.stop()
        assert registers.get(ADDRESS, CTRL) == 0x00


def test_another_chip_is_refused(registers):
    registers.set(ADDRESS, WHO_AM_I, 0x55)
    with pytest.raises(SensorError, match="WHO_AM_I is 0x55, not 0xa1"):
        Sensor(registers.path, ADDRESS)


def test_each_interrupt_gives_the_new_reading(linuxhw_hardware, registers):
    chip = linuxhw_hardware.add_gpio_chip(4, names={2: "SENSOR_DRDY"})
    with Sensor(registers.path, ADDRESS) as sensor, InterruptReader(sensor, chip.label, "SENSOR_DRDY") as reader:
        sensor.start()
        for centi in (2150, 2175):
            registers.set(ADDRESS, TEMP, centi.to_bytes(2, "little", signed=True))
            chip.set_pull("SENSOR_DRDY", 1)  # the sensor raises DRDY: a rising edge
            assert reader.read(timeout=DEADLINE) == centi / 100
            chip.set_pull("SENSOR_DRDY", 0)


def test_no_interrupt_no_reading(linuxhw_hardware, registers):
    chip = linuxhw_hardware.add_gpio_chip(4, names={2: "SENSOR_DRDY"})
    with Sensor(registers.path, ADDRESS) as sensor, InterruptReader(sensor, chip.label, 2) as reader:
        assert reader.read(timeout=0) is None
