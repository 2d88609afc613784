"""Conformance: spidev transfers and messages on the loopback device."""

from __future__ import annotations

import gc
import os
import secrets

import pytest

from linuxhw import ClosedError, DeviceError, _fastpath, spi
from linuxhw.spi import Message, Mode, Transfer
from tests.spi.conftest import SpiWorld


@pytest.mark.parametrize("size", [1, 4, 255, 4096])
def test_full_duplex_loopback(loopback: spi.Device, size: int) -> None:
    data = secrets.token_bytes(size)
    assert loopback.transfer(data) == data


def test_half_duplex_calls(loopback: spi.Device) -> None:
    assert loopback.read(5) == bytes(5)  # nothing sent: the loopback echoes zeros
    loopback.write(b"abc")
    assert loopback.write_then_read(b"xyz", 2) == bytes(2)


@pytest.mark.parametrize("data", [b"\x01\x02\x03\x04", bytearray(b"\x01\x02\x03\x04"), memoryview(b"\x01\x02\x03\x04")])
def test_write_and_read_are_one_transfer_at_the_device_settings(
    world: SpiWorld, loopback: spi.Device, data: bytes | bytearray | memoryview
) -> None:
    loopback.max_speed_hz = 2_000_000
    world.clear_wire()
    loopback.write(data)
    assert loopback.read(3) == bytes(3)
    loopback.write(b"")  # nothing to send: no transfer, chip select untouched
    assert [(w.length, w.speed_hz, w.bits_per_word, w.tx_nbits, w.rx_nbits) for w in world.wire()] == [
        (4, 2_000_000, 8, 1, 0),
        (3, 2_000_000, 8, 0, 1),
    ]


def test_write_and_read_report_the_kernel_refusal_and_closed_devices(world: SpiWorld) -> None:
    device = spi.Device(world.loopback_path, bits_per_word=16)
    with pytest.raises(DeviceError, match=r"SPI write.*Invalid argument") as info:
        device.write(b"abc")  # an odd byte count cannot be 16-bit words
    assert info.value.errno == 22
    with pytest.raises(DeviceError, match=r"SPI read.*Invalid argument"):
        device.read(3)
    device.close()
    with pytest.raises(ClosedError):
        device.write(b"ab")
    with pytest.raises(ClosedError):
        device.read(2)


def test_write_is_a_c_call_on_the_kernel_that_defers_everything_else(world: SpiWorld) -> None:
    device = spi.Device(world.loopback_path)
    write = device.write
    assert isinstance(write, _fastpath.SpiWriter) == (world.board is None)  # the kernel backend
    world.clear_wire()
    write(b"ab")
    write(bytearray(b"cd"))
    write(memoryview(b"ef"))  # not bytes: the Python path
    write(bytes(5000), split=True)  # a keyword, and past bufsiz: the Python path
    assert [w.length for w in world.wire()] == [2, 2, 2, 4096, 904]
    with pytest.raises(ValueError, match="split=True"):
        write(bytes(5000))
    device.close()
    with pytest.raises(ClosedError):
        write(b"ab")
    del device
    gc.collect()
    if isinstance(write, _fastpath.SpiWriter):
        with pytest.raises(ReferenceError, match="device of this write"):
            write(b"ab")


def test_transfer_of_bytes_is_a_c_call_on_the_kernel_that_defers_everything_else(world: SpiWorld) -> None:
    device = spi.Device(world.loopback_path)
    transfer = device.transfer
    assert isinstance(transfer, _fastpath.SpiWriter) == (world.board is None)  # the kernel backend
    world.clear_wire()
    assert transfer(b"ab") == b"ab"
    assert transfer(bytearray(b"cd")) == b"cd"
    assert transfer(memoryview(b"ef")) == b"ef"  # not bytes: the Python path
    assert transfer(Transfer(b"gh")) is None  # a Transfer: the Python path
    assert [w.length for w in world.wire()] == [2, 2, 2, 2]
    device.close()
    with pytest.raises(ClosedError):
        transfer(b"ab")


def test_caller_data_is_never_modified_and_rx_can_be_in_place(loopback: spi.Device) -> None:
    tx = bytearray(b"\x01\x02\x03")
    rx = bytearray(3)
    loopback.transfer(Transfer(tx, rx))
    assert (tx, rx) == (bytearray(b"\x01\x02\x03"), bytearray(b"\x01\x02\x03"))
    in_place = bytearray(b"swap")
    loopback.transfer(Transfer(in_place, in_place))
    assert in_place == bytearray(b"swap")
    view = memoryview(bytearray(8))[2:6]
    loopback.transfer(Transfer(b"ABCD", view))
    assert bytes(view) == b"ABCD"


