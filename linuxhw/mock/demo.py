"""The demo board behind ``LINUXHW_BACKEND=mock``: a mock Raspberry Pi 4 with parts where peers look for them."""

from __future__ import annotations

from linuxhw.mock.board import Board
from linuxhw.mock.i2c import attach_reference_models
from linuxhw.mock.iio import MockIioChannel
from linuxhw.mock.spi_models import AdcMcp3008, Loopback, SerialFlash


def demo_board() -> Board:
    """A fresh demo board: a mock Raspberry Pi 4 (``Board.raspberry_pi("4b")``: the ``pinctrl-bcm2711``
    chip named as its kernel names it, ``boards.current()`` says so) with parts where peers look by
    default, and a 16-line I/O expander. I2C bus 1 (``/dev/i2c-1``, which smbus2/Blinka/tutorials
    open) is named and furnished as the project's kernel I2C simulator: an EEPROM (0x50, 0x51), a
    sensor-like register chip (0x1c), a 10-bit chip (0x2a5) and an address a kernel driver owns (0x34),
    leaving 0x3c free for a display. SPI 0 has an MCP3008-style ADC on spidev0.0 (where gpiozero's
    ``MCP3008(channel=0)`` looks; input n reads 100 * (n + 1): none reads 0 as a loopback would, or
    1023 as a floating MISO would) and a W25Q-style flash on spidev0.1; SPI 1 a loopback on
    spidev1.0 (1.1 and 1.2 have nothing wired). The Pi 4's PWM controller as ``dtoverlay=pwm-2chan``
    makes it, ``fe20c000.pwm`` with 2 channels (driver bcm2835-pwm, its 10 MHz clock: 100 ns steps).
    An ADS1015 as the kernel's ti-ads1015 driver shows it (IIO device ``ads1015``: four single-ended
    inputs reading 1650, 825, 0 and 2047 mV at its default ±2.048 V range, 1600 samples/s, triggered
    buffer; see :func:`ads1015_channels`). DMA-BUF heaps "system" and "linux,cma" (64 MiB) and /dev/udmabuf."""
    board = Board.raspberry_pi("4b", i2c=(), spi=(0, 1))  # its I2C bus 1 is the simulator's, below
    board.add_gpio_chip(
        16,
        label="mock-expander",
        names=["LED0", "LED1", "LED2", "LED3", "BTN0", "BTN1", "RELAY", "IRQ"],
        hogs={7: ("mock-irq-hog", "input")},
    )
    attach_reference_models(board.add_i2c_bus("linuxhw i2c simulator", number=1))
    adc = board.device("/dev/spidev0.0").attach(AdcMcp3008())
    for channel in range(8):
        adc.set_input(channel, 100 * (channel + 1))
    board.device("/dev/spidev0.1").attach(SerialFlash(), max_speed_hz=25_000_000)
    board.device("/dev/spidev1.0").attach(Loopback())
    board.add_pwm_chip(2, "fe20c000.pwm", driver="bcm2835-pwm", tick_ns=100)
    board.add_iio_device("ads1015", ads1015_channels((1650, 825, 0, 2047)))
    board.add_dma_heap("system")
    board.add_dma_heap("linux,cma", pool_size=64 << 20)  # a 64 MiB CMA area, as on a Raspberry Pi
    board.enable_udmabuf()
    return board


ADS1015_SCALES = "3 2 1 0.500000 0.250000 0.125000"  # mV per code at its six ranges (±6.144 V ... ±0.256 V)
ADS1015_RATES = "128 250 490 920 1600 2400 3300"


def ads1015_channels(codes: tuple[int, int, int, int]) -> list[MockIioChannel]:
    """ti-ads1015's single-ended channels (6.12): in_voltageN_raw with ``codes``, its own scale (1 mV at
    the default ±2.048 V, printed as IIO_VAL_FRACTIONAL_LOG2) and sampling frequency with their
    _available lists, le:s12/16>>4 scans."""
    available = {"scale": ADS1015_SCALES, "sampling_frequency": ADS1015_RATES}
    return [
        MockIioChannel(
            "voltage",
            n,
            raw=code,
            scale="1.000000000",
            scan_type="le:s12/16>>4",
            available=available,
            infos={"sampling_frequency": "1600"},
        )
        for n, code in enumerate(codes)
    ]
