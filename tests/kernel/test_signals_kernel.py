"""Real signals while the main thread is blocked in the kernel, where only the kernel can block it: a
dma-buf sync waiting for a fence (vgem's), an SPI message with long delays (spi-sim) and a slow I2C
transfer (i2c-sim's xfer_delay_ms). The signal is sent once the thread is seen in the ioctl.

- DMA_BUF_IOCTL_SYNC waits interruptibly: the kernel answers EINTR, the library makes the call again
  after a handler that returns (as the dma-buf documentation asks) and lets a raised exception out.
- spidev's and i2c-dev's transfers wait uninterruptibly (spi_sync's completion, the adapter's lock and
  its transfer): the transfer finishes, then the handler runs; an exception it raises comes out of
  the call after the bytes moved.
"""

from __future__ import annotations

import fcntl
import glob
import os
import signal
import struct
import subprocess
from collections.abc import Callable, Iterator

import pytest

from linuxhw import ClosedError, dmabuf, i2c, spi
from linuxhw.spi import Transfer
from tests.spi.conftest import SpiWorld
from tests.threads import close_when_blocked, helper, signal_when_blocked
from tests.waiting import DEADLINE

pytestmark = pytest.mark.kernel

I2C_DELAY = "/sys/module/lhw_i2c_sim/parameters/xfer_delay_ms"


def _ioc(direction: int, number: int, size: int) -> int:
    """A DRM ioctl number: the kernel's _IOC() encoding (asm-generic/ioctl.h) with type 'd' (drm/drm.h)."""
    return direction << 30 | size << 16 | ord("d") << 8 | number


_DUMB = struct.Struct("6IQ")  # struct drm_mode_create_dumb (drm/drm_mode.h)
_PRIME = struct.Struct("IIi")  # struct drm_prime_handle (drm/drm.h)
_ATTACH = struct.Struct("4I")  # struct drm_vgem_fence_attach (drm/vgem_drm.h)
DRM_IOCTL_MODE_CREATE_DUMB = _ioc(3, 0xB2, _DUMB.size)
DRM_IOCTL_PRIME_HANDLE_TO_FD = _ioc(3, 0x2D, _PRIME.size)
DRM_IOCTL_VGEM_FENCE_ATTACH = _ioc(3, 0x41, _ATTACH.size)
DRM_IOCTL_VGEM_FENCE_SIGNAL = _ioc(1, 0x42, 8)
VGEM_FENCE_WRITE = 1


def _driver(card: str) -> str:
    """The platform device behind a DRM card's sysfs directory (vgem's is "vgem")."""
    return os.path.basename(os.path.realpath(f"{card}/device"))


class Vgem:
    """A dma-buf exported by the kernel's vgem driver, which can hold a fence until told to signal it
    (Debian's kernel has no sw_sync; vgem's fences signal by themselves after 10 s)."""

    def __init__(self) -> None:
        subprocess.run(["modprobe", "vgem"], check=False, capture_output=True)
        cards = [card for card in glob.glob("/sys/class/drm/card*") if _driver(card) == "vgem"]
        if not cards:
            pytest.skip("no vgem (CONFIG_DRM_VGEM) in this kernel")
        self.fd = os.open(f"/dev/dri/{os.path.basename(cards[0])}", os.O_RDWR | os.O_CLOEXEC)
        dumb = bytearray(_DUMB.pack(1, 4096, 8, 0, 0, 0, 0))
        fcntl.ioctl(self.fd, DRM_IOCTL_MODE_CREATE_DUMB, dumb)
        self.handle = _DUMB.unpack(dumb)[4]
        prime = bytearray(_PRIME.pack(self.handle, os.O_CLOEXEC | os.O_RDWR, -1))
        fcntl.ioctl(self.fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, prime)
        self.buffer = dmabuf.Buffer.from_fd(_PRIME.unpack(prime)[2], take=True)

    def fence(self) -> Callable[[], object]:
        """Attach an unsignalled write fence to the buffer (CPU access waits for it); its signaller."""
        attach = bytearray(_ATTACH.pack(self.handle, VGEM_FENCE_WRITE, 0, 0))
        fcntl.ioctl(self.fd, DRM_IOCTL_VGEM_FENCE_ATTACH, attach)
        fence = _ATTACH.unpack(attach)[2]
        return lambda: fcntl.ioctl(self.fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, struct.pack("2I", fence, 0))

    def close(self) -> None:
        self.buffer.close()
        os.close(self.fd)


@pytest.fixture
def vgem() -> Iterator[Vgem]:
    made = Vgem()
    try:
        yield made
    finally:
        made.close()


def test_a_dma_buf_sync_interrupted_by_a_returning_handler_is_made_again(vgem: Vgem) -> None:
    handled: list[int] = []
    record = lambda signum, frame: handled.append(signum)  # noqa: E731
    blocked = signal_when_blocked(signal.SIGUSR1, record, "the dma-buf sync", vgem.fence())
    with blocked, vgem.buffer.cpu_access() as view:
        view[0] = 1
    assert handled == [signal.SIGUSR1]


def test_ctrl_c_interrupts_a_dma_buf_sync(vgem: Vgem) -> None:
    signal_fence = vgem.fence()
    ctrl_c = signal_when_blocked(signal.SIGINT, signal.default_int_handler, "the dma-buf sync")
    with ctrl_c, pytest.raises(KeyboardInterrupt), vgem.buffer.cpu_access():
        raise AssertionError("the block ran before the fence signalled")
    signal_fence()
    with vgem.buffer.cpu_access() as view:  # the buffer works on
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


def test_a_sync_file_wait_goes_on_after_a_handler_and_ends_on_ctrl_c(vgem: Vgem) -> None:
    handled: list[int] = []
    record = lambda signum, frame: handled.append(signum)  # noqa: E731
    signal_fence = vgem.fence()
    with vgem.buffer.export_sync_file() as sync_file:
        ctrl_c = signal_when_blocked(signal.SIGINT, signal.default_int_handler, "SyncFile.wait")
        with ctrl_c, pytest.raises(KeyboardInterrupt):
            sync_file.wait(DEADLINE)
        with signal_when_blocked(signal.SIGUSR1, record, "SyncFile.wait", signal_fence):
            assert sync_file.wait(DEADLINE)
    assert handled == [signal.SIGUSR1]


def test_close_wakes_a_sync_file_wait(vgem: Vgem) -> None:
    signal_fence = vgem.fence()
    sync_file = vgem.buffer.export_sync_file()
    with helper(close_when_blocked(sync_file), "the closer"), pytest.raises(ClosedError):
        sync_file.wait(DEADLINE)
    signal_fence()
