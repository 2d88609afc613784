"""Conformance: what the SPI core and spidev accept, refuse or quietly change, as measured on 6.12
(the mock's model) and 6.1 (where the real kernel differs, the test says so)."""

from __future__ import annotations

import errno
import platform
import time

import pytest

from linuxhw import DeviceError, spi
from linuxhw.spi import Message, Mode, Transfer, transfer
from linuxhw.spi.transfer import DMA_MINALIGN, dma_minalign
from tests.conftest import SPIDEV_SETS_MOSI_IDLE_LOW
from tests.spi.conftest import SpiWorld


def aligned(length: int) -> int:
    return -(-length // DMA_MINALIGN) * DMA_MINALIGN


def test_modes_spidev_refuses(world: SpiWorld, loopback: spi.Device) -> None:
    refused = [Mode.CS_WORD, Mode.MOSI_IDLE_HIGH, Mode.TX_DUAL | Mode.TX_QUAD, Mode.THREE_WIRE | Mode.RX_DUAL]
    newer = world.board is not None or SPIDEV_SETS_MOSI_IDLE_LOW  # the mock models 6.12's spidev
    if not newer:
        refused += [Mode.MOSI_IDLE_LOW | Mode.MODE_2, Mode.THREE_WIRE_HIZ]
    for mode in refused:
        with pytest.raises(DeviceError) as info:
            loopback.mode = mode
        assert info.value.errno == errno.EINVAL
        assert loopback.mode == Mode.MODE_0  # unchanged
    if newer:
        loopback.mode = Mode.MOSI_IDLE_LOW | Mode.MODE_2
        assert loopback.mode == Mode.MOSI_IDLE_LOW | Mode.MODE_2


def test_three_wire_transfers_go_one_way(loopback: spi.Device) -> None:
    loopback.mode = Mode.THREE_WIRE
    loopback.write(b"out")
    with pytest.raises(DeviceError, match="Invalid argument"):
        loopback.transfer(b"both")


def test_speed_limits(world: object, loopback: spi.Device) -> None:
    loopback.transfer(Transfer(b"x", speed_hz=100_000_000))  # above the controller's 50 MHz: clamped
    with pytest.raises(DeviceError, match="Invalid argument"):
        loopback.transfer(Transfer(b"x", speed_hz=999))  # below its 1 kHz minimum


def test_bufsiz_counts_each_transfer_rounded_up_as_spidev_does(world: SpiWorld, loopback: spi.Device) -> None:
    loopback.transfer(Message([Transfer(bytes(2048)), Transfer(bytes(2048))]))
    loopback.transfer(Message([Transfer(bytes(2047)), Transfer(rx=2041), Transfer(bytes(2041), rx=True)]))
    three = 3 * aligned(1364)
    counting = rf"moves 4092 bytes one way \(spidev counts {three}: each transfer rounded up to {DMA_MINALIGN} bytes"
    for refused in ([Transfer(bytes(1364)) for _ in range(3)], [Transfer(rx=1364) for _ in range(3)]):
        with pytest.raises(ValueError, match=counting):  # 4092 <= 4096, but not as the kernel counts
            loopback.transfer(Message(refused))
    with pytest.raises(ValueError, match=rf"moves 4096 bytes one way \(spidev counts {aligned(2049) + 2048}"):
        loopback.transfer(Message([Transfer(bytes(2049)), Transfer(bytes(2047))]))
    assert [w.length for w in world.wire()] == [2048, 2048, 2047, 2041, 2041]  # nothing refused reached it


def test_emsgsize_from_the_kernel_names_bufsiz(loopback: spi.Device, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer, "DMA_MINALIGN", 1)  # as if this machine's alignment were unknown to linuxhw
    with pytest.raises(DeviceError, match=rf"bufsiz is 4096 bytes each way per message, each transfer rounded up "
                                          rf"to {DMA_MINALIGN} bytes") as info:  # fmt: skip
        loopback.transfer(Message([Transfer(bytes(2049)), Transfer(bytes(2047))]))
    assert info.value.errno == errno.EMSGSIZE


@pytest.mark.parametrize(("machine", "alignment"), [("x86_64", 8), ("i686", 8), ("aarch64", 128), ("armv8l", 128),
                                                    ("armv7l", 64), ("armv6l", 32), ("riscv64", 64),
                                                    ("an unknown one", 128)])  # fmt: skip
def test_dma_alignment_by_architecture(machine: str, alignment: int) -> None:
    assert dma_minalign(machine) == alignment
    assert dma_minalign(platform.machine()) == DMA_MINALIGN


def test_delays_are_spent(world: SpiWorld, loopback: spi.Device) -> None:
    start = time.monotonic()
    loopback.transfer(Message([Transfer(b"\x01", delay_us=30_000), Transfer(b"\x02", delay_us=30_000)]))
    assert time.monotonic() - start >= 0.06
    start = time.monotonic()
    loopback.transfer(Transfer(bytes(201), word_delay_us=250))  # 200 word gaps of 250 us
    assert time.monotonic() - start >= 0.05
    assert [(w.delay_us, w.length) for w in world.wire()] == [(30_000, 1), (30_000, 1), (0, 201)]


def test_loop_mode_echoes_even_the_flash(flash: spi.Device) -> None:
    flash.mode = Mode.LOOP
    assert flash.transfer(b"\x9f\x00\x00\x00") == b"\x9f\x00\x00\x00"
    flash.mode = Mode.MODE_0
    assert flash.write_then_read(b"\x9f", 3) == b"\xef\x40\x11"


def test_no_cs_never_selects_the_flash(flash: spi.Device) -> None:
    flash.mode = Mode.NO_CS
    assert flash.transfer(b"\x9f\x00\x00\x00") == b"\xff" * 4
    flash.mode = Mode.MODE_0


def test_default_speed_is_the_device_maximum(world: object) -> None:
    from tests.spi.conftest import SpiWorld

    assert isinstance(world, SpiWorld)
    with spi.Device(world.flash_path) as flash:
        assert flash.max_speed_hz == 25_000_000
        world.clear_wire()
        flash.write_then_read(b"\x9f", 3)
        assert {w.speed_hz for w in world.wire()} == {25_000_000}
