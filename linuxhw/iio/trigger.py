"""IIO triggers: the list under /sys/bus/iio/devices/triggerN, and the software triggers a program makes:
iio-trig-sysfs's (``add_trigger``; each write to ``trigger_now`` starts one scan) and iio-trig-hrtimer's
(made through configfs; a scan every 1/frequency s)."""

from __future__ import annotations

import errno
from types import TracebackType
from typing import TypeVar

from linuxhw._kernel import Backend, get_backend
from linuxhw.errors import device_error
from linuxhw.iio._sysfs import BUS_DIR, read_text, write_text
from linuxhw.iio._values import format_value, parse_number

__all__ = ["HrtimerTrigger", "SoftwareTrigger", "SysfsTrigger", "trigger_names"]

SYSFS_TRIGGER_DIR = f"{BUS_DIR}/iio_sysfs_trigger"
HRTIMER_DIR = "/sys/kernel/config/iio/triggers/hrtimer"
MAX_HRTIMER_HZ = 4294967.295  # its store takes mHz up to UINT_MAX

T = TypeVar("T", bound="SoftwareTrigger")


def _triggers(backend: Backend) -> dict[str, str]:
    """Trigger name -> its /sys/bus/iio/devices/triggerN."""
    try:
        entries = backend.sysfs_list(BUS_DIR)
    except FileNotFoundError:
        return {}
    found = {}
    for entry in entries:
        if entry.startswith("trigger") and entry[len("trigger") :].isdigit():
            try:
                found[backend.sysfs_read(f"{BUS_DIR}/{entry}/name").rstrip("\n")] = f"{BUS_DIR}/{entry}"
            except OSError:
                continue  # removed meanwhile
    return found


def trigger_names(backend: Backend | None = None) -> list[str]:
    """The names of the kernel's IIO triggers (``sysfstrig0``, ``hrtimer-1``, ``<device>-dev0``...)."""
    return list(_triggers(backend or get_backend()))


class SoftwareTrigger:
    """What the triggers linuxhw makes share: ``name`` (what ``device.trigger`` takes), ``path`` (its
    /sys/bus/iio/devices/triggerN), ``remove()`` (idempotent; also the ``with`` block's end)."""

    name: str
    path: str

    def __init__(self, backend: Backend | None) -> None:
        self._backend = backend or get_backend()
        self._removed = False

    def _found(self, where: str) -> None:
        """Find the trigger just made (DeviceError naming ``where`` it was made if it did not appear)."""
        self.path = _triggers(self._backend).get(self.name, "")
        if not self.path:
            raise device_error(errno.ENOENT, where, f"find trigger {self.name!r} once made")

    def _check(self) -> None:
        if self._removed:
            raise ValueError(f"trigger {self.name!r} was removed")

    def remove(self) -> None:
        """Take the trigger away; repeating it does nothing."""
        if not self._removed:
            self._removed = True
            self._drop()

    def _drop(self) -> None:
        raise NotImplementedError

    def __enter__(self: T) -> T:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"<iio.{type(self).__name__} {self.name}>"


class SysfsTrigger(SoftwareTrigger):
    """A trigger of iio-trig-sysfs: ``SysfsTrigger(0)`` makes ``sysfstrig0`` (``add_trigger``), which a
    device takes as ``device.trigger = t.name``; :meth:`fire` starts one scan of each device using it,
    so a capture takes exactly the scans a test asks for. Needs the iio-trig-sysfs module
    (``modprobe iio-trig-sysfs``)."""

    def __init__(self, number: int, *, backend: Backend | None = None) -> None:
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < 1 << 31:
            raise ValueError(f"a sysfs trigger's number is an int 0..2147483647, not {number!r}")
        super().__init__(backend)
        self.number = number
        self.name = f"sysfstrig{number}"
        add = f"{SYSFS_TRIGGER_DIR}/add_trigger"
        try:
            self._backend.sysfs_write(add, str(number))
        except FileNotFoundError:
            raise device_error(errno.ENOENT, add, "add a sysfs trigger", "load the iio-trig-sysfs module") from None
        except OSError as exc:
            hint = f"{self.name} exists already" if exc.errno == errno.EINVAL else ""
            raise device_error(exc.errno or errno.EIO, add, f"add sysfs trigger {number}", hint) from None
        self._found(add)

    def fire(self) -> None:
        """Start one scan of every device whose trigger this is (write ``trigger_now``)."""
        self._check()
        write_text(self._backend, f"{self.path}/trigger_now", "1")

    def _drop(self) -> None:
        write_text(self._backend, f"{SYSFS_TRIGGER_DIR}/remove_trigger", str(self.number))


class HrtimerTrigger(SoftwareTrigger):
    """A trigger of iio-trig-hrtimer, made through configfs (``mkdir
    /sys/kernel/config/iio/triggers/hrtimer/<name>``): while a device's buffer uses it, it starts a scan
    ``frequency`` times a second (the module's default: 100 Hz). Needs configfs mounted and the
    iio-trig-hrtimer module (``modprobe iio-trig-hrtimer``)."""

    def __init__(self, name: str, frequency: float | None = None, *, backend: Backend | None = None) -> None:
        if not isinstance(name, str) or not name or "/" in name or "\n" in name or name in (".", ".."):
            raise ValueError(f"an hrtimer trigger's name is a str with no '/' or newline, not {name!r}")
        if frequency is not None:
            _check_frequency(frequency)
        super().__init__(backend)
        self.name = name
        self._item = f"{HRTIMER_DIR}/{name}"
        try:
            self._backend.configfs_mkdir(self._item)
        except OSError as exc:
            err = exc.errno or errno.EIO
            hint = {
                errno.ENOENT: "modprobe iio-trig-hrtimer, with configfs mounted on /sys/kernel/config",
                errno.EEXIST: f"an hrtimer trigger named {name!r} exists already",
            }.get(err, "")
            raise device_error(err, self._item, "make an hrtimer trigger", hint) from None
        try:
            self._found(self._item)
            if frequency is not None:
                self.frequency = frequency
        except BaseException:
            self.remove()
            raise

    @property
    def frequency(self) -> float:
        """How many scans a second it starts (``sampling_frequency``); set it to change it (0.001 Hz steps)."""
        self._check()
        return parse_number(read_text(self._backend, f"{self.path}/sampling_frequency"), "sampling_frequency")

    @frequency.setter
    def frequency(self, hz: float) -> None:
        self._check()
        write_text(self._backend, f"{self.path}/sampling_frequency", format_value(_check_frequency(hz), "frequency"))

    def _drop(self) -> None:
        try:
            self._backend.configfs_rmdir(self._item)
        except OSError as exc:
            raise device_error(exc.errno or errno.EIO, self._item, f"remove hrtimer trigger {self.name!r}") from None


def _check_frequency(hz: object) -> float:
    """``hz`` if iio-trig-hrtimer takes it: > 0 and at most UINT_MAX mHz, in mHz steps."""
    if isinstance(hz, bool) or not isinstance(hz, (int, float)) or not 0.001 <= hz <= MAX_HRTIMER_HZ:
        raise ValueError(f"frequency must be a number of Hz from 0.001 to {MAX_HRTIMER_HZ}, not {hz!r}")
    return float(hz)
