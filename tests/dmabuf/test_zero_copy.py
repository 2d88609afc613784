"""A mapped Buffer goes straight into SPI and I2C transfers as tx and rx: the bytes a device sends
land in the dma-buf itself (rx is filled in place, no copy in Python). On the demo board's SPI
flash and I2C EEPROM."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import dmabuf, i2c, mock, spi

pytestmark = pytest.mark.mock_only


@pytest.fixture
def frame() -> Iterator[dmabuf.Buffer]:
    board = mock.demo_board()
    with linuxhw.use_backend(board), dmabuf.allocate(4096, prefer=("cma",)) as buf:
        yield buf
    assert board.open_files() == 0


def test_spi_tx_and_rx_are_the_mapping(frame: dmabuf.Buffer) -> None:
    view = frame.map()
    view[0:4] = b"\x9f\x00\x00\x00"  # JEDEC ID command, then three dummy bytes
    with spi.Device((0, 1)) as flash, frame.cpu_access():
        flash.transfer(spi.Message([spi.Transfer(view[0:4], view[64:68])]))
    assert view[64:68].tobytes() == b"\xff\xef\x40\x11"  # the flash's answer, in the dma-buf
    with spi.Device((0, 1)) as flash:
        flash.transfer(spi.Message([spi.Transfer(view[0:4], view[0:4])]))  # in place: rx is tx
    assert view[0:4].tobytes() == b"\xff\xef\x40\x11"


def test_i2c_messages_write_from_and_read_into_the_mapping(frame: dmabuf.Buffer) -> None:
    view = frame.map()
    view[0:6] = b"\x10hello"  # EEPROM address 0x10, then the data
    with i2c.Bus(0) as bus, frame.cpu_access():
        bus.transfer(i2c.Message.write(0x50, view[0:6]))
        bus.transfer(i2c.Message.write(0x50, view[0:1]), i2c.Message.read(0x50, view[100:105]))
    assert view[100:105].tobytes() == b"hello"
