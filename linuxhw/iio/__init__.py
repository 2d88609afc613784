"""Industrial I/O (ADCs, DACs, IMUs, sensors with a kernel driver) through /sys/bus/iio/devices and
/dev/iio:deviceN: devices found by name or label, channels as their attributes declare them, values in
the ABI's units, and buffered capture of scans (sync and asyncio).

>>> from linuxhw import iio
>>> adc = iio.Device("ads1015")                       # doctest: +SKIP
>>> adc.channel("voltage0").read()                    # doctest: +SKIP
1650.0
"""

from __future__ import annotations

from linuxhw.iio._values import Available
from linuxhw.iio.capture import Capture
from linuxhw.iio.channel import Channel
from linuxhw.iio.device import Device, DeviceInfo, devices
from linuxhw.iio.scan import Scan, ScanType, parse_scan_type
from linuxhw.iio.trigger import HrtimerTrigger, SoftwareTrigger, SysfsTrigger, trigger_names

__all__ = [
    "Available",
    "Capture",
    "Channel",
    "Device",
    "DeviceInfo",
    "HrtimerTrigger",
    "Scan",
    "ScanType",
    "SoftwareTrigger",
    "SysfsTrigger",
    "devices",
    "parse_scan_type",
    "trigger_names",
]
