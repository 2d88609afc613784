"""DMA-BUF traffic, once from the system heap and once from udmabuf: buffers allocated, named, mapped,
written and read back under CPU-access brackets, duplicated and closed; SPI and I2C moving data straight
from and into them."""

from __future__ import annotations

import contextlib
import mmap
import random
from collections.abc import Callable, Sequence
from typing import Union

from linuxhw import dmabuf, i2c, spi
from linuxhw.errors import DeviceNotFoundError
from linuxhw.testing.hardware import Hardware
from linuxhw.testing.mock import MockHardware

from .core import Workload, expect
from .i2c import EEPROM_PAGE, SIM_EEPROM

PAGE = mmap.PAGESIZE
MAX_PAGES = 64
Source = Union[dmabuf.Heap, dmabuf.Udmabuf]


class Unavailable(Exception):
    """This kernel lacks the device a workload needs (Debian's 6.1 has no DMA-BUF heaps, no udmabuf)."""


def open_source(kind: str, hw: Hardware) -> Source:
    if isinstance(hw, MockHardware):  # the mock's stand-ins for the VM's devices
        if kind == "heap":
            hw.board.add_dma_heap("system")
        else:
            hw.board.enable_udmabuf()
    try:
        return dmabuf.Heap("system") if kind == "heap" else dmabuf.Udmabuf()
    except DeviceNotFoundError as exc:
        raise Unavailable(str(exc)) from exc


class DmaTraffic(Workload):
    def __init__(self, rng: random.Random, handles: contextlib.ExitStack, hw: Hardware, kind: str) -> None:
        self.name = "dma-heap" if kind == "heap" else "udmabuf"
        super().__init__(rng, handles)
        self.source = open_source(kind, hw)
        self.hold(self.source)
        self.spi = self.hold(spi.Device(hw.spi_sim()[0]))
        self.bus = self.hold(i2c.Bus(hw.i2c_sim()))

    def mix(self) -> Sequence[tuple[Callable[[], object], int]]:
        return [(self.life, 3), (self.spi_from_buffers, 1), (self.i2c_from_buffer, 1)]

    def life(self) -> None:
        size = self.rng.randrange(1, MAX_PAGES * PAGE)
        data = self.rng.randbytes(min(size, 256))
        with self.source.allocate(size, name=f"soak {size}") as buf:
            expect(buf.size, -(-size // PAGE) * PAGE, f"size of a {size}-byte buffer")
            at = self.rng.randrange(buf.size - len(data) + 1)
            with buf.cpu_access(write=True) as view:
                view[at : at + len(data)] = data
            with buf.dup() as twin, twin.cpu_access(read=True) as view:
                expect(bytes(view[at : at + len(data)]), data, "the data through a dup()")
            expect(buf.info().name, f"soak {size}", "the buffer's name in fdinfo")

    def spi_from_buffers(self) -> None:
        length = self.rng.randrange(1, 2048)
        data = self.rng.randbytes(length)
        with self.source.allocate(PAGE) as source, self.source.allocate(PAGE) as sink:
            with source.cpu_access(write=True) as view:
                view[:length] = data
            tx, rx = source.map(), sink.map()
            self.spi.transfer(spi.Message([spi.Transfer(tx[:length], rx[:length])]))
            del tx, rx  # the transfer exported the mappings: let go of them before the buffers close
            with sink.cpu_access(read=True) as view:
                expect(bytes(view[:length]), data, "SPI from one dma-buf into another")

    def i2c_from_buffer(self) -> None:
        page = self.rng.randrange(256 // EEPROM_PAGE) * EEPROM_PAGE
        data = self.rng.randbytes(self.rng.randrange(1, EEPROM_PAGE + 1))
        with self.source.allocate(PAGE) as buf:
            with buf.cpu_access(write=True) as view:
                view[0] = page
                view[1 : 1 + len(data)] = data
            mapped = buf.map()
            self.bus.transfer(i2c.Message.write(SIM_EEPROM, mapped[: 1 + len(data)]))
            reply = i2c.Message.read(SIM_EEPROM, mapped[PAGE // 2 : PAGE // 2 + len(data)])
            self.bus.transfer(i2c.Message.write(SIM_EEPROM, bytes([page])), reply)
            del reply, mapped
            with buf.cpu_access(read=True) as view:
                expect(bytes(view[PAGE // 2 : PAGE // 2 + len(data)]), data, "I2C from and into a dma-buf")
