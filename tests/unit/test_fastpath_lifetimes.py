"""The C fast paths keep the lifetimes and overrides of the Python methods they stand in for. The mock
board is given the kernel backend's C state here, so these run wherever the mock tier runs."""

from __future__ import annotations

import fcntl
import functools
import gc
import os
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from linuxhw import ClosedError, DeviceError, _fastpath, gpio, i2c, mock, spi, use_backend
from linuxhw._kernel.real import RealBackend
from linuxhw._uapi import ffi, lib
from linuxhw.gpio import EdgeEvent
from linuxhw.gpio._edge_events import EDGE_TYPES

pytestmark = pytest.mark.mock_only


@pytest.fixture
def board_with_c_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[mock.Board]:
    """The demo board, making the C objects the kernel backend makes for SPI writes and SMBus reads."""
    monkeypatch.setattr(mock.Board, "spi_calls", RealBackend.spi_calls)
    monkeypatch.setattr(mock.Board, "smbus_reads", RealBackend.smbus_reads)
    with use_backend(mock.demo_board()) as board:
        yield board  # type: ignore[misc]


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # the device is dropped unclosed on purpose
def test_a_kept_write_of_a_collected_device_reaches_no_other_file(board_with_c_state: mock.Board,
                                                                  tmp_path: Path) -> None:  # fmt: skip
    device = spi.Device((0, 1))
    number, write = device._fd, device.write
    assert type(write).__name__ == "SpiWriter"
    del device
    gc.collect()  # its fd is closed, and the number free for the next file
    other = os.open(tmp_path / "other", os.O_RDWR | os.O_CREAT)
    try:
        assert other == number
        with pytest.raises(ReferenceError, match="device of this write"):
            write(b"not for this file")
        assert os.fstat(other).st_size == 0
    finally:
        os.close(other)


def test_a_subclass_transfer_is_called(board_with_c_state: mock.Board) -> None:
    calls = []

    class Logged(spi.Device):
        def transfer(self, what: object) -> object:  # type: ignore[override]
            calls.append(what)
            return super().transfer(what)

    with Logged((0, 1)) as device:
        device.transfer(b"\x9f\x00\x00\x00")
    assert calls == [b"\x9f\x00\x00\x00"]


def test_a_bus_in_a_cycle_with_its_device_is_collected(board_with_c_state: mock.Board) -> None:
    bus = i2c.Bus("linuxhw i2c simulator")
    device = bus.device(0x1C)
    assert type(device._c_reads).__name__ == "SmbusReads"
    bus.owner = device  # type: ignore[attr-defined]  # bus -> device -> bus, the device with its C state
    gone = weakref.ref(bus)
    bus.close()
    del bus, device
    gc.collect()
    assert gone() is None


def test_a_failed_c_read_raises_the_devices_error_with_the_os_error_as_context(
    board_with_c_state: mock.Board,
) -> None:
    """The C read hands the kernel's errno to the device's Python helper, the one way errors come back."""
    with i2c.Bus("linuxhw i2c simulator") as bus:
        device = bus.device(0x1C)
        device.read_byte_data(0)  # the Python method: it selects the device, and the C reads may follow
        refused = ioctl_errno(bus._fd, lib.I2C_SMBUS)  # the mock's fd is no i2c-dev: ENOTTY (qemu-user: ENOSYS)
        with pytest.raises(DeviceError, match="SMBus read byte at 0x1c") as info:
            device.read_byte_data(0)  # the C read
    assert info.value.errno == refused
    assert isinstance(info.value.__context__, OSError) and info.value.__context__.errno == refused


def ioctl_errno(fd: int, request: int) -> int:
    """The errno this system answers ``request`` on ``fd`` with (its argument, a zeroed i2c_smbus_ioctl_data)."""
    try:
        fcntl.ioctl(fd, request, bytearray(ffi.sizeof("struct i2c_smbus_ioctl_data")))
    except OSError as exc:
        return exc.errno or 0
    raise AssertionError(f"ioctl {request:#x} on fd {fd} succeeded")


def test_a_failed_c_write_raises_the_devices_error(board_with_c_state: mock.Board) -> None:
    with spi.Device((0, 1)) as device:
        assert type(device.write).__name__ == "SpiWriter"
        with pytest.raises(DeviceError, match="SPI write failed") as info:
            device.write(b"\x01")  # the mock's fd takes no write(2)
    assert info.value.errno == info.value.__context__.errno  # type: ignore[union-attr]


def test_edge_events_from_c_hash_as_their_tuples() -> None:
    record = ffi.new("struct gpio_v2_line_event *", {"timestamp_ns": 5, "id": 1, "offset": 3, "seqno": 1})
    (event,) = _fastpath.edge_events(ffi.buffer(record), 1, EdgeEvent, EDGE_TYPES)
    assert event == tuple(event)
    assert hash(event) == hash(tuple(event))  # Python 3.14 caches a tuple's hash: C must not leave it 0


def test_a_message_longer_than_its_buffer_is_refused() -> None:
    with pytest.raises(ValueError, match="length 5 is more than the buffer's 4 bytes"):
        i2c.Message(0x50, 0, bytearray(4), 5)


@pytest.mark.parametrize("setter", [False, True], ids=["get_value", "set_value"])
def test_a_line_key_that_closes_the_request_meanwhile_gets_closed_error(
    monkeypatch: pytest.MonkeyPatch, setter: bool
) -> None:
    """The C get/set looks the line up with the key's own __eq__: Python code, during which another
    thread may close the request. The call holds the gate from before the lookup (it crashed here)."""
    monkeypatch.setattr(mock.Board, "gpio_values", RealBackend.gpio_values)
    board = mock.Board()
    chip = board.add_gpio_chip(4)
    request = gpio.request_lines(
        f"/dev/{chip.chip_name}", {0: gpio.LineSettings(direction=gpio.Direction.OUTPUT)}, backend=board
    )
    assert type(request._c_values).__name__ == "GpioValues"

    class ClosingKey:
        def __hash__(self) -> int:
            return hash(0)

        def __eq__(self, other: object) -> bool:
            request.close()  # as another thread would, while this one runs the key's Python code
            return other == 0

    key: Any = ClosingKey()  # a line key as the C lookup sees it: anything hashable
    call = functools.partial(request.set_value, key, 1) if setter else functools.partial(request.get_value, key)
    with pytest.raises(ClosedError):
        call()
    assert board.open_files() == 0
