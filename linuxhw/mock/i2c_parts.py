"""Models of parts people wire first, for running real drivers on the mock board: a BME280/BMP280
environment sensor (on I2C or SPI) and an SSD1306 OLED display controller (its frame buffer inspectable).

Both follow their datasheets' I2C protocol byte for byte, so drivers from PyPI (smbus2-based or
CircuitPython ones) run unchanged; what they report follows from the calibration and raw values
the test sets, through the datasheet's compensation formulas.
"""

from __future__ import annotations

import struct

from linuxhw.mock.i2c_models import I2cTarget, RegisterDevice
from linuxhw.mock.registers import RegisterFile
from linuxhw.mock.spi_models import SpiRegisterDevice

__all__ = ["Bme280", "Bme280Spi", "Ssd1306"]

# The worked example of Bosch's BMP280 datasheet (section 3.12): with these trimming values,
# raw temperature 519888 is 25.08 °C and raw pressure 415148 is 100653.27 Pa.
DATASHEET_TRIMMING = (27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000)
DATASHEET_RAW_TEMPERATURE = 519888
DATASHEET_RAW_PRESSURE = 415148
# Humidity trimming (BME280 only): H1, H2, H3, H4, H5, H6 — typical values of a real part.
HUMIDITY_TRIMMING = (75, 362, 0, 313, 50, 30)
CHIP_ID = {"bme280": 0x60, "bmp280": 0x58}
RESET_VALUE = 0x80000  # what the data registers hold before the first measurement (or when skipped)


class _Bme280Registers(RegisterFile):
    """The BME280's registers and what they do; :class:`Bme280` and :class:`Bme280Spi` frame them."""

    def __init__(self, kind: str = "bme280", trimming: tuple[int, ...] = DATASHEET_TRIMMING,
                 humidity_trimming: tuple[int, ...] = HUMIDITY_TRIMMING) -> None:  # fmt: skip
        if kind not in CHIP_ID:
            raise ValueError(f"kind must be 'bme280' or 'bmp280', not {kind!r}")
        if len(trimming) != 12 or len(humidity_trimming) != 6:
            raise ValueError("trimming takes 12 values (T1-T3, P1-P9), humidity_trimming 6 (H1-H6)")
        super().__init__(256, paired_writes=True)
        self.kind = kind
        self.registers[0x88:0xA0] = struct.pack("<HhhHhhhhhhhh", *trimming)
        if kind == "bme280":
            h1, h2, h3, h4, h5, h6 = humidity_trimming
            self.registers[0xA1] = h1
            self.registers[0xE1:0xE4] = struct.pack("<hB", h2, h3)
            self.registers[0xE4:0xE8] = bytes([(h4 >> 4) & 0xFF, (h4 & 0x0F) | ((h5 & 0x0F) << 4), (h5 >> 4) & 0xFF])
            self.registers[0xE7] = h6 & 0xFF
        self.raw_temperature = DATASHEET_RAW_TEMPERATURE
        self.raw_pressure = DATASHEET_RAW_PRESSURE
        self.raw_humidity = 0x6000
        self.measurements = 0
        self.power_on()

    def power_on(self) -> None:
        """The power-on reset (also what writing 0xB6 to ``reset`` does): the trimming stays."""
        self.registers[0xD0] = CHIP_ID[self.kind]
        self.registers[0xF2:0xF6] = bytes(4)
        self._latch(RESET_VALUE, RESET_VALUE, 0x8000)

    def _latch(self, pressure: int, temperature: int, humidity: int) -> None:
        for register, raw in ((0xF7, pressure), (0xFA, temperature)):
            self.registers[register : register + 3] = bytes([(raw >> 12) & 0xFF, (raw >> 4) & 0xFF, (raw << 4) & 0xF0])
        self.registers[0xFD:0xFF] = humidity.to_bytes(2, "big") if self.kind == "bme280" else b"\x00\x00"

    def _measure(self) -> None:
        ctrl_meas, ctrl_hum = self.registers[0xF4], self.registers[0xF2]
        self.measurements += 1
        self._latch(
            self.raw_pressure if ctrl_meas >> 2 & 0x7 else RESET_VALUE,
            self.raw_temperature if ctrl_meas >> 5 else RESET_VALUE,
            self.raw_humidity if ctrl_hum & 0x7 else 0x8000,
        )

    def write_register(self, address: int, value: int) -> None:
        if address == 0xE0:
            if value == 0xB6:
                self.power_on()
        elif address in (0xF2, 0xF4, 0xF5):  # the only writable registers; the rest ignore writes
            self.registers[address] = value
            if address == 0xF4 and value & 0x3 in (1, 2):  # forced mode: measure, back to sleep
                self._measure()
                self.registers[0xF4] = value & ~0x3

    def begin_read(self, address: int) -> None:
        if self.registers[0xF4] & 0x3 == 0x3 and 0xF7 <= address <= 0xFE:  # normal mode: data shadowed per burst
            self._measure()


class Bme280(_Bme280Registers, RegisterDevice):
    """A Bosch BME280 (``kind="bme280"``, chip id 0x60) or BMP280 (``"bmp280"``, 0x58, no humidity) on I2C.

    Registers: trimming at 0x88-0xA1 and 0xE1-0xE7, ``id`` 0xD0, ``reset`` 0xE0 (write 0xB6),
    ``ctrl_hum`` 0xF2, ``status`` 0xF3, ``ctrl_meas`` 0xF4, ``config`` 0xF5, data 0xF7-0xFE. Writes are
    register/value pairs; reads auto-increment. A measurement completes at once: forced mode
    latches the raw values into the data registers and returns to sleep; normal mode latches at
    the start of every read burst of the data. A channel whose oversampling is 0 (skipped) reads
    0x80000.
    """


