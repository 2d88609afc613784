"""Conformance: SMBus over the simulator bus (emulated over I2C by i2c-core, or by the mock)."""

from __future__ import annotations

import asyncio
import errno
import secrets
import threading

import pytest

from linuxhw import ClosedError, DeviceError, NoAckError, _fastpath, i2c
from tests.i2c.conftest import I2cWorld
from tests.waiting import DEADLINE


@pytest.fixture
def chip(sim_bus: i2c.Bus) -> i2c.Device:
    return sim_bus.device(0x1C)


def test_byte_and_word_data(chip: i2c.Device) -> None:
    assert chip.read_byte_data(0x0F) == 0x6A
    chip.write_byte_data(0x50, 0x12)
    chip.write_byte_data(0x51, 0x34)
    assert chip.read_word_data(0x50) == 0x3412  # SMBus words are little-endian on the wire
    chip.write_word_data(0x52, 0xBEEF)
    assert chip.read_register(0x52, 2) == b"\xef\xbe"
    assert chip.read_register_value(0x52, 2, byteorder="little") == 0xBEEF
    chip.write_register_value(0x54, -2, 2, signed=True)
    assert chip.read_register_value(0x54, 2, signed=True) == -2


def test_send_and_receive_byte_use_the_pointer(chip: i2c.Device) -> None:
    chip.write_byte(0x0F)
    assert chip.read_byte() == 0x6A
    chip.quick()
    chip.quick(read=True)


def test_process_call(chip: i2c.Device) -> None:
    chip.write_register(0x62, b"\x55\x66")
    assert chip.process_call(0x60, 0x1234) == 0x6655  # written at 0x60/0x61, answer read from 0x62/0x63
    assert chip.read_register(0x60, 2) == b"\x34\x12"


def test_smbus_blocks(chip: i2c.Device) -> None:
    assert chip.read_block_data(0xA0) == b"linuxhw-sim"
    payload = secrets.token_bytes(32)
    chip.write_block_data(0xA5, payload)
    assert chip.read_block_data(0xA5) == payload
    chip.write_block_data(0xB2, b"abc")
    assert chip.read_block_data(0xB2) == b"cba"
    assert chip.block_process_call(0xB3, b"\x01\x02\x03\x04") == b"\x04\x03\x02\x01"


def test_empty_block_is_a_protocol_error(chip: i2c.Device) -> None:
    with pytest.raises(DeviceError, match=r"SMBus block length outside 1\.\.32") as info:
        chip.read_block_data(0xAF)
    assert info.value.errno == errno.EPROTO


def test_i2c_block_up_to_32_and_beyond(sim_bus: i2c.Bus) -> None:
    eeprom = sim_bus.device(0x50)
    payload = secrets.token_bytes(8)
    eeprom.write_i2c_block_data(0x40, payload)  # one 8-byte page
    assert eeprom.read_i2c_block_data(0x40, 8) == payload
    long = eeprom.read_i2c_block_data(0x00, 200)  # > 32: one I2C transfer on an I2C adapter
    assert len(long) == 200 and long[0x40:0x48] == payload


def test_pec_mismatch_is_detected(sim_bus: i2c.Bus) -> None:
    """The simulated chips do not send PEC, so a PEC read must fail with EBADMSG, as on hardware."""
    with pytest.raises(DeviceError, match="PEC mismatch") as info:
        sim_bus.device(0x1C, pec=True).read_byte_data(0x0F)
    assert info.value.errno == errno.EBADMSG
    assert sim_bus.device(0x1C).read_byte_data(0x0F) == 0x6A  # PEC off again for a plain device


def test_smbus_arguments_checked_before_the_kernel(chip: i2c.Device) -> None:
    with pytest.raises(ValueError, match=r"register must be a byte 0\.\.255"):
        chip.read_byte_data(256)
    with pytest.raises(ValueError, match=r"value must be a 16-bit word"):
        chip.write_word_data(0, 1 << 16)
    with pytest.raises(ValueError, match=r"1\.\.32 bytes, not 33"):
        chip.write_block_data(0xA0, bytes(33))
    with pytest.raises(ValueError, match=r"1\.\.32 bytes, not 0"):
        chip.block_process_call(0xB0, b"")
    with pytest.raises(ValueError, match="register_width must be 1 or 2"):
        chip.read_register(0, register_width=3)
    with pytest.raises(ValueError, match="does not fit"):
        chip.write_register_value(0, 300, 1)


def test_asyncio_twins_complete_in_fifo_order(sim_bus: i2c.Bus) -> None:
    chip = sim_bus.device(0x1C)

    async def scenario() -> list[object]:
        return await asyncio.gather(  # type: ignore[no-any-return]
            chip.write_byte_data_async(0x70, 1),
            chip.read_byte_data_async(0x70),
            chip.write_byte_data_async(0x70, 2),
            chip.read_byte_data_async(0x70),
            sim_bus.transfer_async(i2c.Message.write(0x1C, b"\x70\x03")),
            chip.read_register_async(0x70),
        )

    results = asyncio.run(scenario())
    assert results == [None, 1, None, 2, None, b"\x03"]


def test_cancel_before_start_removes_the_call(sim_bus: i2c.Bus) -> None:
    chip = sim_bus.device(0x1C)
    chip.write_byte_data(0x71, 0)
    gate = threading.Event()
    blocker = sim_bus.submit(gate.wait, DEADLINE)
    queued = sim_bus.submit(chip.write_byte_data, 0x71, 0x99)
    assert queued.cancel()
    gate.set()
    blocker.result(DEADLINE)
    assert chip.read_byte_data(0x71) == 0
    started = threading.Event()
    release = threading.Event()

    def slow_write() -> None:
        started.set()
        release.wait(DEADLINE)
        chip.write_byte_data(0x71, 0x42)

    running = sim_bus.submit(slow_write)
    assert started.wait(DEADLINE), "the queued call never started"
    assert not running.cancel()  # already started: it completes
    release.set()
    running.result(DEADLINE)
    assert chip.read_byte_data(0x71) == 0x42


def test_byte_and_word_reads_are_c_calls_on_the_kernel_that_defer_everything_else(
    world: I2cWorld, sim_bus: i2c.Bus
) -> None:
    chip = sim_bus.device(0x1C)
    read = chip.read_byte_data
    assert isinstance(chip._c_reads, _fastpath.SmbusReads) == (world.board is None)  # the kernel backend
    assert read(0x0F) == read(0x0F) == 0x6A  # the first selects the address (the Python path)
    chip.write_word_data(0x50, 0x3412)
    assert chip.read_word_data(0x50) == chip.read_word_data(0x50) == 0x3412
    assert sim_bus.device(0x1C).read_byte_data(0x0F) == 0x6A  # another device object selected...
    assert read(0x0F) == 0x6A  # ...so this one selects again
    assert chip.read_byte_data(register=0x0F) == 0x6A  # keywords: the Python method
    for bad in (256, -1, True, 1.0):
        with pytest.raises(ValueError, match="register must be a byte"):
            read(bad)  # type: ignore[arg-type]
    absent = sim_bus.device(0x3D)
    for _ in range(2):  # the Python path, then (address selected) the C one: the same error
        with pytest.raises(NoAckError, match=r"SMBus read byte at 0x3d failed: .*no device acknowledged address 0x3d"):
            absent.read_byte_data(0)
    sim_bus.close()
    with pytest.raises(ClosedError):
        read(0x0F)
