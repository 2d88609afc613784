"""A mapped DMA-BUF is a plain buffer to SPI: transfers read and write it in place, no copies."""

from __future__ import annotations

from linuxhw import dmabuf, spi
from linuxhw.spi import Message, Transfer
from tests.conftest import DMA_HEAP_SYSTEM, require_kernel_devices
from tests.spi.conftest import SpiWorld


def test_spi_transfers_straight_from_and_into_dma_buffers(world: SpiWorld, loopback: spi.Device) -> None:
    if world.board is not None:
        world.board.add_dma_heap("system")
    else:
        require_kernel_devices(DMA_HEAP_SYSTEM)
    with dmabuf.Heap("system") as heap, heap.allocate(4096) as source, heap.allocate(4096) as sink:
        with source.cpu_access(write=True) as view:
            view[:256] = bytes(range(256))
        tx, rx = source.map(), sink.map()
        message = Message([Transfer(tx[:256], rx[:256]), Transfer(tx[:16], rx[1024:1040])])
        loopback.transfer(message)
        del message  # the transfers export the mappings; drop them before the buffers close
        with sink.cpu_access(read=True) as view:
            assert bytes(view[:256]) == bytes(range(256))
            assert bytes(view[1024:1040]) == bytes(range(16))
        del tx, rx
