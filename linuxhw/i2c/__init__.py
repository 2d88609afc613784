"""I2C and SMBus through i2c-dev: combined transfers, every SMBus call, scanning, asyncio.

>>> from linuxhw import i2c
>>> with i2c.Bus(1) as bus:                                          # doctest: +SKIP
...     sensor = bus.device(0x1c)
...     sensor.read_byte_data(0x0F)
"""

from linuxhw.i2c.bus import Bus, BusInfo, ScanResult, buses
from linuxhw.i2c.device import Device
from linuxhw.i2c.functionality import Functionality
from linuxhw.i2c.message import Message

__all__ = ["Bus", "BusInfo", "Device", "Functionality", "Message", "ScanResult", "buses"]
