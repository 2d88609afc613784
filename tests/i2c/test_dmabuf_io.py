"""A mapped DMA-BUF is a plain buffer to I2C: messages send from and read into it in place."""

from __future__ import annotations

from linuxhw import dmabuf, i2c
from tests.conftest import DMA_HEAP_SYSTEM, require_kernel_devices
from tests.i2c.conftest import I2cWorld


def test_i2c_messages_use_dma_buffers_in_place(world: I2cWorld, sim_bus: i2c.Bus) -> None:
    if world.board is not None:
        world.board.add_dma_heap("system")
    else:
        require_kernel_devices(DMA_HEAP_SYSTEM)
    with dmabuf.Heap("system") as heap, heap.allocate(4096) as buf:
        view = buf.map()
        with buf.cpu_access(write=True):
            view[:9] = b"\x60dma-data"
        eeprom = sim_bus.device(0x50)
        sim_bus.transfer(i2c.Message.write(0x50, view[:5]))  # word address 0x60, then 4 bytes: one page
        reply = i2c.Message.read(0x50, view[100:104])
        sim_bus.transfer(i2c.Message.write(0x50, b"\x60"), reply)
        with buf.cpu_access(read=True):
            assert bytes(view[100:104]) == b"dma-"
        assert eeprom.read_register(0x60, 4) == b"dma-"
        del reply, view
