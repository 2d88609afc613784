"""Real signals while the main thread is blocked in the kernel, where only the kernel can block it: a
dma-buf sync waiting for a fence (sw_sync), an SPI message with long delays (spi-sim) and a slow I2C
transfer (i2c-sim's xfer_delay_ms). The signal is sent once the thread is seen in the ioctl.

- DMA_BUF_IOCTL_SYNC waits interruptibly: the kernel answers EINTR, the library makes the call again
  after a handler that returns (as the dma-buf documentation asks) and lets a raised exception out.
- spidev's and i2c-dev's transfers wait uninterruptibly (spi_sync's completion, the adapter's lock and
  its transfer): the transfer finishes, then the handler runs; an exception it raises comes out of
  the call after the bytes moved.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
from collections.abc import Iterator

import pytest

from linuxhw import ClosedError, dmabuf, i2c, spi
from linuxhw.spi import Transfer
from tests.conftest import DMA_HEAP_SYSTEM, require_kernel_devices
from tests.spi.conftest import SpiWorld
from tests.threads import close_when_blocked, helper, signal_when_blocked
from tests.waiting import DEADLINE

pytestmark = pytest.mark.kernel

SW_SYNC = "/sys/kernel/debug/sync/sw_sync"
I2C_DELAY = "/sys/module/lhw_i2c_sim/parameters/xfer_delay_ms"
_FENCE = struct.Struct("I32si")  # struct sw_sync_create_fence_data (drivers/dma-buf/sw_sync.c, not in uapi)


def _ioc(direction: int, kind: str, number: int, size: int) -> int:
    """The kernel's _IOC() encoding (asm-generic/ioctl.h): sw_sync's ioctls have no uapi header."""
    return direction << 30 | size << 16 | ord(kind) << 8 | number


SW_SYNC_IOC_CREATE_FENCE = _ioc(3, "W", 0, _FENCE.size)
SW_SYNC_IOC_INC = _ioc(1, "W", 1, 4)


class Timeline:
    """A sw_sync timeline: fences that signal when the timeline is advanced past their value."""

    def __init__(self) -> None:
        if not os.path.exists(SW_SYNC):
            pytest.skip(f"no {SW_SYNC} (CONFIG_SW_SYNC) in this kernel")
        self.fd = os.open(SW_SYNC, os.O_RDWR | os.O_CLOEXEC)

    def fence(self, value: int) -> int:
        data = bytearray(_FENCE.pack(value, b"linuxhw-test", -1))
        fcntl.ioctl(self.fd, SW_SYNC_IOC_CREATE_FENCE, data)
        return int(_FENCE.unpack(data)[2])

    def advance(self) -> None:
        fcntl.ioctl(self.fd, SW_SYNC_IOC_INC, struct.pack("I", 1))


@pytest.fixture
def fenced() -> Iterator[tuple[dmabuf.Buffer, Timeline]]:
    """A dma-buf with an unsignalled write fence (CPU access waits for it) and its timeline."""
    require_kernel_devices(DMA_HEAP_SYSTEM)
    timeline = Timeline()
    fence = timeline.fence(1)
    with dmabuf.Heap("system") as heap, heap.allocate(4096) as buf:
        try:
            buf.import_sync_file(fence, write=True)
        finally:
            os.close(fence)
        yield buf, timeline
    timeline.advance()  # whatever the test left waiting
    os.close(timeline.fd)


def test_a_dma_buf_sync_interrupted_by_a_returning_handler_is_made_again(
    fenced: tuple[dmabuf.Buffer, Timeline],
) -> None:
    buf, timeline = fenced
    handled: list[int] = []
    record = lambda signum, frame: handled.append(signum)  # noqa: E731
    with signal_when_blocked(signal.SIGUSR1, record, "the dma-buf sync", timeline.advance), buf.cpu_access() as view:
        view[0] = 1
    assert handled == [signal.SIGUSR1]


def test_ctrl_c_interrupts_a_dma_buf_sync(fenced: tuple[dmabuf.Buffer, Timeline]) -> None:
    buf, timeline = fenced
    ctrl_c = signal_when_blocked(signal.SIGINT, signal.default_int_handler, "the dma-buf sync")
    with ctrl_c, pytest.raises(KeyboardInterrupt), buf.cpu_access():
        raise AssertionError("the block ran before the fence signalled")
    timeline.advance()
    with buf.cpu_access() as view:  # START was never made: the buffer is as before
        view[0] = 2


@pytest.fixture
def spi_world() -> SpiWorld:
    return SpiWorld("real")


def _slow_message() -> list[Transfer]:
    """Ten transfers, each followed by spi-sim's wait of 20 ms (an uninterruptible sleep)."""
    return [Transfer(bytes([i]) * 4, rx=True, delay_us=20_000) for i in range(10)]


