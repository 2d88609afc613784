"""Exceptions raised by linuxhw: kernel failures keep ``errno`` and add the device and operation."""

from __future__ import annotations

import errno as _errno
import os

__all__ = [
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
    "device_error",
]


class DeviceError(OSError):
    """A kernel call on a device failed; ``errno``, ``filename`` (device path) and ``operation`` tell which."""

    def __init__(self, err: int, message: str, path: str | None, operation: str) -> None:
        super().__init__(err, message, path)
        self.operation = operation


class DeviceBusyError(DeviceError):
    """EBUSY: the line or device is held by someone else (the message names them when the kernel says)."""


class DevicePermissionError(DeviceError, PermissionError):
    """EACCES/EPERM on a device node; the message says which group or udev rule grants access."""


class DeviceNotFoundError(DeviceError, FileNotFoundError):
    """ENOENT/ENODEV: no such device node, or the device went away."""


class DeviceRemovedError(DeviceNotFoundError):
    """The device was removed (unplugged, or its driver unbound) while this handle was open.

    ``errno`` is what the kernel answered (ENODEV, ENXIO, ESHUTDOWN...). The handle cannot work
    again: close() it, and open the device again once it is back.
    """


# What a call on an open handle may fail with once its device is gone: gpiolib ENODEV, spidev
# ESHUTDOWN, an unplugged USB adapter's transfers ENODEV/ENXIO/EIO/EPROTO/EREMOTEIO. Each is also an
# everyday answer (an I2C NAK): only the backend's device_present() tells removal apart.
REMOVAL_ERRNOS = frozenset(
    (_errno.ENODEV, _errno.ENXIO, _errno.ESHUTDOWN, _errno.EIO, _errno.EPROTO, _errno.EREMOTEIO, _errno.EPIPE)
)
REMOVED_HINT = (
    "the device was removed (unplugged, or its driver unbound): close() this handle and open the device again "
    "once it is back"
)


def removed_error(err: int, path: str | None, operation: str) -> DeviceRemovedError:
    """The DeviceRemovedError for a call that failed with ``err`` because the device is gone."""
    return DeviceRemovedError(err, f"{operation} failed: {os.strerror(err)}; {REMOVED_HINT}", path, operation)


class UnsupportedError(DeviceError):
    """ENOTTY/EOPNOTSUPP: the kernel or driver does not implement the operation."""


class NoAckError(DeviceError):
    """Nothing acknowledged an I2C address (ENXIO/EREMOTEIO/ENODEV); ``address`` says which."""

    address: int | None = None


class ClosedError(ValueError):
    """A handle was used after ``close()``."""


class SettingChangedWarning(UserWarning):
    """The kernel accepted a setting but not exactly as asked (e.g. a GPIO chip select forcing CS_HIGH)."""


class EventsLostWarning(RuntimeWarning):
    """The kernel's event buffer overflowed and dropped the oldest events."""


class EventsLostError(RuntimeError):
    """Raised instead of the warning when the request asked for ``on_lost="raise"``.

    ``events`` holds the events read in the same ``read()`` so nothing already read is lost.
    """

    def __init__(self, lost: int, events: list[object]) -> None:
        super().__init__(f"{lost} edge event(s) lost: the kernel event buffer overflowed")
        self.lost = lost
        self.events = events


_CLASSES: dict[int, type[DeviceError]] = {
    _errno.EBUSY: DeviceBusyError,
    _errno.EACCES: DevicePermissionError,
    _errno.EPERM: DevicePermissionError,
    _errno.ENOENT: DeviceNotFoundError,
    _errno.ENODEV: DeviceNotFoundError,
    _errno.ENXIO: DeviceNotFoundError,
    _errno.ENOTTY: UnsupportedError,
    _errno.EOPNOTSUPP: UnsupportedError,
}


def device_error(
    err: int, path: str | None, operation: str, hint: str = "", cls: type[DeviceError] | None = None
) -> DeviceError:
    """Build the DeviceError subclass for ``err`` (or ``cls``): '<operation> failed: <strerror>[; hint]'."""
    message = f"{operation} failed: {os.strerror(err)}"
    if hint:
        message = f"{message}; {hint}"
    return (cls or _CLASSES.get(err, DeviceError))(err, message, path, operation)