class Bme280Spi(_Bme280Registers, SpiRegisterDevice):
    """The same BME280 (or BMP280) on SPI (modes 0 and 3): a control byte holds the register's low 7
    bits, bit 7 set to read (the data sheet's section 6.3); reads auto-increment, writes are pairs
    of control and data bytes."""

    def __init__(self, kind: str = "bme280", trimming: tuple[int, ...] = DATASHEET_TRIMMING,
                 humidity_trimming: tuple[int, ...] = HUMIDITY_TRIMMING) -> None:  # fmt: skip
        super().__init__(kind, trimming, humidity_trimming)
        self.register_base = 0x80  # SPI replaces the top bit of the register address by the R/W bit


# SSD1306 commands that take parameter bytes, and how many.
_PARAMETERS = {0x20: 1, 0x21: 2, 0x22: 2, 0x26: 6, 0x27: 6, 0x29: 5, 0x2A: 5, 0x81: 1, 0x8D: 1, 0xA3: 2,
               0xA8: 1, 0xD3: 1, 0xD5: 1, 0xD9: 1, 0xDA: 1, 0xDB: 1}  # fmt: skip


class Ssd1306(I2cTarget):
    """An SSD1306 OLED controller on I2C, ``width`` x ``height`` pixels (128x64 or 128x32).

    Each write starts with a control byte: 0x00 a stream of commands, 0x40 a stream of display
    data, with bit 7 (Co) set for a single byte then another control byte. Data lands in
    :attr:`ram` (one byte = 8 vertical pixels of a page) at the column/page pointer, in the
    horizontal, vertical or page addressing mode the commands chose. :meth:`pixel` and
    :meth:`rows` read the picture back; ``display_on``, ``contrast`` and ``inverted`` follow the
    commands too.
    """

    def __init__(self, width: int = 128, height: int = 64) -> None:
        if width not in (64, 96, 128) or height not in (16, 32, 48, 64):
            raise ValueError(f"an SSD1306 drives up to 128x64 pixels, not {width}x{height}")
        self.width, self.height = width, height
        self.pages = height // 8
        self.ram = bytearray(width * self.pages)
        self.display_on = False
        self.contrast = 0x7F
        self.inverted = False
        self.commands: list[bytes] = []  # every command with its parameters, in order
        self._mode = 2  # page addressing after reset
        self._columns = (0, width - 1)
        self._page_range = (0, self.pages - 1)
        self._column, self._page = 0, 0
        self._pending = bytearray()

    def write(self, data: bytes) -> None:
        """A command's parameter bytes may come in later messages: drivers send one byte per message."""
        index = 0
        while index < len(data):
            control = data[index]
            index += 1
            end = index + 1 if control & 0x80 else len(data)
            chunk = data[index:end]
            index = end
            if control & 0x40:
                for byte in chunk:
                    self._store(byte)
            else:
                for byte in chunk:
                    self._command_byte(byte)

    def read(self, count: int) -> bytes:
        status = 0x00 if self.display_on else 0x40  # bit 6: display off
        return bytes([status]) * count

    def _command_byte(self, byte: int) -> None:
        self._pending.append(byte)
        if len(self._pending) - 1 < _PARAMETERS.get(self._pending[0], 0):
            return
        command = bytes(self._pending)
        self._pending.clear()
        self.commands.append(command)
        self._execute(command)

    def _execute(self, command: bytes) -> None:
        code = command[0]
        if code == 0x20:
            self._mode = command[1] & 0x3
        elif code == 0x21:
            self._columns = (command[1] % self.width, command[2] % self.width)
            self._column = self._columns[0]
        elif code == 0x22:
            self._page_range = (command[1] % self.pages, command[2] % self.pages)
            self._page = self._page_range[0]
        elif code in (0xAE, 0xAF):
            self.display_on = code == 0xAF
        elif code in (0xA6, 0xA7):
            self.inverted = code == 0xA7
        elif code == 0x81:
            self.contrast = command[1]
        elif 0xB0 <= code <= 0xB7:
            self._page = (code & 0x7) % self.pages
        elif code <= 0x0F:
            self._column = (self._column & 0xF0) | code
        elif code <= 0x1F:
            self._column = (self._column & 0x0F) | ((code & 0x0F) << 4)

    def _store(self, byte: int) -> None:
        if self._column < self.width:
            self.ram[self._page * self.width + self._column] = byte
        (first_column, last_column), (first_page, last_page) = self._columns, self._page_range
        if self._mode == 2:  # page addressing: the column wraps inside the page
            self._column = self._column + 1 if self._column < last_column else first_column
        elif self._mode == 0:  # horizontal: columns, then the next page
            if self._column < last_column:
                self._column += 1
            else:
                self._column = first_column
                self._page = self._page + 1 if self._page < last_page else first_page
        elif self._page < last_page:  # vertical: pages, then the next column
            self._page += 1
        else:
            self._page = first_page
            self._column = self._column + 1 if self._column < last_column else first_column

    def pixel(self, x: int, y: int) -> int:
        """1 when pixel (x, y) is lit in display RAM (before inversion)."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise ValueError(f"pixel ({x}, {y}) is outside the {self.width}x{self.height} display")
        return self.ram[(y // 8) * self.width + x] >> (y % 8) & 1

    def rows(self, lit: str = "#", dark: str = ".") -> list[str]:
        """The picture as text, one string per pixel row."""
        return ["".join(lit if self.pixel(x, y) else dark for x in range(self.width)) for y in range(self.height)]
