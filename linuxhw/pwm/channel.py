"""Channel: one requested (sysfs-exported) PWM channel, its waveform applied and read back."""

from __future__ import annotations

import contextlib
import errno
import threading
import warnings
import weakref
from types import TracebackType
from typing import TYPE_CHECKING

from linuxhw._args import check_int
from linuxhw._kernel import Backend
from linuxhw.errors import ClosedError, DeviceBusyError, DeviceError, device_error
from linuxhw.pwm._sysfs import plan, read_state, settled
from linuxhw.pwm.waveform import Waveform

if TYPE_CHECKING:
    from linuxhw.pwm.chip import ChipInfo

__all__ = ["Channel"]

DEBUGFS = "/sys/kernel/debug/pwm"
_held: dict[tuple[int, str, int], weakref.ref[Channel]] = {}  # (backend, chip path, channel): open here
_held_lock = threading.Lock()


def _release_forgotten(backend: Backend, chip_path: str, channel: int, key: tuple[int, str, int]) -> None:
    warnings.warn(
        f"unclosed PWM channel {channel} of {chip_path}: unexporting it now; use close() or a with block",
        ResourceWarning,
        stacklevel=2,
    )
    with _held_lock:
        _held.pop(key, None)
    with contextlib.suppress(OSError):
        backend.sysfs_write(f"{chip_path}/unexport", str(channel))


def kernel_holder(backend: Backend, chip: ChipInfo, channel: int) -> str | None:
    """The label of whoever holds ``channel`` as /sys/kernel/debug/pwm shows it (root, debugfs mounted),
    else None: the kernel tells it nowhere else."""
    try:
        text = backend.sysfs_read(DEBUGFS)
    except OSError:
        return None
    in_chip = False
    for line in text.splitlines():
        if line and not line.startswith(" "):  # "0: platform/pwm-sim.0, 2 PWM devices"
            in_chip = line.split(": ", 1)[-1].split(",", 1)[0].endswith(f"/{chip.name}")
        elif in_chip and line.lstrip().startswith(f"pwm-{channel} "):
            label = line.split("(", 1)[1].rsplit("):", 1)[0].strip()
            return None if label == "(null)" else label
    return None


