"""Buffered capture on both backends: scans taken on a sysfs trigger, decoded per the scan types,
many per read(), into any buffer, asyncio; the buffer rules (one reader, EBUSY while running)."""

from __future__ import annotations

import array
import asyncio
import threading
import time

import pytest

from linuxhw import iio
from linuxhw.errors import DeviceBusyError
from tests.iio.conftest import SCANNED, IioWorld
from tests.waiting import DEADLINE


def fire(world: IioWorld, capture: iio.Capture, times: int) -> list[iio.Scan]:
    """Fire the trigger ``times`` times, each scan awaited before the next (the sysfs trigger drops a
    fire while the last scan is still being taken), and return the scans."""
    scans: list[iio.Scan] = []
    for _ in range(times):
        world.trigger.fire()
        got = capture.read(timeout=30)
        assert got, "no scan arrived within 30 s of trigger_now"
        scans += got
    return scans


def test_scans_decode_each_channel(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name
    with device.capture(length=16) as capture:
        assert capture.channels == ("voltage0", "voltage1-voltage2", "voltage3-voltage4", "accel_x")
        assert capture.scan_size == 16  # four 16-bit elements, the s64 timestamp at 8
        scans = fire(world, capture, 3)
    assert [s.values for s in scans] == [tuple(SCANNED.values())] * 3
    stamps = [s.timestamp or 0 for s in scans]
    assert all(t > 0 for t in stamps) and stamps == sorted(stamps)
    device.trigger = None
    assert device.trigger is None


def test_scan_types_and_indexes_as_the_driver_declares(world: IioWorld) -> None:
    device = world.device()
    types = {n: device.read_attribute(f"scan_elements/in_{n}_type") for n in ("voltage0", "voltage1-voltage2")}
    assert types == {"voltage0": "le:u13/16>>0", "voltage1-voltage2": "le:s12/16>>0"}
    assert device.read_attribute("scan_elements/in_timestamp_type") == "le:s64/64>>0"
    assert device.read_attribute("scan_elements/in_timestamp_index") == "4"


def test_a_subset_without_timestamp_packs_tight(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name
    with device.capture(["accel_x", "voltage0"], timestamp=False) as capture:
        assert capture.channels == ("voltage0", "accel_x")  # scan order, not the order asked in
        assert capture.scan_size == 4
        (scan,) = fire(world, capture, 1)
    assert scan == iio.Scan((SCANNED["voltage0"], SCANNED["accel_x"]), None)


def test_many_scans_per_read_into_any_buffer(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name
    with device.capture(["voltage1-voltage2"], length=8, timestamp=False) as capture:
        for queued in range(1, 6):
            world.trigger.fire()
            wait_for_queued(device, queued)
        target = array.array("h", bytes(2 * 8))  # room for 8 scans: one read() takes the 5 queued
        count = capture.read_into(target, timeout=30)
        assert count == 5
        assert capture.decode(target, count) == [iio.Scan((SCANNED["voltage1-voltage2"],), None)] * 5
        assert capture.read(timeout=0) == []


def wait_for_queued(device: iio.Device, count: int) -> None:
    """Until buffer/data_available says ``count`` scans are queued (the trigger's scan is taken in the
    driver's thread after trigger_now returns); fails after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    while int(device.read_attribute("buffer/data_available")) < count:
        assert time.monotonic() < deadline, f"{count} scans not queued within {DEADLINE} s"
        time.sleep(0.01)


def test_async_read_awaits_the_trigger(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name

    async def main(capture: iio.Capture) -> list[iio.Scan]:
        reading = asyncio.ensure_future(capture.read_async(timeout=30))
        await asyncio.sleep(0)
        world.trigger.fire()
        return await reading

    with device.capture(["voltage0"], timestamp=False) as capture:
        assert asyncio.run(main(capture)) == [iio.Scan((SCANNED["voltage0"],), None)]
        assert asyncio.run(capture.read_async(timeout=0)) == []


def test_one_reader_and_settings_busy_while_running(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name
    with device.capture(["voltage0"]) as capture:
        with pytest.raises(DeviceBusyError, match="one reader at a time"):
            device.capture(["voltage0"])
        with pytest.raises(DeviceBusyError, match="buffer is enabled"):
            device.write_attribute("buffer/length", "64")
        with pytest.raises(DeviceBusyError):
            device.trigger = None
        with pytest.raises(DeviceBusyError, match="buffer is enabled"):
            device.channel("voltage0").read_raw()
        assert device.read_attribute("buffer/enable") == "1"
        assert not capture.closed
    assert device.read_attribute("buffer/enable") == "0"
    capture.close()  # again: nothing


def test_enable_without_a_trigger_says_what_it_needs(world: IioWorld) -> None:
    device = world.device()
    device.trigger = None
    with pytest.raises(OSError, match="a trigger in trigger/current_trigger"):
        device.capture(["voltage0"])
    assert device.read_attribute("buffer/enable") == "0"


def test_bad_capture_arguments_fail_before_any_change(world: IioWorld) -> None:
    device = world.device()
    with pytest.raises(ValueError, match="distinct scannable inputs"):
        device.capture(["steps"])
    with pytest.raises(ValueError, match="distinct scannable inputs"):
        device.capture(["voltage0", "voltage0"])
    with pytest.raises(TypeError, match="list of channel names"):
        device.capture("voltage0")
    with pytest.raises(ValueError, match="watermark"):
        device.capture(length=2, watermark=3)
    with pytest.raises(ValueError, match="length must be"):
        device.capture(length=0)


def test_threads_reading_one_capture_each_get_whole_scans(world: IioWorld) -> None:
    device = world.device()
    device.trigger = world.trigger.name
    total = 12
    with device.capture(length=total) as capture:
        for queued in range(1, total + 1):
            world.trigger.fire()
            wait_for_queued(device, queued)
        got: list[list[iio.Scan]] = [[], []]

        def reader(mine: list[iio.Scan]) -> None:
            while scans := capture.read(1, timeout=0):
                mine.extend(scans)

        threads = [threading.Thread(target=reader, args=(mine,)) for mine in got]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
    scans = got[0] + got[1]
    assert len(scans) == total
    assert all(scan.values == tuple(SCANNED.values()) for scan in scans)
    assert len({scan.timestamp for scan in scans}) == total  # each scan read once


def test_scans_into_a_numpy_array_decoded_per_channel(world: IioWorld) -> None:
    numpy = pytest.importorskip("numpy")
    device = world.device()
    device.trigger = world.trigger.name
    with device.capture(length=4) as capture:
        for queued in range(1, 4):
            world.trigger.fire()
            wait_for_queued(device, queued)
        records = numpy.zeros(4, dtype=numpy.dtype(capture.layout.numpy_dtype()))
        count = capture.read_into(records, timeout=30)  # straight into the array: no copy
        arrays = capture.decode_numpy(records, count)
    assert count == 3
    assert {name: arrays[name].tolist() for name in SCANNED} == {name: [v] * 3 for name, v in SCANNED.items()}
    assert arrays["timestamp"].tolist() == sorted(arrays["timestamp"].tolist())
