"""linuxhw.compat.spidev gives py-spidev's results on the demo board's SPI devices."""

from __future__ import annotations

import errno

import pytest

from linuxhw import mock
from linuxhw.compat.spidev import SpiDev


def test_transfers_return_py_spidev_types(demo: mock.Board) -> None:
    with SpiDev(1, 0) as loop:  # the loopback: what goes out comes back
        assert loop.xfer([1, 2, 3]) == [1, 2, 3]
        assert loop.xfer2((4, 5)) == (4, 5)
        assert loop.xfer2(b"\x06", 1_000_000, 10, 8) == [6]
        assert loop.xfer3(bytes(range(10))) == tuple(range(10))
        assert loop.readbytes(3) == [0, 0, 0] and loop.readbytes(0) == [0]  # at least one byte, as py-spidev
        loop.writebytes([1, 2])
        loop.writebytes2(bytearray(5000))  # beyond bufsiz: split
        assert len(loop.xfer3(bytes(9000))) == 9000
        assert loop.fileno() >= 0
        with pytest.raises(TypeError, match="Empty argument list"):
            loop.xfer([])
        with pytest.raises(ValueError, match="range"):
            loop.xfer([256])
    assert loop.fileno() == -1


def test_settings(demo: mock.Board) -> None:
    flash = SpiDev()
    with pytest.raises(OSError, match="not open") as closed:
        flash.xfer2([0x9F, 0, 0, 0])
    assert closed.value.errno == errno.EBADF
    assert (flash.mode, flash.max_speed_hz, flash.bits_per_word, flash.cshigh) == (0, 0, 0, False)
    flash.open_path("/dev/spidev0.1")
    assert flash.max_speed_hz == 25_000_000 and flash.bits_per_word == 8
    flash.mode = 3
    flash.cshigh = True
    flash.lsbfirst = True
    assert (flash.mode, flash.cshigh, flash.lsbfirst, flash.loop, flash.threewire, flash.no_cs) == (
        3,
        True,
        True,
        False,
        False,
        False,
    )
    flash.mode = 0
    assert flash.cshigh  # the mode keeps the other flags
    flash.cshigh = flash.lsbfirst = False
    flash.read0 = True
    flash.max_speed_hz = 1_000_000
    flash.bits_per_word = 8
    assert flash.xfer2([0x9F, 0, 0, 0]) == [0xFF, 0xEF, 0x40, 0x11]  # JEDEC ID
    with pytest.raises(TypeError, match="between 0 and 3"):
        flash.mode = 4
    with pytest.raises(TypeError, match="boolean"):
        flash.loop = 1
    with pytest.raises(TypeError, match="bits_per_word"):
        flash.bits_per_word = 33
    flash.close()
    flash.close()


def test_mcp3008_driver_code(demo: mock.Board) -> None:
    """The usual MCP3008 recipe written for py-spidev (start bit, single-ended channel, 10 bits), on the
    bus and chip select it uses on a Pi: spi.open(0, 0)."""
    adc = SpiDev(0, 0)
    adc.max_speed_hz = 1_350_000
    readings = []
    for channel in range(8):
        reply = adc.xfer2([1, (8 + channel) << 4, 0])
        readings.append(((reply[1] & 3) << 8) + reply[2])
    adc.close()
    assert readings == [100 * (channel + 1) for channel in range(8)]
