"""Fuzzing linuxhw.iio: every public constructor and call with hostile arguments on a checked mock board.

The demo board has an ADS1015 (``ads1015``: voltage0..3, a triggered buffer); each capture op sets up
the mock's iio-trig-sysfs with one trigger so the buffer can run.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linuxhw import iio
from tests.fuzz.harness import Fuzzed, Op, close_result, either, fuzzed, optional
from tests.fuzz.profiles import FUZZ
from tests.fuzz.strategies import buffers, sizes, timeouts

names = either(st.sampled_from(["ads1015", "ads1115", "", "iio:device0"]))
channel_names = either(st.sampled_from(["voltage0", "voltage3", "voltage9", "timestamp", "out_voltage0", ""]))
infos = either(st.sampled_from(["raw", "scale", "offset", "sampling_frequency", "input", "label", "bogus"]))
attributes = either(
    st.sampled_from(["in_voltage0_raw", "in_voltage0_scale", "in_voltage1_sampling_frequency", "name",
                     "buffer/length", "buffer/enable", "scan_elements/in_voltage0_en", "../name", "/etc/passwd", ""])
)  # fmt: skip
values = either(st.one_of(st.integers(-(1 << 40), 1 << 40), st.floats(allow_nan=True), st.text(max_size=8)))
counts = either(st.one_of(st.none(), sizes, st.integers(-2, 1 << 40)))


def _device() -> iio.Device:
    return iio.Device("ads1015")


def _find(world: Fuzzed, data: st.DataObject) -> None:
    options = data.draw(optional(label=names))
    world.call(iio.Device, data.draw(st.one_of(st.none(), names)), **options)


def _channel_call(method: str, *args: st.SearchStrategy[Any]) -> Op:
    def op(world: Fuzzed, data: st.DataObject) -> None:
        channel = world.call(_device().channel, data.draw(channel_names))
        if channel is not None:
            world.call(getattr(channel, method), *(data.draw(arg) for arg in args))

    return op


def _device_call(method: str, *args: st.SearchStrategy[Any]) -> Op:
    def op(world: Fuzzed, data: st.DataObject) -> None:
        world.call(getattr(_device(), method), *(data.draw(arg) for arg in args))

    return op


def _set(attribute: str, value: st.SearchStrategy[Any]) -> Op:
    def op(world: Fuzzed, data: st.DataObject) -> None:
        world.call(setattr, _device(), attribute, data.draw(value))

    return op


def _capturing(world: Fuzzed, data: st.DataObject) -> iio.Capture | None:
    """A capture with fuzzed arguments on a device with a trigger (None where they were refused)."""
    world.board.enable_iio_sysfs_trigger()
    trigger = iio.SysfsTrigger(0)
    device = _device()
    device.trigger = trigger.name
    channels = data.draw(st.one_of(st.none(), st.lists(channel_names, max_size=3), either(st.just("voltage0"))))
    options = data.draw(
        optional(timestamp=either(st.booleans()), length=either(st.integers(-1, 70)), watermark=either(sizes))
    )
    capture: iio.Capture | None = world.call(device.capture, channels, **options)
    if capture is not None:
        trigger.fire()
    return capture


def _capture(world: Fuzzed, data: st.DataObject) -> None:
    close_result(_capturing(world, data))


def _capture_call(method: str, *args: st.SearchStrategy[Any]) -> Op:
    def op(world: Fuzzed, data: st.DataObject) -> None:
        capture = _capturing(world, data)
        if capture is not None:
            with capture:
                world.call(getattr(capture, method), *(data.draw(arg) for arg in args))

    return op


OPS: dict[str, Op] = {
    "Device": _find,
    "Device.channel": _device_call("channel", channel_names),
    "Device.read_attribute": _device_call("read_attribute", attributes),
    "Device.write_attribute": _device_call("write_attribute", attributes, values),
    "Device.available": _device_call("available", attributes),
    "Device.sampling_frequency": _set("sampling_frequency", values),
    "Device.trigger": _set("trigger", either(st.sampled_from([None, "sysfstrig0", "", "nope\n"]))),
    "Channel.read_attribute": _channel_call("read_attribute", infos),
    "Channel.write_attribute": _channel_call("write_attribute", infos, values),
    "Channel.available": _channel_call("available", infos),
    "Channel.read": _channel_call("read"),
    "Channel.write_raw": _channel_call("write_raw", values),
    "SysfsTrigger": lambda world, data: close_result(
        world.call(iio.SysfsTrigger, data.draw(either(st.integers(-2, 3))))
    ),
    "Device.capture": _capture,
    "Capture.read": _capture_call("read", counts, timeouts),
    "Capture.read_into": _capture_call("read_into", either(buffers.map(bytearray)), timeouts),
    "Capture.decode": _capture_call("decode", either(buffers), counts),
}


@pytest.mark.parametrize("name", list(OPS))
@FUZZ
@given(data=st.data())
def test_iio_call(name: str, data: st.DataObject) -> None:
    with fuzzed("iio") as world:
        OPS[name](world, data)
