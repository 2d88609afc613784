"""Listing the spidev devices of the system."""

from __future__ import annotations

from dataclasses import dataclass

from linuxhw._kernel import Backend, get_backend
from linuxhw._kernel.formats import natural_key
from linuxhw.spi.device import Device
from linuxhw.spi.mode import Mode

__all__ = ["DeviceInfo", "devices"]


@dataclass(frozen=True)
class DeviceInfo:
    """A spidev node and its current settings."""

    path: str
    mode: Mode
    bits_per_word: int
    max_speed_hz: int
    bufsiz: int


def devices(backend: Backend | None = None) -> list[DeviceInfo]:
    """Every /dev/spidevB.C with its mode, word size, speed and spidev's bufsiz."""
    backend = backend or get_backend()
    found = []
    for path in sorted(backend.device_nodes("spidev"), key=natural_key):
        with Device(path, backend=backend) as device:
            found.append(DeviceInfo(path, device.mode, device.bits_per_word, device.max_speed_hz, device.bufsiz))
    return found
