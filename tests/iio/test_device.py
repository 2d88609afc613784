"""IIO devices and channels on both backends: found by name, channels from their attributes, values
in the ABI's units, sampling frequency, output channels, errors that name the attribute."""

from __future__ import annotations

import errno

import pytest

from linuxhw import iio
from linuxhw.errors import DeviceError, DeviceNotFoundError
from tests.iio.conftest import NAME, RAW, IioWorld


def test_found_by_name_with_its_nodes(world: IioWorld) -> None:
    info = next(i for i in iio.devices(world.backend) if i.name == NAME)
    device = world.device()
    assert device.info == info
    assert device.dev_path == f"/dev/iio:device{info.number}"
    assert device.path.endswith(f"iio:device{info.number}")


def test_an_unknown_name_lists_what_there_is(world: IioWorld) -> None:
    with pytest.raises(DeviceNotFoundError, match=rf"no IIO device named 'nothing-here'.*'{NAME}'") as caught:
        iio.Device("nothing-here", backend=world.backend)
    assert caught.value.errno == errno.ENOENT


def test_channels_are_what_the_driver_declares(world: IioWorld) -> None:
    device = world.device()
    names = [c.name for c in device.channels]
    assert names[:5] == ["voltage0", "voltage1-voltage2", "voltage3-voltage4", "accel_x", "timestamp"]
    assert set(names[5:]) == {"activity_running", "activity_walking", "steps", "voltage0"}
    assert [c.name for c in device.channels if c.output] == ["voltage0"]
    accel = device.channel("accel_x")
    assert (accel.type, accel.index, accel.modifier, accel.unit) == ("accel", None, "x", "m/s²")
    assert device.channel("voltage1-voltage2").id.index2 == 2


def test_values_are_raw_plus_offset_times_scale(world: IioWorld) -> None:
    device = world.device()
    voltage0 = device.channel("voltage0")
    assert (voltage0.read_raw(), voltage0.offset(), voltage0.scale()) == (73, 7.0, 0.001333)
    assert voltage0.read() == pytest.approx((73 + 7) * 0.001333)
    assert voltage0.unit == "mV"
    for name in ("voltage1-voltage2", "voltage3-voltage4"):  # in_voltage-voltage_scale: shared by type
        channel = device.channel(name)
        assert channel.attribute_name("scale") == "in_voltage-voltage_scale"
        assert channel.read() == pytest.approx(RAW[name] * 0.000001344)
    assert device.channel("accel_x").read() == 34.0  # no scale: raw as is


def test_processed_channels_read_their_input(world: IioWorld) -> None:
    device = world.device()
    assert device.channel("steps").read() == 47.0
    assert device.channel("activity_running").read() == 98.0
    with pytest.raises(ValueError, match=r"channel steps of IIO device 'lhw-dummy' has no 'raw' attribute"):
        device.channel("steps").read_raw()


def test_sampling_frequency_shared_by_direction(world: IioWorld) -> None:
    device = world.device()
    assert device.sampling_frequency == pytest.approx(3.000000033)
    assert device.channel("voltage0").attribute_name("sampling_frequency") == "in_sampling_frequency"
    assert device.sampling_frequency_available is None


def test_an_output_channel_takes_raw_codes(world: IioWorld) -> None:
    dac = world.device().channel("out_voltage0")
    assert dac.output and dac.read_raw() == 0
    dac.write_raw(1234)
    assert dac.read_raw() == 1234
    with pytest.raises(TypeError, match="value must be an int"):
        dac.write_raw(1.5)  # type: ignore[arg-type]


def test_an_info_the_driver_does_not_take_is_refused_naming_it(world: IioWorld) -> None:
    channel = world.device().channel("voltage0")
    with pytest.raises(DeviceError, match=r"write '0.5' to in_voltage0_scale failed: Invalid argument") as caught:
        channel.write_attribute("scale", 0.5)
    assert caught.value.errno == errno.EINVAL
    assert channel.scale() == 0.001333


def test_unknown_channel_names_what_is_allowed(world: IioWorld) -> None:
    with pytest.raises(ValueError, match=r"no channel 'voltage9'; it has voltage0, voltage1-voltage2"):
        world.device().channel("voltage9")
