"""The kernel's own IIO reference driver, iio_simple_dummy, for the kernel tier.

Debian builds the IIO core, its configfs, triggered buffers and iio-trig-sysfs as modules but not
``IIO_SW_DEVICE`` nor ``IIO_SIMPLE_DUMMY``: ``linuxhw vm`` builds both (``industrialio-sw-device.ko``,
``iio_dummy.ko`` with its buffer part) from the linux-source tarball of the kernel it boots (6.12; 6.1
has no IIO configfs to make devices through). :class:`IioDummy` loads them with what they need and
makes one device through configfs (``/sys/kernel/config/iio/devices/dummy/<name>``): an iio:deviceN
named ``<name>`` whose triggered scans take the driver's fixed ``fakedata[]``. It loads iio-trig-sysfs and
iio-trig-hrtimer too, the triggers a test captures with.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ._files import SimulatorUnavailableError

__all__ = ["IioDummy"]

CONFIGFS = Path("/sys/kernel/config/iio/devices/dummy")
DEPENDENCIES = ("industrialio", "industrialio-configfs", "industrialio-triggered-buffer", "kfifo_buf",
                "iio-trig-sysfs", "iio-trig-hrtimer")  # fmt: skip
BUILT = ("industrialio-sw-device", "iio_dummy")  # built by linuxhw vm, insmod'ed in this order


def _loaded(module: str) -> bool:
    return Path("/sys/module", module.replace("-", "_")).is_dir()


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SimulatorUnavailableError(f"{what} failed ({' '.join(command)}): {done.stderr.strip()}")


class IioDummy:
    """One iio_simple_dummy device named ``name`` while open; close() removes it (the modules stay)."""

    def __init__(self, name: str) -> None:
        self.require()
        self.name = name
        self.directory = CONFIGFS / name
        try:
            self.directory.mkdir()
        except OSError as exc:
            raise SimulatorUnavailableError(f"making {self.directory} failed: {exc}") from None

    @staticmethod
    def require() -> None:
        """Load the dummy's modules (SimulatorUnavailableError with a hint where they cannot be)."""
        kmod = os.environ.get("LINUXHW_KMOD_DIR", "")
        for module in DEPENDENCIES:
            if not _loaded(module):
                _run(["modprobe", module], f"loading {module}")
        for module in BUILT:
            if not _loaded(module):
                ko = Path(kmod) / f"{module}.ko"
                if not ko.is_file():
                    raise SimulatorUnavailableError(
                        f"{ko} is missing: linuxhw vm builds it for kernels with CONFIG_IIO_CONFIGFS (6.12, not 6.1)"
                    )
                _run(["insmod", str(ko)], f"loading {module}")
        if not CONFIGFS.is_dir():
            raise SimulatorUnavailableError(f"{CONFIGFS} is missing: is configfs mounted at /sys/kernel/config?")

    def close(self) -> None:
        """Remove the device (its driver's remove(), as an unbind); repeating it does nothing."""
        if self.directory.is_dir():
            self.directory.rmdir()
