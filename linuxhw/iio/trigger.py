"""IIO triggers: the list under /sys/bus/iio/devices/triggerN, and software triggers made through the
iio-trig-sysfs module (``add_trigger``; each write to ``trigger_now`` starts one scan)."""

from __future__ import annotations

import errno
from types import TracebackType

from linuxhw._kernel import Backend, get_backend
from linuxhw.errors import device_error
from linuxhw.iio._sysfs import BUS_DIR, write_text

__all__ = ["SysfsTrigger", "trigger_names"]

SYSFS_TRIGGER_DIR = f"{BUS_DIR}/iio_sysfs_trigger"


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


class SysfsTrigger:
    """A trigger of iio-trig-sysfs: ``SysfsTrigger(0)`` makes ``sysfstrig0`` (``add_trigger``), which a
    device takes as ``device.trigger = t.name``; :meth:`fire` starts one scan of each device using it,
    so a capture takes exactly the scans a test asks for. ``remove()`` (or the ``with`` block's end)
    takes it away again. Needs the iio-trig-sysfs module (``modprobe iio-trig-sysfs``)."""

    def __init__(self, number: int, *, backend: Backend | None = None) -> None:
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < 1 << 31:
            raise ValueError(f"a sysfs trigger's number is an int 0..2147483647, not {number!r}")
        self._backend = backend or get_backend()
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
        self._removed = False
        self.path = _triggers(self._backend).get(self.name, "")
        if not self.path:
            raise device_error(errno.ENOENT, add, f"find {self.name} once added")

    def fire(self) -> None:
        """Start one scan of every device whose trigger this is (write ``trigger_now``)."""
        if self._removed:
            raise ValueError(f"{self.name} was removed")
        write_text(self._backend, f"{self.path}/trigger_now", "1")

    def remove(self) -> None:
        """Take the trigger away (``remove_trigger``); repeating it does nothing."""
        if not self._removed:
            self._removed = True
            write_text(self._backend, f"{SYSFS_TRIGGER_DIR}/remove_trigger", str(self.number))

    def __enter__(self) -> SysfsTrigger:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"<iio.SysfsTrigger {self.name}>"
