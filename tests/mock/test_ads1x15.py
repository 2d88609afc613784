"""The ADS1015/ADS1115 models against the data sheet: power-on registers, the OS bit and conversion
time, the PGA, the MUX, continuous mode, and the comparator / conversion-ready on ALERT/RDY."""

from __future__ import annotations

import time

import pytest

from linuxhw import gpio, i2c, mock
from linuxhw.gpio import Bias, Direction, Edge, EdgeType, LineSettings
from tests.mock.clock import FakeClock, fake_clock
from tests.waiting import DEADLINE, read_edge_events


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return fake_clock(monkeypatch, "linuxhw.mock.ads1x15")


def _device(model: mock.I2cTarget, board: mock.Board | None = None) -> tuple[i2c.Bus, i2c.Device]:
    board = board or mock.Board()
    board.add_i2c_bus("adc").attach(0x48, model)
    bus = i2c.Bus("adc", backend=board)
    return bus, bus.device(0x48)


def _read(device: i2c.Device, pointer: int) -> int:
    return device.read_register_value(pointer, 2)


def test_power_on_registers() -> None:
    bus, device = _device(mock.Ads1115())
    with bus:
        assert [_read(device, p) for p in range(4)] == [0, 0x8583, 0x8000, 0x7FFF]
        assert device.read_register(1, 4) == b"\x85\x83\x85\x83"  # no auto-increment
        device.write_register_value(0, 0x1234, 2)  # the conversion register is read-only
        assert _read(device, 0) == 0


def test_single_shot_takes_one_period(clock: FakeClock) -> None:
    adc = mock.Ads1115()
    adc.set_voltage(0, 1.5)
    adc.set_voltage(1, 0.25)
    bus, device = _device(adc)
    with bus:
        device.write_register_value(
            1, 0x8000 | 0x4 << 12 | 0x1 << 9 | 0x0100 | 0x0 << 5 | 0x3, 2
        )  # AIN0, ±4.096 V, 8 SPS
        assert _read(device, 1) & 0x8000 == 0  # converting
        clock.now += 125_000_000 - 1
        assert _read(device, 1) & 0x8000 == 0 and _read(device, 0) == 0
        clock.now += 1
        assert _read(device, 1) == 0x8000 | 0x4 << 12 | 0x1 << 9 | 0x0100 | 0x3  # done; MODE/DR/PGA as written
        assert _read(device, 0) == 12000  # 1.5 V / 4.096 V * 32768
        device.write_register_value(1, 0x8000 | 0x0 << 12 | 0x2 << 9 | 0x0100 | 0x7 << 5 | 0x3, 2)  # AIN0-AIN1, ±2.048
        clock.now += round(1e9 / 860)
        assert _read(device, 0) == 20000  # 1.25 V / 2.048 V * 32768
        adc.set_voltage(0, 5.0)
        device.write_register_value(1, 0x8000 | 0x4 << 12 | 0x2 << 9 | 0x0100 | 0x7 << 5 | 0x3, 2)
        clock.now += round(1e9 / 860)
        assert _read(device, 0) == 0x7FFF  # past full scale: clamped
        adc.set_voltage(0, -3.0)
        device.write_register_value(1, 0x8000 | 0x4 << 12 | 0x2 << 9 | 0x0100 | 0x7 << 5 | 0x3, 2)
        clock.now += round(1e9 / 860)
        assert _read(device, 0) == 0x8000 and adc.conversions == 4


def test_continuous_mode_and_the_12_bit_part(clock: FakeClock) -> None:
    adc = mock.Ads1015()
    adc.set_voltage(3, 1.0)
    bus, device = _device(adc)
    with bus:
        assert _read(device, 1) == 0x8583
        device.write_register_value(1, 0x7 << 12 | 0x1 << 9 | 0x4 << 5 | 0x3, 2)  # AIN3, ±4.096 V, continuous 1600
        assert _read(device, 1) & 0x8000 == 0  # always converting
        clock.now += 625_000
        assert _read(device, 0) == 500 << 4  # 12 bits, left-justified
        adc.set_voltage(3, 2.0)
        assert _read(device, 0) == 500 << 4  # until the next conversion completes
        clock.now += 625_000
        assert _read(device, 0) == 1000 << 4 and adc.conversions == 2
    with pytest.raises(ValueError, match=r"channel must be 0\.\.3"):
        adc.set_voltage(4, 0.0)


def _alert_board(adc: mock.Ads1115) -> tuple[mock.Board, gpio.LineRequest]:
    board = mock.Board()
    soc = board.add_gpio_chip(8, label="soc")
    soc.attach(adc, alert=4)
    request = gpio.request_lines(
        "soc", {4: LineSettings(direction=Direction.INPUT, edge=Edge.BOTH, bias=Bias.PULL_UP)}, backend=board
    )
    return board, request


def test_conversion_ready_pulses_per_continuous_conversion() -> None:
    adc = mock.Ads1115()
    board, alert = _alert_board(adc)
    bus, device = _device(adc, board)
    with bus, alert:
        assert alert.get_value(4) == 1  # released, pulled up
        device.write_register_value(3, 0x8000, 2)  # Hi_thresh MSB 1, Lo_thresh MSB 0: conversion ready
        device.write_register_value(2, 0x0000, 2)
        device.write_register_value(1, 0x4 << 12 | 0x2 << 9 | 0x7 << 5 | 0x0, 2)  # continuous, 860 SPS, queue 1
        events = three_edges_in_a_row(alert)
        device.write_register_value(1, 0x8583, 2)  # back to single-shot, comparator off
    assert events[1].timestamp_ns - events[0].timestamp_ns == 8_000  # the ~8 µs pulse
    assert events[2].timestamp_ns - events[0].timestamp_ns == round(1e9 / 860)


def three_edges_in_a_row(request: gpio.LineRequest) -> list[gpio.EdgeEvent]:
    """A falling edge and the two after it, by line_seqno. A reader slower than 860 pulses a second loses
    the oldest when the event buffer overflows (as the kernel's does), so it reads until it has a run."""
    events: list[gpio.EdgeEvent] = []
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        events += request.read_edge_events(timeout=1)
        for a, b, c in zip(events, events[1:], events[2:]):
            if a.type is EdgeType.FALLING and (b.line_seqno, c.line_seqno) == (a.line_seqno + 1, a.line_seqno + 2):
                return [a, b, c]
    raise AssertionError(f"no three edges in a row came within {DEADLINE:g} s: {events}")


def test_traditional_comparator_latches_until_read() -> None:
    adc = mock.Ads1115()
    adc.set_voltage(0, 1.0)
    board, alert = _alert_board(adc)
    bus, device = _device(adc, board)
    with bus, alert:
        device.write_register_value(3, 8000, 2)  # Hi_thresh: 8000 codes = 0.5 V at ±2.048 V
        device.write_register_value(2, 4000, 2)
        single = 0x8000 | 0x4 << 12 | 0x2 << 9 | 0x0100 | 0x7 << 5 | 0x4  # latching, active low, queue 1
        device.write_register_value(1, single, 2)
        assert read_edge_events(alert, 1)[0].type is EdgeType.FALLING  # 16000 > 8000
        adc.set_voltage(0, 0.0)
        device.write_register_value(1, single, 2)
        board.wait_for(lambda: adc.conversions == 2, "the second conversion")
        assert alert.get_value(4) == 0  # latched though the input fell below Lo_thresh
        assert _read(device, 0) == 0
        assert read_edge_events(alert, 1)[0].type is EdgeType.RISING  # reading the data released it