class Channel:
    """A PWM channel this program holds (exported through /sys/class/pwm), made by ``Chip.request``.

    :meth:`apply` sets a whole :class:`Waveform` in the order sysfs needs and returns what the kernel
    then reports. sysfs reports the state the kernel applied, not the hardware's rounding of it (the
    driver's rounding shows when a channel is next requested, read from the hardware).

    ``close()`` unexports it and is safe to repeat; the output keeps its last waveform, as the kernel
    leaves it (call :meth:`disable` first to stop it). A channel never closed is unexported by its
    finalizer, with a ResourceWarning: an export outlives the process otherwise.
    """

    def __init__(self, backend: Backend, chip: ChipInfo, channel: int, *, adopt: bool = False) -> None:
        check_int(channel, "channel")
        if not 0 <= channel < chip.npwm:
            raise ValueError(
                f"channel must be 0..{chip.npwm - 1} on PWM chip {chip.name!r} ({chip.npwm} channels), not {channel}"
            )
        self._backend = backend
        self.chip = chip
        self.channel = channel
        self.path = f"{chip.path}/pwm{channel}"
        self._lock = threading.Lock()
        self._key = (id(backend), chip.path, channel)
        with _held_lock:
            other = _held.get(self._key)
            holder = other() if other is not None else None
            if holder is not None and not holder.closed:
                hint = f"this program holds it already ({holder!r}): close that one first"
                raise device_error(errno.EBUSY, self.path, self._what("request"), hint, DeviceBusyError)
            self._export(adopt)
            _held[self._key] = weakref.ref(self)
        self._finalizer = weakref.finalize(self, _release_forgotten, backend, chip.path, channel, self._key)
        try:
            settled(lambda: read_state(backend, self.path))
        except OSError as exc:
            self.close()
            raise self._error(exc, "read the state of") from None

    def _what(self, verb: str) -> str:
        return f"{verb} PWM channel {self.channel} of {self.chip.name!r}"

    def _export(self, adopt: bool) -> None:
        try:
            self._backend.sysfs_write(f"{self.chip.path}/export", str(self.channel))
            return
        except OSError as exc:
            err = exc.errno or errno.EIO
        if err != errno.EBUSY:
            raise device_error(err, f"{self.chip.path}/export", self._what("request"), _export_hint(err))
        exported = f"pwm{self.channel}" in self._backend.sysfs_list(self.chip.path)
        if exported and adopt:
            return
        if exported:
            hint = (
                f"it is exported through sysfs already ({self.path} exists): another program holds it, or one "
                f"ended without releasing it; request(..., adopt=True) takes it over, "
                f"or 'echo {self.channel} > {self.chip.path}/unexport' frees it"
            )
        else:
            label = kernel_holder(self._backend, self.chip, self.channel)
            who = f"the kernel consumer {label!r}" if label else "a kernel driver (/sys/kernel/debug/pwm names it)"
            hint = f"{who} holds it (a pwm-fan, backlight, leds-pwm... bound in the device tree)"
        raise device_error(err, f"{self.chip.path}/export", self._what("request"), hint, DeviceBusyError)

    def __repr__(self) -> str:
        return f"<pwm.Channel {self.channel} of {self.chip.name!r}{' closed' if self.closed else ''}>"

    # -- the waveform ---------------------------------------------------------------------------------

    @property
    def waveform(self) -> Waveform:
        """The channel's state as the kernel reports it now."""
        with self._lock:
            self._check_open()
            return self._read()

    def apply(self, waveform: Waveform) -> Waveform:
        """Set ``waveform`` (period, duty, polarity, on/off) in writes the kernel accepts one by one, and
        return the state it reports afterwards. If the kernel or driver refuses a step, the writes done
        are undone as far as the kernel lets them, and the DeviceError names the attribute and value."""
        if not isinstance(waveform, Waveform):
            raise TypeError(f"waveform must be a pwm.Waveform, not {waveform!r}")
        with self._lock:
            self._check_open()
            before = self._read()
            try:
                self._write_steps(before, waveform)
            except DeviceError:
                with contextlib.suppress(DeviceError, OSError, ValueError):
                    self._write_steps(self._read(), before)
                raise
            return self._read()

    def enable(self) -> Waveform:
        """Start the output with its current period, duty and polarity; the state reported."""
        return self._set_enabled(True)

    def disable(self) -> Waveform:
        """Stop the output (the period, duty and polarity stay set); the state reported."""
        return self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> Waveform:
        with self._lock:
            self._check_open()
            self._write("enable", "1" if enabled else "0")
            return self._read()

    def _read(self) -> Waveform:
        try:
            return read_state(self._backend, self.path)
        except OSError as exc:
            raise self._error(exc, "read the state of") from None

    def _write_steps(self, current: Waveform, target: Waveform) -> None:
        for attribute, text in plan(current, target):
            self._write(attribute, text)

    def _write(self, attribute: str, text: str) -> None:
        try:
            self._backend.sysfs_write(f"{self.path}/{attribute}", text)
        except OSError as exc:
            err = exc.errno or errno.EIO
            raise device_error(
                err,
                f"{self.path}/{attribute}",
                f"{self._what('set')}: {attribute} = {text}",
                self._hint(err, attribute, text),
            ) from None

    def _hint(self, err: int, attribute: str, text: str) -> str:
        driver = f"the driver of {self.chip.name!r}" + (f" ({self.chip.driver})" if self.chip.driver else "")
        if err == errno.EINVAL and attribute == "polarity":
            return f"{driver} cannot make {text} polarity"
        if err == errno.EINVAL and attribute == "enable":
            return (
                f"the PWM core starts a channel only with period > 0 and duty <= period; {driver} may refuse its period"
            )
        if err == errno.EINVAL:
            return (
                f"the PWM core needs period > 0 and duty <= period while the output runs (before Linux 6.12: always), "
                f"and {driver} may not make a {attribute} of {text} ns"
            )
        if err == errno.EBUSY:
            return f"{driver} refused it now: channels of one chip may share a clock, fixed by another running channel"
        return _GONE if err in (errno.ENOENT, errno.ENODEV) else ""

    def _error(self, exc: OSError, verb: str) -> DeviceError:
        err = exc.errno or errno.EIO
        hint = _GONE if err in (errno.ENOENT, errno.ENODEV) else _UDEV if err in (errno.EACCES, errno.EPERM) else ""
        return device_error(err, exc.filename or self.path, self._what(verb), hint)

    # -- lifetime -------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._finalizer is None or not self._finalizer.alive:
            raise ClosedError(f"{self!r} is closed")

    @property
    def closed(self) -> bool:
        """True after close()."""
        finalizer = getattr(self, "_finalizer", None)
        return finalizer is None or not finalizer.alive

    def close(self) -> None:
        """Unexport the channel (the output keeps its waveform); repeating it does nothing."""
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is None or finalizer.detach() is None:
            return
        self._forget()
        with contextlib.suppress(OSError):  # already unexported by someone else, or its chip is gone
            self._backend.sysfs_write(f"{self.chip.path}/unexport", str(self.channel))

    def detach(self) -> None:
        """Stop holding the channel without unexporting it: the export (and the output) outlive this object
        and the program, as ``echo M > export`` would leave them; this object is closed."""
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is not None and finalizer.detach() is not None:
            self._forget()

    def _forget(self) -> None:
        with _held_lock:
            if (ref := _held.get(self._key)) is not None and ref() is self:
                del _held[self._key]

    def __enter__(self) -> Channel:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


_GONE = "the channel is gone: its chip was removed (driver unbound), or someone unexported it"
_UDEV = (
    "it needs root, or a udev rule giving /sys/class/pwm to your group, such as "
    'SUBSYSTEM=="pwm*", RUN+="/bin/sh -c \'chgrp -R gpio /sys%p && chmod -R g+w /sys%p\'"'
)


def _export_hint(err: int) -> str:
    if err in (errno.EACCES, errno.EPERM):
        return _UDEV
    if err == errno.ENODEV:
        return "the chip has no such channel"
    return ""