def test_an_spi_message_runs_to_its_end_through_a_signal(spi_world: SpiWorld) -> None:
    handled: list[int] = []
    record = lambda signum, frame: handled.append(signum)  # noqa: E731
    with spi.Device(spi_world.loopback_path, max_speed_hz=1_000_000) as loopback:
        message = _slow_message()
        with signal_when_blocked(signal.SIGUSR1, record, "the SPI message"):
            loopback.transfer(message)
        assert handled == [signal.SIGUSR1]
        assert [bytes(t.rx) for t in message] == [bytes([i]) * 4 for i in range(10)]  # type: ignore[arg-type]


def test_ctrl_c_during_an_spi_message_comes_after_it(spi_world: SpiWorld) -> None:
    with spi.Device(spi_world.loopback_path, max_speed_hz=1_000_000) as loopback:
        message = _slow_message()
        ctrl_c = signal_when_blocked(signal.SIGINT, signal.default_int_handler, "the SPI message")
        with ctrl_c, pytest.raises(KeyboardInterrupt):
            loopback.transfer(message)
        assert [bytes(t.rx) for t in message] == [bytes([i]) * 4 for i in range(10)]  # type: ignore[arg-type]
        assert loopback.transfer(b"next") == b"next"


@pytest.fixture
def slow_i2c() -> Iterator[i2c.Bus]:
    """The i2c-sim bus with every transfer taking 300 ms."""
    with open(I2C_DELAY, "w") as parameter:
        parameter.write("300")
    try:
        with i2c.Bus("linuxhw i2c simulator") as bus:
            yield bus
    finally:
        with open(I2C_DELAY, "w") as parameter:
            parameter.write("0")


def test_an_i2c_transfer_runs_to_its_end_through_a_signal(slow_i2c: i2c.Bus) -> None:
    handled: list[int] = []
    record = lambda signum, frame: handled.append(signum)  # noqa: E731
    device = slow_i2c.device(0x1C)
    device.read_byte_data(0x0F)  # selects the address now: the ioctl in the block is the transfer alone
    with signal_when_blocked(signal.SIGUSR1, record, "the I2C transfer"):
        assert device.read_byte_data(0x0F) == 0x6A
    assert handled == [signal.SIGUSR1]


def test_ctrl_c_during_an_i2c_transfer_comes_after_it(slow_i2c: i2c.Bus) -> None:
    device = slow_i2c.device(0x1C)
    device.read_byte_data(0x0F)  # selects the address now: the ioctl in the block is the transfer alone
    ctrl_c = signal_when_blocked(signal.SIGINT, signal.default_int_handler, "the I2C transfer")
    with ctrl_c, pytest.raises(KeyboardInterrupt):
        device.write_byte_data(0x30, 0x5A)
    assert device.read_byte_data(0x30) == 0x5A  # the write reached the device before the exception


def test_a_sync_file_wait_goes_on_after_a_handler_and_ends_on_ctrl_c(fenced: tuple[dmabuf.Buffer, Timeline]) -> None:
    buf, timeline = fenced
    handled: list[int] = []
    record = lambda signum, frame: handled.append(signum)  # noqa: E731
    with buf.export_sync_file() as sync_file:
        ctrl_c = signal_when_blocked(signal.SIGINT, signal.default_int_handler, "SyncFile.wait")
        with ctrl_c, pytest.raises(KeyboardInterrupt):
            sync_file.wait(DEADLINE)
        with signal_when_blocked(signal.SIGUSR1, record, "SyncFile.wait", timeline.advance):
            assert sync_file.wait(DEADLINE)
    assert handled == [signal.SIGUSR1]


def test_close_wakes_a_sync_file_wait(fenced: tuple[dmabuf.Buffer, Timeline]) -> None:
    buf, _ = fenced
    sync_file = buf.export_sync_file()
    with helper(close_when_blocked(sync_file), "the closer"), pytest.raises(ClosedError):
        sync_file.wait(DEADLINE)
