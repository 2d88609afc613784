"""Threads sharing one I2C bus: 7-bit, 10-bit and PEC devices, SMBus, I2C_RDWR and queued work side by
side, each answer checked (a transaction never goes to the address another thread selected); close()
waits for the transaction in flight and later calls raise ClosedError."""

from __future__ import annotations

import errno
from collections.abc import Callable

import pytest

from linuxhw import ClosedError, DeviceError
from linuxhw.i2c import Message
from tests.i2c.conftest import I2cWorld
from tests.threads import close_amid_calls, no_fd_leak, run_together

ROUNDS = 40  # per worker: modest, the kernel tier runs on one emulated CPU
WHO_AM_I = 0x0F


def test_threads_share_one_bus(world: I2cWorld) -> None:
    with no_fd_leak(), world.sim_bus() as bus:

        def registers(address: int, ten_bit: bool, first: int, who: int) -> Callable[[], None]:
            device = bus.device(address, ten_bit=ten_bit)

            def work() -> None:
                for i in range(ROUNDS):
                    register = first + i % 8
                    device.write_byte_data(register, (i * 7 + address) & 0xFF)
                    assert device.read_byte_data(register) == (i * 7 + address) & 0xFF, f"{address:#x} round {i}"
                    assert device.read_byte_data(WHO_AM_I) == who
                    device.write_word_data(register, 0xBEEF ^ i)
                    assert device.read_word_data(register) == 0xBEEF ^ i

            return work

        def pec() -> None:
            device = bus.device(0x1C, pec=True)  # the simulated chips send no PEC: every read fails alike
            for _ in range(ROUNDS):
                with pytest.raises(DeviceError) as info:
                    device.read_byte_data(WHO_AM_I)
                assert info.value.errno == errno.EBADMSG

        def eeprom() -> None:
            device = bus.device(0x50)
            for i in range(ROUNDS):
                page = bytes((i + k) & 0xFF for k in range(8))
                device.write_i2c_block_data(0x80, page)
                assert bus.write_then_read(0x50, b"\x80", 8) == page, f"round {i}"

        def queued() -> None:
            device = bus.device(0x1C)
            futures = [bus.submit(device.read_byte_data, WHO_AM_I) for _ in range(ROUNDS)]
            assert [future.result(30) for future in futures] == [0x6A] * ROUNDS

        run_together(
            {
                "0x1c": registers(0x1C, False, 0x20, 0x6A),
                "0x2a5 (10-bit)": registers(0x2A5, True, 0x40, 0xA5),
                "pec": pec,
                "eeprom": eeprom,
                "queued": queued,
            }
        )


def test_stub_bus_shared_by_threads(world: I2cWorld) -> None:
    """i2c-stub (SMBus only): each thread its own registers (two of them on one chip), all on one fd."""
    with no_fd_leak(), world.stub_bus() as bus:

        def chip(address: int, first: int) -> Callable[[], None]:
            device = bus.device(address)

            def work() -> None:
                for i in range(ROUNDS):
                    register = first + i % 16
                    device.write_byte_data(register, i)
                    assert device.read_byte_data(register) == i
                    device.write_word_data(register, 0x1234 + i)
                    assert device.read_word_data(register) == 0x1234 + i

            return work

        run_together({"0x1c": chip(0x1C, 0x00), "0x50": chip(0x50, 0x80), "0x1c, other registers": chip(0x1C, 0x40)})


def test_close_while_other_threads_transfer(world: I2cWorld) -> None:
    """A bus closed from one thread while others transfer: each call answers right or raises
    ClosedError; nothing leaks and the fd is closed once."""
    with no_fd_leak():
        bus = world.sim_bus()

        def who_am_i(address: int, ten_bit: bool, who: int) -> Callable[[], None]:
            device = bus.device(address, ten_bit=ten_bit)

            def call() -> None:
                assert device.read_byte_data(WHO_AM_I) == who
                reply = Message.read(address, 1, ten_bit=ten_bit)
                bus.transfer(Message.write(address, bytes([WHO_AM_I]), ten_bit=ten_bit), reply)
                assert bytes(reply.data) == bytes([who])

            return call

        close_amid_calls(bus, {"0x1c": who_am_i(0x1C, False, 0x6A), "0x2a5": who_am_i(0x2A5, True, 0xA5)}, ROUNDS)
        with pytest.raises(ClosedError):
            bus.device(0x1C).read_byte_data(WHO_AM_I)
