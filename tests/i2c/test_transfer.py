"""Conformance: buses, I2C_RDWR transfers and addressing, on the mock and the kernel simulator."""

from __future__ import annotations

import errno
import os
import secrets

import pytest

from linuxhw import (
    ClosedError,
    DeviceBusyError,
    DeviceError,
    DeviceNotFoundError,
    NoAckError,
    UnsupportedError,
    i2c,
    mock,
)
from linuxhw.i2c import Functionality, Message
from tests.i2c.conftest import SIM_NAME, STUB_NAME, I2cWorld


def test_buses_lists_adapters_with_functionality(world: I2cWorld) -> None:
    found = {info.name: info for info in i2c.buses()}
    assert Functionality.I2C | Functionality.TEN_BIT_ADDR | Functionality.SMBUS_PEC in found[SIM_NAME].functionality
    assert Functionality.I2C not in found[STUB_NAME].functionality
    assert Functionality.SMBUS_WORD_DATA in found[STUB_NAME].functionality
    sim = found[SIM_NAME]
    for spec in (sim.number, sim.path, SIM_NAME):
        with i2c.Bus(spec) as bus:
            assert (bus.path, bus.number, bus.name) == (sim.path, sim.number, SIM_NAME)


def test_unknown_adapter_name(world: I2cWorld) -> None:
    with pytest.raises(DeviceNotFoundError, match="no I2C adapter named 'nope'"):
        i2c.Bus("nope")


def test_eeprom_page_write_wraps_and_sequential_read_wraps(sim_bus: i2c.Bus) -> None:
    eeprom = sim_bus.device(0x50)
    eeprom.write_register(0x10, bytes(range(8)))  # fill one 8-byte page
    eeprom.write_register(0x16, b"\xaa\xbb\xcc\xdd")  # runs past the page end: wraps to 0x10
    assert eeprom.read_register(0x10, 8) == b"\xcc\xdd\x02\x03\x04\x05\xaa\xbb"
    eeprom.write_register(0xFE, b"\x11")
    eeprom.write_register(0xFF, b"\x22")
    eeprom.write_register(0x00, b"\x33")
    assert eeprom.read_register(0xFE, 3) == b"\x11\x22\x33"  # sequential read wraps at the end
    assert eeprom.read(2) == eeprom.read_register(0x01, 2)  # current-address read continues


def test_sixteen_bit_word_address_eeprom(sim_bus: i2c.Bus) -> None:
    eeprom = sim_bus.device(0x51)
    payload = secrets.token_bytes(32)
    eeprom.write_register(0x0A20, payload, register_width=2)
    assert eeprom.read_register(0x0A20, 32, register_width=2) == payload
    assert eeprom.read_register_value(0x0A20, 2, register_width=2, byteorder="little") == int.from_bytes(
        payload[:2], "little"
    )


def test_one_transfer_with_repeated_start(sim_bus: i2c.Bus) -> None:
    sim_bus.device(0x1C).write_byte_data(0x20, 0x42)
    reply = Message.read(0x1C, 3)
    sim_bus.transfer(Message.write(0x1C, b"\x1f"), reply)
    assert len(reply.data) == 3 and reply.data[1] == 0x42
    assert sim_bus.write_then_read(0x1C, b"\x0f", 1) == b"\x6a"


def test_read_into_caller_buffer_without_copy(sim_bus: i2c.Bus) -> None:
    buffer = bytearray(4)
    view = memoryview(buffer)[1:3]
    sim_bus.transfer(Message.write(0x1C, b"\x0f"), Message.read(0x1C, view))
    assert buffer[1] == 0x6A


def test_write_message_leaves_caller_data_alone(sim_bus: i2c.Bus) -> None:
    data = bytes([0x30, 1, 2, 3])
    sim_bus.transfer(Message.write(0x1C, data))
    assert data == bytes([0x30, 1, 2, 3])
    assert sim_bus.device(0x1C).read_register(0x30, 3) == b"\x01\x02\x03"


def test_recv_len_reads_an_smbus_style_block(sim_bus: i2c.Bus) -> None:
    block = Message.read(0x1C, 0, recv_len=True)
    sim_bus.transfer(Message.write(0x1C, b"\xa0"), block)
    assert bytes(block.data) == bytes([11]) + b"linuxhw-sim"


def test_nostart_continues_the_previous_message(sim_bus: i2c.Bus) -> None:
    sim_bus.transfer(Message.write(0x1C, b"\x40"), Message.write(0x1C, b"\x77\x78", nostart=True))
    assert sim_bus.device(0x1C).read_register(0x40, 2) == b"\x77\x78"


def test_a_segment_decides_block_or_registers_at_its_first_read_byte(sim_bus: i2c.Bus) -> None:
    # Write the block command, then read on in the SAME segment (NOSTART): the read is a block.
    first, rest = Message.read(0x1C, 3, nostart=True), Message.read(0x1C, 5, nostart=True)
    sim_bus.transfer(Message.write(0x1C, b"\xa0"), first, rest)
    assert bytes(first.data) + bytes(rest.data) == bytes([11]) + b"linuxhw"  # one stream across both reads
    # A segment that starts reading at a register stays on registers, even when the pointer runs
    # into the block commands (0xa0..) in a NOSTART read that follows.
    sim_bus.transfer(Message.write(0x1C, b"\x9e\x01\x02\x03"))
    head, tail = Message.read(0x1C, 2), Message.read(0x1C, 2, nostart=True)
    sim_bus.transfer(Message.write(0x1C, b"\x9e"), head, tail)
    assert bytes(head.data) + bytes(tail.data) == b"\x01\x02\x03\x00"