def test_message_runs_as_one_ioctl_with_per_transfer_settings(world: SpiWorld, loopback: spi.Device) -> None:
    first = Transfer(b"\x11\x22", rx=True, speed_hz=500_000, delay_us=10, cs_change=True)
    second = Transfer(rx=3, bits_per_word=8)
    third = Transfer(b"\x33", speed_hz=250_000)
    loopback.transfer(Message([first, second, third]))
    assert bytes(first.data or b"") == b"\x11\x22"
    assert bytes(second.data or b"") == bytes(3)
    assert third.data is None
    wire = world.wire()
    assert [(w.length, w.speed_hz, w.cs_change, w.delay_us) for w in wire] == [
        (2, 500_000, True, 10),
        (3, 1_000_000, False, 0),
        (1, 250_000, False, 0),
    ]
    assert {w.bits_per_word for w in wire} == {8}


def test_transfer_arguments_checked_before_the_kernel(loopback: spi.Device) -> None:
    with pytest.raises(ValueError, match="disagree"):
        Transfer(b"abc", rx=2)
    with pytest.raises(ValueError, match="give tx, rx or length"):
        Transfer()
    with pytest.raises(ValueError, match=r"tx_nbits must be one of \(0, 1, 2, 4, 8\)"):
        Transfer(b"a", tx_nbits=3)
    with pytest.raises(ValueError, match=r"bits_per_word must be an int 0\.\.32"):
        Transfer(b"a", bits_per_word=33)
    with pytest.raises(ValueError, match=r"1 to 511 transfers"):
        Message([Transfer(b"a")] * 512)
    with pytest.raises(TypeError, match="writable"):
        Transfer(b"a", rx=b"b")
    with pytest.raises(ValueError, match="bufsiz is 4096: split it"):
        loopback.transfer(bytes(4097))
    with pytest.raises(ValueError, match="bufsiz is 4096"):
        loopback.transfer(Message([Transfer(bytes(3000)), Transfer(bytes(3000))]))


def test_long_streams_split_only_when_allowed(world: SpiWorld, loopback: spi.Device) -> None:
    with pytest.raises(ValueError, match="split=True"):
        loopback.write(bytes(5000))
    loopback.write(bytes(5000), split=True)
    assert [w.length for w in world.wire()] == [4096, 904]
    assert len(loopback.read(4100, split=True)) == 4100


def test_settings_read_back(loopback: spi.Device) -> None:
    loopback.mode = Mode.MODE_3 | Mode.LSB_FIRST
    assert loopback.mode == Mode.MODE_3 | Mode.LSB_FIRST and loopback.mode.clock_mode == 3
    loopback.mode = Mode.MODE_0
    loopback.max_speed_hz = 2_000_000
    assert loopback.max_speed_hz == 2_000_000
    loopback.bits_per_word = 16
    assert loopback.bits_per_word == 16
    assert loopback.transfer(b"\x01\x02\x03\x04") == b"\x01\x02\x03\x04"
    loopback.bits_per_word = 8
    with pytest.raises(ValueError, match="max_speed_hz must be"):
        loopback.max_speed_hz = 0
    with pytest.raises(ValueError, match=r"bits_per_word must be 1\.\.32"):
        loopback.bits_per_word = 33


def test_wide_transfers_need_the_mode(loopback: spi.Device) -> None:
    with pytest.raises(DeviceError) as info:
        loopback.transfer(Transfer(b"ab", tx_nbits=4))
    assert info.value.errno == 22
    loopback.mode = Mode.TX_QUAD | Mode.RX_QUAD
    loopback.transfer(Transfer(b"ab", rx=True, tx_nbits=4, rx_nbits=4))
    loopback.mode = Mode.MODE_0


def test_odd_length_with_16_bit_words_is_refused(loopback: spi.Device) -> None:
    with pytest.raises(DeviceError, match="Invalid argument"):
        loopback.transfer(Transfer(b"abc", bits_per_word=16))


def test_devices_lists_spidev_nodes(world: SpiWorld) -> None:
    found = {info.path: info for info in spi.devices()}
    assert world.loopback_path in found and world.flash_path in found
    assert found[world.flash_path].bufsiz == 4096


def test_device_lifecycle(world: SpiWorld) -> None:
    device = spi.Device(world.loopback_path)
    device.close()
    device.close()
    with pytest.raises(ClosedError):
        device.transfer(b"x")
    forgotten = spi.Device(world.loopback_path)
    fd = forgotten.fileno()
    with pytest.warns(ResourceWarning, match="unclosed SPI device"):
        del forgotten
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.fstat(fd)
