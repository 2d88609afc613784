"""The MCP9808 model against its data sheet: register map and power-on values, conversions every
t_CONV at the chosen resolution, two's complement with flags, shutdown and the limit locks."""

from __future__ import annotations

import pytest

from linuxhw import i2c, mock
from tests.mock.clock import FakeClock, fake_clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return fake_clock(monkeypatch, "linuxhw.mock.mcp9808")


def test_registers_and_conversions(clock: FakeClock) -> None:
    sensor = mock.Mcp9808(temperature=25.0)
    board = mock.Board()
    board.add_i2c_bus("t").attach(0x18, sensor)
    with i2c.Bus("t", backend=board) as bus:
        device = bus.device(0x18)

        def word(pointer: int) -> int:
            return device.read_register_value(pointer, 2)

        assert [word(p) for p in range(8)] == [0x001F, 0, 0, 0, 0, 0x0190 | 0x8000 | 0x4000, 0x0054, 0x0400]
        assert device.read_register(8, 2) == b"\x03\x03"  # the 8-bit resolution register, repeated
        assert device.read_register(5, 4) == b"\xc1\x90\xc1\x90"  # no auto-increment
        sensor.temperature = -0.1
        clock.now += 250_000_000 - 1
        assert word(5) & 0x1FFF == 0x0190  # the conversion under way shows nothing yet
        clock.now += 1
        assert word(5) & 0x1FFF == 0x1FFE  # -0.125 °C: two's complement, rounded down
        device.write_register_value(2, 0xFFFF, 2)  # T_UPPER keeps its sign and 2^7 .. 2^-2 bits
        device.write_register_value(3, 0x1FC0, 2)  # T_LOWER: -4 °C
        assert word(2) == 0x1FFC and word(5) >> 13 == 0b010  # above T_UPPER (-0.25 °C), under T_CRIT (0)
        device.write_register_value(1, 0x0100, 2)  # shutdown
        sensor.temperature = 50.0
        clock.now += 10**9
        assert word(5) & 0x1FFF == 0x1FFE  # no conversions while shut down
        device.write_register_value(1, 0x00C0, 2)  # awake, both locks set
        device.write_register(8, b"\x00")  # 0.5 °C, 30 ms
        clock.now += 30_000_000
        assert word(5) & 0x1FFF == 50 * 16
        device.write_register_value(4, 0x0640, 2)
        device.write_register_value(1, 0x0000, 2)  # the locks stay until power-on reset
        assert word(4) == 0 and word(1) == 0x00C0