def test_ten_bit_device(sim_bus: i2c.Bus) -> None:
    assert sim_bus.write_then_read(0x2A5, b"\x0f", 1, ten_bit=True) == b"\xa5"
    assert sim_bus.device(0x2A5, ten_bit=True).read_byte_data(0x0F) == 0xA5
    with pytest.raises(ValueError, match="7-bit"):
        Message.write(0x2A5, b"\x00")


def test_absent_address_is_no_ack_unless_ignored(sim_bus: i2c.Bus) -> None:
    with pytest.raises(NoAckError, match="no device acknowledged address 0x3d") as info:
        sim_bus.transfer(Message.write(0x3D, b"\x00"))
    assert info.value.address == 0x3D and info.value.errno == 6
    reply = Message.read(0x3D, 2, ignore_nak=True)
    sim_bus.transfer(reply)
    assert bytes(reply.data) == b"\xff\xff"


def test_address_owned_by_a_driver_is_busy_unless_forced(sim_bus: i2c.Bus) -> None:
    with pytest.raises(DeviceBusyError, match=r"a kernel driver owns it .* force=True"):
        sim_bus.device(0x34).read_byte()
    with pytest.raises(NoAckError):  # forced: the address is used, but no chip answers there
        sim_bus.device(0x34, force=True).read_byte()
    assert sim_bus.is_busy(0x34) and not sim_bus.is_busy(0x1C) and not sim_bus.is_busy(0x3D)
    assert sim_bus.device(0x1C).read_byte_data(0x0F) == 0x6A  # asking changed nothing for the next call
    with pytest.raises(ValueError, match=r"address must be 0\.\.0x7f"):
        sim_bus.is_busy(0x80)


def test_scan_like_i2cdetect(sim_bus: i2c.Bus) -> None:
    result = sim_bus.scan()
    assert result.present == (0x1C, 0x50, 0x51)
    assert result.busy == (0x34,)
    assert sim_bus.scan(0x50, 0x51, mode="read").present == (0x50, 0x51)


def test_transfer_arguments_checked_before_the_kernel(sim_bus: i2c.Bus) -> None:
    with pytest.raises(ValueError, match="1 to 42 messages"):
        sim_bus.transfer()
    with pytest.raises(ValueError, match="1 to 42 messages"):
        sim_bus.transfer(*[Message.write(0x1C, b"\x00")] * 43)
    with pytest.raises(ValueError, match=r"0\.\.8192 bytes"):
        Message.write(0x50, bytes(8193))
    with pytest.raises(TypeError, match="writable buffer"):
        Message.read(0x50, b"read-only")
    with pytest.raises(ValueError, match="at least 33 bytes"):
        Message.read(0x50, bytearray(8), recv_len=True)
    with pytest.raises(TypeError, match="Message objects"):
        sim_bus.transfer(b"\x00")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="address must be"):
        Message.read(0x80, 1)


def test_smbus_only_adapter_refuses_i2c_with_a_hint(stub_bus: i2c.Bus) -> None:
    with pytest.raises(UnsupportedError, match="'SMBus stub driver' is SMBus-only: use the SMBus methods"):
        stub_bus.transfer(Message.write(0x1C, b"\x00"))
    with pytest.raises(UnsupportedError, match="SMBus-only"):
        stub_bus.device(0x1C).read(1)
    with pytest.raises(UnsupportedError, match="lacks TEN_BIT_ADDR"):
        stub_bus.device(0x1C, ten_bit=True)


def test_adapter_settings(sim_bus: i2c.Bus) -> None:
    sim_bus.set_retries(2)
    sim_bus.set_timeout(0.5)
    with pytest.raises(ValueError, match="retries"):
        sim_bus.set_retries(-1)
    with pytest.raises(ValueError, match="timeout"):
        sim_bus.set_timeout(0)


def test_bus_lifecycle(world: I2cWorld) -> None:
    bus = world.sim_bus()
    device = bus.device(0x1C)
    bus.close()
    bus.close()
    with pytest.raises(ClosedError):
        device.read_byte_data(0x0F)
    forgotten = world.sim_bus()
    fd = forgotten.fileno()
    with pytest.warns(ResourceWarning, match="unclosed I2C bus"):
        del forgotten
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.fstat(fd)


@pytest.mark.parametrize(
    ("err", "message"),
    [
        (errno.ETIMEDOUT, "the bus timed out: a device may hold SCL or SDA low"),
        (errno.EAGAIN, "arbitration lost: another master drove the bus; retry"),
        (errno.EREMOTEIO, "no device acknowledged address 0x42"),
    ],
)
def test_bus_faults_come_with_a_sentence(err: int, message: str) -> None:
    """Mock only: a device model acts out faults that simulators cannot produce on demand."""

    class Faulty(mock.I2cTarget):
        def write(self, data: bytes) -> None:
            raise OSError(err, os.strerror(err))

    board = mock.Board()
    board.add_i2c_bus().attach(0x42, Faulty())
    with i2c.Bus(0, backend=board) as bus, pytest.raises(DeviceError, match=message) as info:
        bus.device(0x42).write_byte_data(0, 1)
    assert info.value.errno == err
