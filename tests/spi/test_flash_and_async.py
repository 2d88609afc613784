"""Conformance: the serial flash model (command framing by chip select) and asynchronous submission."""

from __future__ import annotations

import asyncio
import errno
import threading
from functools import partial

import pytest

from linuxhw import DeviceError, spi
from linuxhw.spi import Message, Transfer
from tests.spi.conftest import SpiWorld
from tests.waiting import DEADLINE

WREN, RDSR, READ, FAST_READ, PROGRAM, SECTOR_ERASE = 0x06, 0x05, 0x03, 0x0B, 0x02, 0x20


def status(flash: spi.Device) -> int:
    return flash.transfer(bytes([RDSR, 0]))[1]


def wait_idle(flash: spi.Device) -> list[int]:
    seen = [status(flash) for _ in range(3)]
    assert seen[-1] & 1 == 0
    return seen


def program(flash: spi.Device, address: int, data: bytes) -> None:
    flash.write(bytes([WREN]))
    flash.write(bytes([PROGRAM]) + address.to_bytes(3, "big") + data)
    wait_idle(flash)


def read(flash: spi.Device, address: int, size: int) -> bytes:
    return flash.write_then_read(bytes([READ]) + address.to_bytes(3, "big"), size)


def erase(flash: spi.Device, address: int) -> None:
    flash.write(bytes([WREN]))
    flash.write(bytes([SECTOR_ERASE]) + address.to_bytes(3, "big"))
    wait_idle(flash)


def test_jedec_id(flash: spi.Device) -> None:
    assert flash.write_then_read(b"\x9f", 3) == b"\xef\x40\x11"


def test_program_busy_then_read_back(flash: spi.Device) -> None:
    erase(flash, 0x1000)
    flash.write(bytes([WREN]))
    assert status(flash) & 0b10  # WEL
    flash.write(bytes([PROGRAM, 0x00, 0x10, 0x00]) + b"linuxhw")
    assert [status(flash) & 1 for _ in range(3)] == [1, 1, 0]  # busy for exactly two status reads
    assert status(flash) & 0b10 == 0  # WEL cleared by the program
    assert read(flash, 0x1000, 8) == b"linuxhw\xff"
    fast = flash.write_then_read(bytes([FAST_READ, 0x00, 0x10, 0x00, 0x00]), 7)
    assert fast == b"linuxhw"


def test_page_program_wraps_within_the_page_and_only_clears_bits(flash: spi.Device) -> None:
    erase(flash, 0x2000)
    program(flash, 0x20FE, b"ABCD")
    assert read(flash, 0x20FE, 2) == b"AB"
    assert read(flash, 0x2000, 2) == b"CD"  # wrapped to the start of the 256-byte page
    program(flash, 0x2000, b"\x0f")
    assert read(flash, 0x2000, 1) == bytes([ord("C") & 0x0F])


def test_program_without_write_enable_is_ignored(flash: spi.Device) -> None:
    erase(flash, 0x3000)
    flash.write(bytes([PROGRAM, 0x00, 0x30, 0x00]) + b"nope")
    assert status(flash) & 1 == 0
    assert read(flash, 0x3000, 4) == b"\xff" * 4


def test_cs_change_frames_commands_inside_one_message(flash: spi.Device) -> None:
    erase(flash, 0x4000)
    flash.transfer(Message([Transfer(bytes([WREN]), cs_change=True),
                            Transfer(bytes([PROGRAM, 0x00, 0x40, 0x00]) + b"one-ioctl")]))  # fmt: skip
    wait_idle(flash)
    assert read(flash, 0x4000, 9) == b"one-ioctl"


def test_fifo_submission_with_callbacks(flash: spi.Device) -> None:
    erase(flash, 0x5000)
    statuses: list[int] = []
    futures = [
        flash.submit(Transfer(bytes([WREN])), statuses.append),
        flash.submit(Transfer(bytes([PROGRAM, 0x00, 0x50, 0x00]) + b"fifo"), statuses.append),
        flash.submit(Transfer(bytes([RDSR, 0, 0, 0]), rx=True), statuses.append),
    ]
    assert [f.result(10) for f in futures] == [1, 8, 4]
    assert statuses == [0, 0, 0]
    wait_idle(flash)
    assert read(flash, 0x5000, 4) == b"fifo"


def test_a_fault_aborts_the_message_and_reports_a_negative_errno(flash: spi.Device) -> None:
    statuses: list[int] = []
    future = flash.submit(Message([Transfer(b"\x9f\x00"), Transfer(b"abc", bits_per_word=16)]), statuses.append)
    with pytest.raises(DeviceError):
        future.result(10)
    assert statuses == [-22]


def test_cancel_only_before_start(flash: spi.Device) -> None:
    gate = threading.Event()
    started = flash._queue.submit(partial(gate.wait, 5))
    queued = flash.submit(Transfer(bytes([WREN])))
    assert queued.cancel()
    gate.set()
    started.result(5)
    assert status(flash) & 0b10 == 0  # the cancelled write-enable never reached the flash


def test_asyncio_twin_and_awrite(flash: spi.Device) -> None:
    async def scenario() -> bytes:
        reply = Transfer(rx=3)
        await flash.transfer_async([Transfer(b"\x9f"), reply])
        return bytes(reply.data or b"")

    assert asyncio.run(scenario()) == b"\xef\x40\x11"
    done: list[int] = []
    assert flash.awrite(bytes([0x04]), done.append).result(10) == 1
    assert done == [0]


def test_a_message_spidev_would_refuse_is_refused_by_submit_and_never_queued(
    world: SpiWorld, loopback: spi.Device
) -> None:
    statuses: list[int] = []
    with pytest.raises(ValueError, match="bufsiz is 4096: split it"):
        loopback.submit(Message([Transfer(bytes(1364)) for _ in range(3)]), statuses.append)
    with pytest.raises(ValueError, match="bufsiz is 4096: split it"):
        loopback.awrite(bytes(4097), statuses.append)
    with pytest.raises(ValueError, match="bufsiz is 4096: split it"):
        asyncio.run(loopback.transfer_async(Transfer(rx=5000)))
    with pytest.raises(TypeError, match="callback must be a callable"):
        loopback.submit(Transfer(b"x"), "print")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="made of Transfer objects"):
        loopback.submit([Transfer(b"x"), b"y"])  # type: ignore[list-item]
    assert (statuses, world.wire()) == ([], [])  # nothing reached the device, no callback waits


def test_the_callback_hears_of_every_failure(loopback: spi.Device, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(message: Message) -> int:
        raise RuntimeError("not an OSError")

    monkeypatch.setattr(loopback, "_run", broken)
    statuses: list[int] = []
    with pytest.raises(RuntimeError, match="not an OSError"):
        loopback.submit(Transfer(b"x"), statuses.append).result(DEADLINE)
    assert statuses == [-errno.EIO]
