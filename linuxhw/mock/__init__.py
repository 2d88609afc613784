"""A simulated board for tests and demos: the same ioctls and fds as the kernel, no hardware.

>>> from linuxhw import gpio, mock, use_backend
>>> board = mock.Board()
>>> leds = board.add_gpio_chip(8, label="leds", names=["LED0", "LED1"])
>>> with use_backend(board), gpio.Chip("leds") as chip:
...     with chip.request_lines({"LED1": gpio.LineSettings(direction=gpio.Direction.OUTPUT)}) as req:
...         req.set_value("LED1", 1)
...         leds.get_value(1)
1
"""

from linuxhw.mock.ads1x15 import Ads1015, Ads1115
from linuxhw.mock.board import Board, MockDevice
from linuxhw.mock.command_models import CommandDevice, Response, Sht4x, sensirion_crc8
from linuxhw.mock.demo import demo_board
from linuxhw.mock.gpio import MockGpioChip
from linuxhw.mock.hcsr04 import Hcsr04
from linuxhw.mock.i2c import MockI2cBus, MockI2cStub, attach_reference_models
from linuxhw.mock.i2c_models import Eeprom, I2cTarget, RegisterDevice
from linuxhw.mock.i2c_parts import Bme280, Bme280Spi, Ssd1306
from linuxhw.mock.iio import MockIioChannel, MockIioDevice
from linuxhw.mock.mcp9808 import Mcp9808
from linuxhw.mock.mcp23017 import Mcp23017
from linuxhw.mock.peripherals import GpioPeripheral, PeripheralPins, Scheduled, Timeline
from linuxhw.mock.registers import RegisterFile
from linuxhw.mock.spi import MockSpiBus, MockSpiDevice, SpiRecord
from linuxhw.mock.spi_models import AdcMcp3008, Loopback, SerialFlash, SpiRegisterDevice, SpiTarget

__all__ = [
    "AdcMcp3008",
    "Ads1015",
    "Ads1115",
    "Bme280",
    "Bme280Spi",
    "Board",
    "CommandDevice",
    "Eeprom",
    "GpioPeripheral",
    "Hcsr04",
    "I2cTarget",
    "Loopback",
    "Mcp9808",
    "Mcp23017",
    "MockDevice",
    "MockGpioChip",
    "MockI2cBus",
    "MockI2cStub",
    "MockIioChannel",
    "MockIioDevice",
    "MockSpiBus",
    "MockSpiDevice",
    "PeripheralPins",
    "RegisterDevice",
    "RegisterFile",
    "Response",
    "Scheduled",
    "SerialFlash",
    "Sht4x",
    "SpiRecord",
    "SpiRegisterDevice",
    "SpiTarget",
    "Ssd1306",
    "Timeline",
    "attach_reference_models",
    "demo_board",
    "sensirion_crc8",
]
