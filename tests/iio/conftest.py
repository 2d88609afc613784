"""IIO fixtures: the kernel's iio_simple_dummy (built out of tree, made through configfs, captured
through a sysfs trigger) on the real backend, and a mock device declared as that driver declares its
channels, so one suite runs on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import iio, mock
from linuxhw._kernel.real import RealBackend
from linuxhw.mock import MockIioChannel
from linuxhw.sim.iiodummy import IioDummy
from tests.conftest import BACKENDS, kernel_version

NAME = "lhw-dummy"
# iio_simple_dummy.c: the values its read_raw() gives and the fakedata[] each triggered scan takes
RAW = {"voltage0": 73, "voltage1-voltage2": 33, "voltage3-voltage4": -34, "accel_x": 34}
SCANNED = {"voltage0": 7, "voltage1-voltage2": -33, "voltage3-voltage4": -2, "accel_x": 344}
TRIGGER = 7  # sysfstrig7


def dummy_channels() -> list[MockIioChannel]:
    """iio_dummy_channels[] of iio_simple_dummy.c (6.12), without its events."""
    shared = {"scale": "type", "sampling_frequency": "dir"}
    return [
        MockIioChannel("voltage", 0, raw=73, offset=7, scale="0.001333", scan_type="le:u13/16>>0"),
        MockIioChannel("voltage", 1, index2=2, raw=33, scale="0.000001344", share=shared, scan_type="le:s12/16>>0"),
        MockIioChannel("voltage", 3, index2=4, raw=-34, scale="0.000001344", share=shared, scan_type="le:s11/16>>0"),
        MockIioChannel("accel", modifier="x", raw=34, scan_type="le:s16/16>>0"),
        MockIioChannel("voltage", 0, output=True, raw=0, scan_type=None),
        MockIioChannel("steps", raw=None, processed=47, scan_type=None),
        MockIioChannel("activity", modifier="running", raw=None, processed=98, scan_type=None),
        MockIioChannel("activity", modifier="walking", raw=None, processed=4, scan_type=None),
    ]


class IioWorld:
    """The dummy device and a sysfs trigger on one backend."""

    def __init__(self, backend_name: str) -> None:
        self.board: mock.Board | None = None
        self._dummy: IioDummy | None = None
        self.mock_device: mock.MockIioDevice | None = None
        if backend_name == "mock":
            self.board = mock.Board()
            self.board.enable_iio_sysfs_trigger()
            self.board.enable_iio_hrtimer_trigger()
            device = self.board.add_iio_device(NAME, dummy_channels(), sampling_frequency=3.000000033)
            device.scan_values = dict(SCANNED)
            self.mock_device = device
            self.backend: linuxhw.Backend = self.board
        else:
            self._dummy = IioDummy(NAME)
            self.backend = RealBackend()
        self.trigger = iio.SysfsTrigger(TRIGGER, backend=self.backend)

    def device(self) -> iio.Device:
        return iio.Device(NAME, backend=self.backend)

    def unplug(self) -> None:
        """The device goes away as a driver unbind takes it (the dummy's configfs directory removed)."""
        if self._dummy is not None:
            self._dummy.close()
        else:
            assert self.mock_device is not None
            self.mock_device.remove()

    def close(self) -> None:
        """The device first (it holds a reference to its trigger), then the trigger."""
        if self._dummy is not None:
            self._dummy.close()
        self.trigger.remove()


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest) -> Iterator[IioWorld]:
    if request.param == "real" and kernel_version() < (6, 12):
        pytest.skip("no IIO configfs (CONFIG_IIO_CONFIGFS) in this kernel to make the dummy through")
    made = IioWorld(request.param)
    try:
        yield made
    finally:
        made.close()
    if made.board is not None:
        assert made.board.open_files() == 0
