"""Drive Linux GPIO, I2C, SPI and DMA-BUF character devices, and sysfs PWM, from Python.

Struct layouts and ioctl numbers come from the kernel headers via cffi; a mock
board (``linuxhw.mock``) answers the same calls where there is no hardware.
Pick the backend with ``LINUXHW_BACKEND=real|mock|package.module:factory``,
:func:`set_backend` or :func:`use_backend`.
"""

from linuxhw._kernel import Backend, get_backend, set_backend, use_backend
from linuxhw.errors import (
    ClosedError,
    DeviceBusyError,
    DeviceError,
    DeviceNotFoundError,
    DevicePermissionError,
    DeviceRemovedError,
    EventsLostError,
    EventsLostWarning,
    NoAckError,
    SettingChangedWarning,
    UnsupportedError,
)

__version__ = "0.1.0"

__all__ = [
    "Backend",
    "ClosedError",
    "DeviceBusyError",
    "DeviceError",
    "DeviceNotFoundError",
    "DevicePermissionError",
    "DeviceRemovedError",
    "EventsLostError",
    "EventsLostWarning",
    "NoAckError",
    "SettingChangedWarning",
    "UnsupportedError",
    "get_backend",
    "set_backend",
    "use_backend",
]
