"""The demo board behind ``LINUXHW_BACKEND=mock``: a few chips with named lines, laid out like a Raspberry Pi."""

from __future__ import annotations

from linuxhw.mock.board import Board
from linuxhw.mock.i2c import attach_reference_models
from linuxhw.mock.spi_models import AdcMcp3008, Loopback, SerialFlash


def demo_board() -> Board:
    """A fresh demo board, laid out like a Raspberry Pi so peers' defaults find its parts: a 28-line SoC
    bank named GPIO0..GPIO27, a 16-line I/O expander; I2C bus 1 (``/dev/i2c-1``, the header's, which
    smbus2/Blinka/tutorials open) with an EEPROM (0x50, 0x51), a sensor-like register chip (0x1c), a
    10-bit chip (0x2a5) and an address a kernel driver owns (0x34), leaving 0x3c free for a display;
    SPI 0 with an MCP3008-style ADC on spidev0.0 (where gpiozero's ``MCP3008(channel=0)`` looks; input
    n reads 100 * (n + 1): none reads 0 as a loopback would, or 1023 as a floating MISO would) and a
    W25Q-style flash on spidev0.1, a loopback on spidev1.0; DMA-BUF heaps
    "system" and "linux,cma" (64 MiB) and /dev/udmabuf."""
    board = Board()
    board.add_gpio_chip(28, label="pinctrl-mock", names=[f"GPIO{i}" for i in range(28)])
    board.add_gpio_chip(
        16,
        label="mock-expander",
        names=["LED0", "LED1", "LED2", "LED3", "BTN0", "BTN1", "RELAY", "IRQ"],
        hogs={7: ("mock-irq-hog", "input")},
    )
    attach_reference_models(board.add_i2c_bus("linuxhw i2c simulator", number=1))
    adc = AdcMcp3008()
    for channel in range(8):
        adc.set_input(channel, 100 * (channel + 1))
    header_spi = board.add_spi_bus(number=0)
    header_spi.add_device(0, adc)
    header_spi.add_device(1, SerialFlash(), max_speed_hz=25_000_000)
    board.add_spi_bus(number=1).add_device(0, Loopback())
    board.add_dma_heap("system")
    board.add_dma_heap("linux,cma", pool_size=64 << 20)  # a 64 MiB CMA area, as on a Raspberry Pi
    board.enable_udmabuf()
    return board
