"""Fuzzing linuxhw.i2c: every public constructor and call with hostile arguments on a checked mock board.

The demo board's bus /dev/i2c-1 has an EEPROM at 0x50, a register chip at 0x1c and a 10-bit chip at 0x2a5.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linuxhw import i2c
from tests.fuzz.harness import Fuzzed, Op, anything, either, function_op, fuzzed, method_op, optional
from tests.fuzz.profiles import FUZZ
from tests.fuzz.strategies import buffers, sizes, small_ints

addresses = either(st.one_of(st.sampled_from([0x50, 0x1C, 0x2A5, 0x51, 0x7F, 0x80, 0x3FF]), st.integers(-2, 0x400)))
bytes_ = either(st.integers(-2, 0x101))
words = either(st.integers(-2, 0x10001))
flags = either(st.sampled_from([False, True]))
io = either(buffers)
io_sizes = either(sizes)
byteorders = either(st.sampled_from(["big", "little", "middle"]))
widths = either(st.integers(0, 5))
buses = either(st.sampled_from([0, 1, 2, -1, "/dev/i2c-1", "i2c-1", "linuxhw i2c simulator", "nope"]))


def _bus() -> i2c.Bus:
    return i2c.Bus(1)


class _OnDevice:
    """Opens the bus and a device on it (EEPROM, or the 10-bit chip) and closes both."""

    def __init__(self, ten_bit: bool) -> None:
        self.ten_bit = ten_bit

    def __enter__(self) -> i2c.Device:
        self.bus = _bus()
        return self.bus.device(0x2A5 if self.ten_bit else 0x50, ten_bit=self.ten_bit)

    def __exit__(self, *exc: object) -> None:
        self.bus.close()


def _device_call(method: str, *args: st.SearchStrategy[Any], **kwargs: st.SearchStrategy[Any]) -> Op:
    def op(world: Fuzzed, data: st.DataObject) -> None:
        method_op(lambda: _OnDevice(data.draw(st.booleans())), method, *args, **kwargs)(world, data)

    return op


def _message(world: Fuzzed, data: st.DataObject) -> None:
    world.call(i2c.Message, data.draw(addresses), data.draw(either(small_ints)), data.draw(io), data.draw(io_sizes))


def _message_write(world: Fuzzed, data: st.DataObject) -> None:
    options = data.draw(optional(ten_bit=flags, nostart=flags, rev_dir_addr=flags, ignore_nak=flags))
    world.call(i2c.Message.write, data.draw(addresses), data.draw(io), **options)


def _message_read(world: Fuzzed, data: st.DataObject) -> None:
    options = data.draw(
        optional(ten_bit=flags, nostart=flags, rev_dir_addr=flags, ignore_nak=flags, no_rd_ack=flags, recv_len=flags)
    )
    world.call(i2c.Message.read, data.draw(addresses), data.draw(either(st.one_of(sizes, buffers))), **options)


def _transfer(world: Fuzzed, data: st.DataObject) -> None:
    messages = []
    for _ in range(data.draw(st.integers(0, 3))):
        reading = data.draw(st.booleans())
        make = i2c.Message.read if reading else i2c.Message.write
        message = world.call(make, data.draw(addresses), data.draw(st.one_of(sizes, buffers) if reading else io))
        messages.append(message if message is not None else data.draw(anything))
    with _bus() as bus:
        world.call(bus.transfer, *messages)


def _device(world: Fuzzed, data: st.DataObject) -> None:
    with _bus() as bus:
        world.call(i2c.Device, bus, data.draw(addresses), **data.draw(optional(ten_bit=flags, force=flags, pec=flags)))


OPS: dict[str, Op] = {
    "Bus": function_op(i2c.Bus, buses),
    "Device": _device,
    "Message": _message,
    "Message.write": _message_write,
    "Message.read": _message_read,
    "Bus.transfer": _transfer,
    "Bus.write_then_read": method_op(_bus, "write_then_read", addresses, io, io_sizes, ten_bit=flags),
    "Bus.set_retries": method_op(_bus, "set_retries", either(small_ints)),
    "Bus.set_timeout": method_op(_bus, "set_timeout", either(st.floats(-1, 100))),
    "Bus.device": method_op(_bus, "device", addresses, ten_bit=flags, force=flags, pec=flags),
    "Bus.is_busy": method_op(_bus, "is_busy", addresses, ten_bit=flags),
    "Bus.scan": method_op(_bus, "scan", addresses, addresses, either(st.sampled_from(["auto", "quick", "read", "x"]))),
    "Device.read": _device_call("read", either(st.one_of(sizes, buffers))),
    "Device.write": _device_call("write", io),
    "Device.write_then_read": _device_call("write_then_read", io, either(st.one_of(sizes, buffers))),
    "Device.read_register": _device_call(
        "read_register", words, io_sizes, register_width=widths, register_order=byteorders
    ),
    "Device.write_register": _device_call(
        "write_register", words, io, register_width=widths, register_order=byteorders
    ),
    "Device.read_register_value": _device_call(
        "read_register_value", words, widths, byteorder=byteorders, signed=flags, register_width=widths
    ),
    "Device.write_register_value": _device_call(
        "write_register_value", words, either(st.integers()), widths, byteorder=byteorders, signed=flags
    ),
    "Device.quick": _device_call("quick", flags),
    "Device.write_byte": _device_call("write_byte", bytes_),
    "Device.read_byte_data": _device_call("read_byte_data", bytes_),
    "Device.write_byte_data": _device_call("write_byte_data", bytes_, bytes_),
    "Device.read_word_data": _device_call("read_word_data", bytes_),
    "Device.write_word_data": _device_call("write_word_data", bytes_, words),
    "Device.process_call": _device_call("process_call", bytes_, words),
    "Device.read_block_data": _device_call("read_block_data", bytes_),
    "Device.write_block_data": _device_call("write_block_data", bytes_, io),
    "Device.block_process_call": _device_call("block_process_call", bytes_, io),
    "Device.read_i2c_block_data": _device_call("read_i2c_block_data", bytes_, io_sizes),
    "Device.write_i2c_block_data": _device_call("write_i2c_block_data", bytes_, io),
}


@pytest.mark.parametrize("name", list(OPS))
@FUZZ
@given(data=st.data())
def test_i2c_call(name: str, data: st.DataObject) -> None:
    with fuzzed("i2c") as world:
        OPS[name](world, data)
