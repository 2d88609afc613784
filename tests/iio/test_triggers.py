"""Software triggers on both backends: iio-trig-hrtimer's made through configfs (a scan every
1/frequency s while a capture uses it), iio-trig-sysfs's, and the errors that name what is wrong."""

from __future__ import annotations

import errno

import pytest

from linuxhw import iio
from linuxhw.errors import DeviceError
from tests.iio.conftest import SCANNED, IioWorld
from tests.waiting import DEADLINE


def test_an_hrtimer_trigger_takes_scans_at_its_frequency(world: IioWorld) -> None:
    device = world.device()
    with iio.HrtimerTrigger("lhw-hrtimer", frequency=200, backend=world.backend) as timer:
        assert timer.name in iio.trigger_names(world.backend)
        assert timer.frequency == 200.0
        timer.frequency = 50.5
        assert timer.frequency == 50.5
        device.trigger = timer.name
        with device.capture(["voltage0", "accel_x"], length=64) as capture:
            scans: list[iio.Scan] = []
            while len(scans) < 3:
                got = capture.read(timeout=DEADLINE)
                assert got, f"the hrtimer started no scan within {DEADLINE} s"
                scans += got
        device.trigger = None
    assert all(s.values == (SCANNED["voltage0"], SCANNED["accel_x"]) for s in scans)
    stamps = [s.timestamp or 0 for s in scans]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert "lhw-hrtimer" not in iio.trigger_names(world.backend)
    timer.remove()  # again: nothing


def test_an_hrtimer_frequency_out_of_range_is_refused_before_anything(world: IioWorld) -> None:
    for bad in (0, -1, 5e6, float("nan")):
        with pytest.raises(ValueError, match=r"frequency must be a number of Hz from 0\.001 to 4294967\.295, not"):
            iio.HrtimerTrigger("lhw-bad", frequency=bad, backend=world.backend)
    assert "lhw-bad" not in iio.trigger_names(world.backend)
    with pytest.raises(ValueError, match="no '/' or newline"):
        iio.HrtimerTrigger("a/b", backend=world.backend)


def test_a_trigger_name_taken_is_named(world: IioWorld) -> None:
    with iio.HrtimerTrigger("lhw-twice", backend=world.backend):
        with pytest.raises(DeviceError, match="an hrtimer trigger named 'lhw-twice' exists already") as caught:
            iio.HrtimerTrigger("lhw-twice", backend=world.backend)
        assert caught.value.errno == errno.EEXIST
    with pytest.raises(DeviceError, match=f"{world.trigger.name} exists already") as caught:
        iio.SysfsTrigger(world.trigger.number, backend=world.backend)
    assert caught.value.errno == errno.EINVAL


def test_a_trigger_the_kernel_lacks_is_refused_naming_those_it_has(world: IioWorld) -> None:
    device = world.device()
    with pytest.raises(ValueError, match=rf"no IIO trigger named 'nope'; the kernel has .*{world.trigger.name}"):
        device.trigger = "nope"
    device.trigger = world.trigger.name
    assert device.trigger == world.trigger.name
