"""A user's test file for the plugin, run by pytester in the mock tier (mock only) and the kernel tier (both)."""

from __future__ import annotations

USER_TESTS = """
import pytest
from linuxhw import gpio, i2c, spi
from linuxhw.gpio import Direction, Edge, LineSettings

BOTH = pytest.mark.linuxhw_backends("mock", "kernel")


@BOTH
def test_gpio_edge_and_output(linuxhw_hardware):
    chip = linuxhw_hardware.add_gpio_chip(4, names=["DRDY", "LED"])
    settings = {
        "DRDY": LineSettings(direction=Direction.INPUT, edge=Edge.RISING),
        "LED": LineSettings(direction=Direction.OUTPUT),
    }
    with gpio.Chip(chip.label) as handle, handle.request_lines(settings) as request:
        request.set_value("LED", 1)
        assert chip.get_value("LED") == 1
        chip.set_pull("DRDY", 1)
        events = request.read_edge_events(timeout=30)
        assert [e.line_offset for e in events] == [chip.offset("DRDY")]


@BOTH
def test_i2c_registers(linuxhw_hardware):
    regs = linuxhw_hardware.add_i2c_registers([0x48, 0x49])
    regs.set(0x48, 0x10, b"\\x01\\x02\\x03")
    with i2c.Bus(regs.number) as bus:
        assert bus.device(0x48).read_i2c_block_data(0x10, 3) == b"\\x01\\x02\\x03"
        bus.device(0x49).write_byte_data(0x20, 0x5A)
    assert regs.get(0x49, 0x20) == 0x5A


@BOTH
def test_i2c_sim_and_spi_sim(linuxhw_hardware):
    with i2c.Bus(linuxhw_hardware.i2c_sim()) as bus:
        assert bus.device(0x1C).read_byte_data(0x0F) == 0x6A
    loopback, flash = linuxhw_hardware.spi_sim()
    with spi.Device(loopback) as device:
        assert device.transfer(b"ping") == b"ping"
    with spi.Device(flash) as device:
        assert device.transfer(b"\\x9f\\x00\\x00\\x00")[1:] == b"\\xef\\x40\\x11"


@BOTH
def test_a_leak_fails_at_teardown(linuxhw_hardware):
    chip = linuxhw_hardware.add_gpio_chip(2)
    pytest.leaked = gpio.Chip(chip.path)  # kept alive, never closed


def test_leak_is_closed_again(linuxhw_mock):
    pytest.leaked.close()
"""
"""Four tests per backend; ``test_a_leak_fails_at_teardown`` errors at teardown, then the last one tidies up."""
