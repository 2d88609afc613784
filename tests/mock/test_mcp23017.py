"""The MCP23017 model against its data sheet: both banks, byte and sequential modes, pins, polarity,
interrupt-on-change and DEFVAL compare, INTCAP/INTF cleared by reads, INT pins on mock GPIO lines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from linuxhw import gpio, i2c, mock
from linuxhw.gpio import Bias, Direction, Edge, EdgeType, LineSettings
from tests.waiting import read_edge_events


@pytest.fixture
def expander() -> Iterator[tuple[mock.Mcp23017, i2c.Device, mock.MockGpioChip]]:
    board = mock.Board()
    soc = board.add_gpio_chip(8, label="soc")
    chip = mock.Mcp23017()
    board.add_i2c_bus("io").attach(0x20, chip)
    with i2c.Bus("io", backend=board) as bus:
        yield chip, bus.device(0x20), soc


def test_power_on_and_sequential_reads(expander: tuple[mock.Mcp23017, i2c.Device, mock.MockGpioChip]) -> None:
    _, device, _ = expander
    assert device.read_register(0x00, 0x16) == b"\xff\xff" + bytes(20)
    assert device.read_register(0x15, 2) == b"\x00\xff"  # rolls over from OLATB to IODIRA
    device.write_register(0x0A, b"\x02")  # IOCON at 0x0A ...
    assert device.read_register(0x0B, 1) == b"\x02"  # ... is IOCON at 0x0B too
    device.write_register(0x0B, b"\x03")
    assert device.read_byte_data(0x0A) == 0x02  # bit 0 is unimplemented


def test_byte_mode_toggles_a_and_b(expander: tuple[mock.Mcp23017, i2c.Device, mock.MockGpioChip]) -> None:
    _, device, _ = expander
    device.write_register(0x00, b"\x00\x00")  # all outputs
    device.write_register(0x14, b"\x5a\xa5")  # OLATA, OLATB
    device.write_byte_data(0x0A, 0x20)  # SEQOP: byte mode
    assert device.read_register(0x12, 4) == b"\x5a\xa5\x5a\xa5"  # GPIOA, GPIOB, GPIOA, ... (BANK = 0)
    device.write_byte_data(0x0A, 0xA0)  # BANK = 1 as well: the pointer stays
    assert device.read_register(0x19, 3) == b"\xa5\xa5\xa5"  # GPIOB lives at 0x19 in bank 1


def test_bank_1_addresses(expander: tuple[mock.Mcp23017, i2c.Device, mock.MockGpioChip]) -> None:
    chip, device, _ = expander
    device.write_byte_data(0x0A, 0x80)  # BANK = 1: IOCON is now at 0x05 and 0x15
    assert device.read_byte_data(0x05) == 0x80 and device.read_byte_data(0x15) == 0x80
    device.write_register(0x10, b"\x0f")  # IODIRB
    assert chip.registers[0x01] == 0x0F and device.read_byte_data(0x0B) == 0  # 0x0B: unimplemented now
    assert device.read_register(0x09, 3) == b"\x00\x00\x00"  # GPIOA, OLATA, then a hole
    device.write_byte_data(0x05, 0x00)  # back to bank 0 through bank 1's address
    assert device.read_byte_data(0x01) == 0x0F


def test_pins_pull_ups_and_polarity(expander: tuple[mock.Mcp23017, i2c.Device, mock.MockGpioChip]) -> None:
    chip, device, _ = expander
    assert device.read_byte_data(0x12) == 0x00  # floating inputs, no pull-ups
    device.write_byte_data(0x0C, 0x81)  # GPPUA: pins 0 and 7
    chip.set_input(7, 0)  # something pulls pin 7 low against its pull-up
    device.write_byte_data(0x02, 0x03)  # IPOLA: pins 0 and 1 read inverted
    assert device.read_byte_data(0x12) == 0b0000_0010
    device.write_byte_data(0x00, 0xFE)  # pin 0 an output: IPOL does not apply
    device.write_byte_data(0x12, 0x01)  # writes OLATA
    assert chip.levels()[0] == 1 and chip.registers[0x14] == 0x01 and device.read_byte_data(0x12) & 1 == 1
    with pytest.raises(ValueError, match="pin must be"):
        chip.set_input(16, 1)


def test_interrupts_drive_the_int_pins(expander: tuple[mock.Mcp23017, i2c.Device, mock.MockGpioChip]) -> None:
    chip, device, soc = expander
    soc.attach(chip, inta=0, intb=1)
    settings = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH, bias=Bias.PULL_UP)
    with gpio.request_lines("soc", {0: settings, 1: settings}, backend=soc.board) as lines:
        assert lines.get_values() == [1, 1]  # push-pull, active low, idle high
        device.write_byte_data(0x05, 0x01)  # GPINTENB: pin 8 interrupts on change
        chip.set_input(8, 1)
        assert read_edge_events(lines, 1)[0].line_offset == 1 and lines.get_values() == [1, 0]
        chip.set_input(8, 0)  # a second change while pending: INTCAP keeps the first
        assert device.read_byte_data(0x0F) == 0x01 and device.read_byte_data(0x11) == 0x01  # INTFB, INTCAPB
        assert read_edge_events(lines, 1)[0].type is EdgeType.RISING  # reading INTCAPB cleared it
        device.write_byte_data(0x0A, 0x46)  # MIRROR, open drain (ODR beats INTPOL)
        device.write_byte_data(0x07, 0x01)  # DEFVALB: 1 ...
        device.write_byte_data(0x09, 0x01)  # ... INTCONB: compare against it (pin 8 is 0)
        events = read_edge_events(lines, 2)
        assert {e.line_offset for e in events} == {0, 1} and lines.get_values() == [0, 0]
        assert device.read_byte_data(0x13) == 0x00  # reading GPIOB clears, but pin 8 still differs ...
        assert device.read_byte_data(0x0F) == 0x01  # ... so it interrupts again at once
        chip.set_input(8, 1)
        device.read_byte_data(0x13)
        assert read_edge_events(lines, 2) and lines.get_values() == [1, 1]
