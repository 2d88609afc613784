"""Blinka's ``busio`` over linuxhw: ``I2C(scl, sda)`` and ``SPI(clock, MOSI, MISO)`` take the board's pins
and open the bus that has them, as Blinka matches its ``i2cPorts``/``spiPorts`` (an SPI bus opens its
chip select 0, ``/dev/spidevN.0``, as Blinka does); the transfers are :mod:`linuxhw.compat.circuitpython`'s."""

from __future__ import annotations

from linuxhw.compat import circuitpython
from linuxhw.compat.blinka import pins as _pins
from linuxhw.compat.circuitpython import Pin

__all__ = ["I2C", "SPI"]


class I2C(circuitpython.I2C):
    """The I2C bus whose SCL and SDA are ``scl`` and ``sda`` (ValueError naming the valid ports otherwise).
    ``frequency`` is the adapter's, set by the kernel: accepted for compatibility, as Blinka does."""

    def __init__(self, scl: Pin, sda: Pin, frequency: int = 100_000, *, timeout: int = 255) -> None:
        ports = _pins.i2c_ports(_pins.current_board())
        for number, port_scl, port_sda in ports:
            if (scl, sda) == (port_scl, port_sda):
                super().__init__(number, frequency=frequency)
                return
        raise ValueError(f"No Hardware I2C on (scl,sda)={(scl, sda)}\nValid I2C ports: {ports}")


class SPI(circuitpython.SPI):
    """The SPI bus whose clock is ``clock`` and whose MOSI and MISO are those given (either may be None),
    on its chip select 0; ValueError naming the valid ports otherwise."""

    def __init__(self, clock: Pin, MOSI: Pin | None = None, MISO: Pin | None = None, *,
                 half_duplex: bool = False) -> None:  # fmt: skip
        if half_duplex:
            raise ValueError("half_duplex SPI is not supported (spidev transfers are full duplex)")
        ports = _pins.spi_ports(_pins.current_board())
        for number, sck, mosi, miso in ports:
            if clock == sck and MOSI in (mosi, None) and MISO in (miso, None):
                super().__init__((number, 0))
                return
        raise ValueError(f"No Hardware SPI on (SCLK, MOSI, MISO)={(clock, MOSI, MISO)}\nValid SPI ports: {ports}")
