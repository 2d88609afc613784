"""Driver for a register-based I2C temperature sensor (SMBus byte and block reads only).

Registers: WHO_AM_I (0x0F) reads 0xA1; CTRL (0x20) bit 0 starts continuous conversion, bit 1
enables the data-ready interrupt pin; TEMP (0x28, 0x29) is a little-endian signed count of 1/100 °C.
"""

from __future__ import annotations

from linuxhw import i2c

WHO_AM_I, CTRL, TEMP = 0x0F, 0x20, 0x28
CHIP_ID = 0xA1
CTRL_RUN, CTRL_DRDY_IRQ = 0x01, 0x02


class SensorError(RuntimeError):
    """The device at the address is not this sensor."""


class Sensor:
    """The sensor at ``address`` on ``bus`` (a bus number or ``/dev/i2c-N``); a context manager."""

    def __init__(self, bus: int | str, address: int = 0x48) -> None:
        self._bus = i2c.Bus(bus)
        try:
            self._device = self._bus.device(address)
            chip_id = self._device.read_byte_data(WHO_AM_I)
            if chip_id != CHIP_ID:
                raise SensorError(f"{self._bus.path} 0x{address:02x}: WHO_AM_I is 0x{chip_id:02x}, not 0x{CHIP_ID:02x}")
        except BaseException:
            self._bus.close()
            raise

    def start(self, interrupt: bool = True) -> None:
        """Convert continuously; with ``interrupt``, raise DRDY when a new reading is ready."""
        self._device.write_byte_data(CTRL, CTRL_RUN | (CTRL_DRDY_IRQ if interrupt else 0))

    def stop(self) -> None:
        self._device.write_byte_data(CTRL, 0)

    def temperature(self) -> float:
        """The latest reading in °C (one block read, so both bytes come from the same conversion)."""
        raw = self._device.read_i2c_block_data(TEMP, 2)
        return int.from_bytes(raw, "little", signed=True) / 100

    def close(self) -> None:
        self._bus.close()

    def __enter__(self) -> Sensor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
