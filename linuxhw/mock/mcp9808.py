"""A Microchip MCP9808 digital temperature sensor on I2C: 16-bit registers (and one 8-bit one), the
ambient temperature converted every t_CONV at the chosen resolution, limits and their flags."""

from __future__ import annotations

import math
import time

from linuxhw.mock.i2c_models import RegisterDevice

__all__ = ["Mcp9808"]

RFU, CONFIG, T_UPPER, T_LOWER, T_CRIT, T_A, MANUFACTURER_ID, DEVICE_ID, RESOLUTION = range(9)
SHUTDOWN, CRIT_LOCK, WIN_LOCK, INT_CLEAR = 0x0100, 0x0080, 0x0040, 0x0020
CONVERSION_NS = (30_000_000, 65_000_000, 130_000_000, 250_000_000)  # t_CONV by resolution 0.5 ... 0.0625 °C
LIMIT_BITS = 0x1FFC  # sign and 2^7 .. 2^-2 °C


def _sixteenths(register: int) -> int:
    """A 13-bit two's complement temperature (sign at bit 12) in 1/16 °C."""
    value = register & 0x1FFF
    return value - 0x2000 if value & 0x1000 else value


class Mcp9808(RegisterDevice):
    """An MCP9808 (DS25095): pointer values 0 (RFU, reads 0x001F), 1 CONFIG, 2-4 T_UPPER/T_LOWER/T_CRIT,
    5 T_A, 6 manufacturer ID 0x0054, 7 device ID and revision 0x0400, 8 resolution (8 bits, 0x03 at
    power-on: 0.0625 °C); 16-bit registers MSB first, no auto-increment.

    ``temperature`` (°C) is the die's; T_A shows it as of the last conversion, one every t_CONV (30,
    65, 130 or 250 ms by resolution) since power-on (the model's creation, with the first done),
    rounded down to the resolution, with the T_CRIT/T_UPPER/T_LOWER flags in bits 15-13.
    CONFIG's shutdown bit stops conversions; the lock bits make the limits read-only until power-on
    reset. The Alert pin is not modelled (its CONFIG bits are stored).
    """

    def __init__(self, temperature: float = 25.0) -> None:
        defaults = {RFU: 0x001F, MANUFACTURER_ID: 0x0054, DEVICE_ID: 0x0400, RESOLUTION: 0x03}
        super().__init__(16, width=2, auto_increment=False, defaults=defaults)
        self._temperature = 0.0
        self._epoch = time.monotonic_ns()  # when the conversions now running began
        self._converted = 0
        self.temperature = temperature
        self.registers[T_A] = self._code()

    def register_width(self, address: int) -> int:
        return 1 if address == RESOLUTION else 2

    @property
    def temperature(self) -> float:
        """The die temperature, °C; T_A shows it from the next conversion on."""
        return self._temperature

    @temperature.setter
    def temperature(self, celsius: float) -> None:
        if not math.isfinite(celsius):
            raise ValueError(f"temperature must be a finite number of °C, not {celsius!r}")
        self._advance(time.monotonic_ns())
        self._temperature = float(celsius)

    def conversion_ns(self) -> int:
        return CONVERSION_NS[self.registers[RESOLUTION] & 0x3]

    def _code(self) -> int:
        """T_A's temperature bits for the die temperature, rounded down to the resolution."""
        step = 1 << (3 - (self.registers[RESOLUTION] & 0x3))  # in 1/16 °C
        code = max(-4096, min(4095, math.floor(self._temperature * 16 / step) * step))
        return code & 0x1FFF

    def _advance(self, now: int) -> None:
        """Latch the conversion made by ``now``, if one completed since the last."""
        if self.registers[CONFIG] & SHUTDOWN:
            return
        done = (now - self._epoch) // self.conversion_ns()
        if done > self._converted:
            self._converted = done
            self.registers[T_A] = self._code()

    def _restart(self, now: int) -> None:
        self._epoch, self._converted = now, 0

    def read_register(self, address: int) -> int:
        if address != T_A:
            return self.registers[address]
        self._advance(time.monotonic_ns())
        value = self.registers[T_A]
        ambient = _sixteenths(value)
        critical, upper, lower = (_sixteenths(self.registers[r]) for r in (T_CRIT, T_UPPER, T_LOWER))
        return value | (ambient >= critical) << 15 | (ambient > upper) << 14 | (ambient < lower) << 13

    def write_register(self, address: int, value: int) -> None:
        now = time.monotonic_ns()
        self._advance(now)
        config = self.registers[CONFIG]
        if address == CONFIG:
            locks = config & (CRIT_LOCK | WIN_LOCK)  # set until power-on reset
            self.registers[CONFIG] = (value & 0x07FF & ~INT_CLEAR) | locks
            if config & SHUTDOWN and not value & SHUTDOWN:
                self._restart(now)  # out of shutdown: conversions begin again
        elif address == RESOLUTION:
            self.registers[RESOLUTION] = value & 0x3
            self._restart(now)
        elif address in (T_UPPER, T_LOWER, T_CRIT):
            lock = CRIT_LOCK if address == T_CRIT else WIN_LOCK
            if not config & lock:
                self.registers[address] = value & LIMIT_BITS
