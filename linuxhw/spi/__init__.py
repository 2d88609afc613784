"""SPI through spidev: typed transfers tied to their buffers, one-ioctl messages, FIFO async.

>>> from linuxhw import spi
>>> with spi.Device((0, 0), mode=spi.Mode.MODE_0, max_speed_hz=1_000_000) as dev:   # doctest: +SKIP
...     dev.transfer(b"\\x9f\\x00\\x00\\x00")
"""

from linuxhw.spi.device import Device
from linuxhw.spi.discovery import DeviceInfo, devices
from linuxhw.spi.mode import Mode
from linuxhw.spi.transfer import Message, Transfer

__all__ = ["Device", "DeviceInfo", "Message", "Mode", "Transfer", "devices"]
