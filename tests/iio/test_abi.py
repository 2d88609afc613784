"""The IIO ABI's text forms, as the kernel writes them: attribute names, scan types and their
layout (iio_compute_scan_bytes), _available lists, numbers as iio_str_to_fixpoint parses them."""

from __future__ import annotations

import struct

import pytest

from linuxhw.iio import parse_scan_type
from linuxhw.iio._names import ChannelId, parse_attribute
from linuxhw.iio._values import format_value, parse_available
from linuxhw.iio.scan import Layout, Scan


@pytest.mark.parametrize(
    ("name", "channel", "direction", "info", "available"),
    [
        ("in_voltage0_raw", ChannelId(False, "voltage", 0), "in", "raw", False),
        ("in_voltage1-voltage2_raw", ChannelId(False, "voltage", 1, 2), "in", "raw", False),
        ("in_accel_x_peak_raw", ChannelId(False, "accel", modifier="x"), "in", "peak_raw", False),
        ("in_intensity0_ir_raw", ChannelId(False, "intensity", 0, modifier="ir"), "in", "raw", False),
        ("in_voltage0_supply_raw", ChannelId(False, "voltage", 0, extend_name="supply"), "in", "raw", False),
        ("out_voltage0_raw", ChannelId(True, "voltage", 0), "out", "raw", False),
        ("in_temp_input", ChannelId(False, "temp"), "in", "input", False),
        ("in_voltage0_scale_available", ChannelId(False, "voltage", 0), "in", "scale", True),
        ("in_sampling_frequency", None, "in", "sampling_frequency", False),
        ("sampling_frequency_available", None, None, "sampling_frequency", True),
    ],
)
def test_attribute_names_split_as_the_core_joins_them(
    name: str, channel: ChannelId | None, direction: str | None, info: str, available: bool
) -> None:
    parsed = parse_attribute(name)
    assert parsed is not None
    assert (parsed.channel, parsed.direction, parsed.info, parsed.available) == (channel, direction, info, available)
    if channel is not None:
        assert f"{channel.direction}_{channel.name}_{info}" == name.removesuffix("_available")


@pytest.mark.parametrize("name", ["name", "dev", "current_timestamp_clock", "in_bogus0_raw", "x_scale"])
def test_other_attributes_are_no_channel_info(name: str) -> None:
    assert parse_attribute(name) is None


def test_shared_forms_most_specific_first() -> None:
    assert ChannelId(False, "voltage", 0).lookup("scale") == (
        "in_voltage0_scale", "in_voltage_scale", "in_scale", "scale"
    )  # fmt: skip
    assert ChannelId(False, "voltage", 1, 2).lookup("scale")[1] == "in_voltage-voltage_scale"
    assert ChannelId(False, "voltage", 0).lookup("label") == ("in_voltage0_label",)


@pytest.mark.parametrize(
    ("text", "fields", "size"),
    [
        ("le:s12/16>>4", ("le", True, 12, 16, 4, 1), 2),
        ("be:u16/16>>0", ("be", False, 16, 16, 0, 1), 2),
        ("le:s16/16X4>>0", ("le", True, 16, 16, 0, 4), 8),
        ("le:s64/64>>0", ("le", True, 64, 64, 0, 1), 8),
    ],
)
def test_scan_types(text: str, fields: tuple[object, ...], size: int) -> None:
    st = parse_scan_type(text, "t")
    assert (st.endian, st.signed, st.realbits, st.storagebits, st.shift, st.repeat) == fields
    assert st.size == size and str(st) == text


@pytest.mark.parametrize("text", ["le:s12/12>>4", "le:s17/16>>0", "le:s8/24>>0", "xe:s8/8>>0", "le:s12/16"])
def test_malformed_scan_types_name_the_attribute(text: str) -> None:
    with pytest.raises(ValueError, match="in_voltage0_type"):
        parse_scan_type(text, "in_voltage0_type")


def test_each_element_aligned_to_its_size_timestamp_last() -> None:
    u8 = parse_scan_type("le:u8/8>>0", "a")
    s32 = parse_scan_type("be:s24/32>>8", "b")
    layout = Layout([("b", 2, s32), ("a", 0, u8)], parse_scan_type("le:s64/64>>0", "t"))
    assert [(e.name, e.offset) for e in layout.elements] == [("a", 0), ("b", 4)]
    assert layout.timestamp is not None and layout.timestamp.offset == 8 and layout.size == 16
    data = bytes([200, 0, 0, 0]) + struct.pack(">i", -5 << 8) + struct.pack("<q", -1)
    assert layout.decode(data * 2, 2) == [Scan((200, -5), -1)] * 2
    with pytest.raises(ValueError, match="2 scans of 16 bytes need 32 bytes, not 16"):
        layout.decode(data, 2)


def test_repeated_elements_and_the_padding_to_the_largest() -> None:
    quat = parse_scan_type("le:s16/16X4>>0", "q")
    u8 = parse_scan_type("le:u8/8>>0", "a")
    layout = Layout([("a", 0, u8), ("q", 1, quat)], None)
    assert [(e.name, e.offset) for e in layout.elements] == [("a", 0), ("q", 8)] and layout.size == 16
    data = bytes([1] + [0] * 7) + struct.pack("<4h", 1, -2, 3, -4)
    assert layout.decode(data, 1) == [Scan((1, (1, -2, 3, -4)), None)]


def test_available_lists_and_ranges() -> None:
    listed = parse_available("1 10 100.5\n", "x")
    assert listed.values == (1.0, 10.0, 100.5) and 10 in listed and 11 not in listed
    ranged = parse_available("[0 5 100]", "x")
    assert ranged.is_range and 35 in ranged and 36 not in ranged and 105 not in ranged
    with pytest.raises(ValueError, match=r"in_scale_available holds '\[0 5\]'"):
        parse_available("[0 5]", "in_scale_available")


def test_numbers_written_as_the_core_parses_them() -> None:
    assert format_value(100, "f") == "100"
    assert format_value(1e-05, "f") == "0.00001"
    assert format_value(2.5, "f") == "2.5"
    with pytest.raises(ValueError, match="f must be a finite number"):
        format_value(float("nan"), "f")
    with pytest.raises(TypeError, match="f must be a number"):
        format_value(True, "f")


def test_numpy_decoding_matches_the_scan_decoding() -> None:
    numpy = pytest.importorskip("numpy")
    types = {
        "a": parse_scan_type("le:s12/16>>4", "a"),
        "b": parse_scan_type("be:u10/16>>2", "b"),
        "q": parse_scan_type("le:s16/16X3>>0", "q"),
        "w": parse_scan_type("le:u64/64>>0", "w"),
    }
    layout = Layout(
        [(name, index, st) for index, (name, st) in enumerate(types.items())], parse_scan_type("le:s64/64>>0", "t")
    )
    rng = numpy.random.default_rng(28)
    data = rng.integers(0, 256, size=layout.size * 50, dtype=numpy.uint8).tobytes()
    arrays = layout.decode_numpy(data, 50)
    scans = layout.decode(data, 50)
    for position, name in enumerate(layout.channels):
        expected = [scan.values[position] for scan in scans]
        assert arrays[name].tolist() == [list(v) if isinstance(v, tuple) else v for v in expected], name
    assert arrays["timestamp"].tolist() == [scan.timestamp for scan in scans]
    assert numpy.dtype(layout.numpy_dtype()).itemsize == layout.size
