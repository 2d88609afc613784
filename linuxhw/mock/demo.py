"""The demo board behind ``LINUXHW_BACKEND=mock``: a few chips with named lines, like a small SBC."""

from __future__ import annotations

from linuxhw.mock.board import Board
from linuxhw.mock.i2c import attach_reference_models
from linuxhw.mock.spi_models import AdcMcp3008, Loopback, SerialFlash


def demo_board() -> Board:
    """A fresh demo board: a 28-line SoC bank named GPIO0..GPIO27, a 16-line I/O expander, an I2C bus
    with an EEPROM (0x50, 0x51), a sensor-like register chip (0x1c) and a 10-bit chip (0x2a5),
    SPI devices (a loopback on spidev0.0, a W25Q-style flash on spidev0.1, an MCP3008-style ADC on
    spidev1.0), DMA-BUF heaps "system" and "linux,cma" (64 MiB) and /dev/udmabuf."""
    board = Board()
    board.add_gpio_chip(28, label="pinctrl-mock", names=[f"GPIO{i}" for i in range(28)])
    board.add_gpio_chip(
        16,
        label="mock-expander",
        names=["LED0", "LED1", "LED2", "LED3", "BTN0", "BTN1", "RELAY", "IRQ"],
        hogs={7: ("mock-irq-hog", "input")},
    )
    attach_reference_models(board.add_i2c_bus("linuxhw i2c simulator"))
    spi_bus = board.add_spi_bus()
    spi_bus.add_device(0, Loopback())
    spi_bus.add_device(1, SerialFlash(), max_speed_hz=25_000_000)
    adc = AdcMcp3008()
    for channel in range(8):
        adc.set_input(channel, 128 * channel)
    board.add_spi_bus().add_device(0, adc)
    board.add_dma_heap("system")
    board.add_dma_heap("linux,cma", pool_size=64 << 20)  # a 64 MiB CMA area, as on a Raspberry Pi
    board.enable_udmabuf()
    return board
