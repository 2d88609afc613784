"""Command-based I2C chips, Sensirion-style: the host writes a command code and argument words, the
chip works on it for a while, then answers reads with 16-bit words, every word on the wire followed
by a CRC-8 (polynomial 0x31, initial value 0xFF). The SHT4x humidity sensor is built on it."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from linuxhw.mock.i2c import crc8
from linuxhw.mock.i2c_models import I2cTarget

__all__ = ["CommandDevice", "Response", "Sht4x", "sensirion_crc8"]


def sensirion_crc8(data: Iterable[int]) -> int:
    """The CRC-8 Sensirion's chips send after each word and check after each argument word."""
    return crc8(data, 0xFF, 0x31)


def _nack() -> OSError:
    return OSError(errno.ENXIO, os.strerror(errno.ENXIO))


@dataclass(frozen=True)
class Response:
    """What a command does: keeps the chip busy ``seconds``, then ``words`` (16-bit) can be read."""

    words: Sequence[int] = ()
    seconds: float = 0.0


class CommandDevice(I2cTarget):
    """Base for a command-based chip: a write is a ``command_bytes``-byte code (MSB first), then
    argument words as MSB, LSB, CRC. :meth:`command` says what a code does (None: not a command of
    this chip, ignored). An argument with a wrong CRC, or cut short, drops the whole write
    (``rejected`` counts them), as the chip accepts data only with its checksum.

    While a command runs the chip answers no header, read or write: the transfer fails as a NAK
    does (ENXIO). Its words are then read once, each followed by its CRC; a read may stop early
    and loses the rest; with nothing to say the chip NAKs a read header too.
    """

    def __init__(self, command_bytes: int = 2) -> None:
        if command_bytes not in (1, 2):
            raise ValueError(f"command_bytes must be 1 or 2, not {command_bytes!r}")
        self.command_bytes = command_bytes
        self.commands: list[int] = []  # every command code run, in order
        self.rejected = 0
        self._busy_until = 0
        self._answer = b""
        self._read = False

    def command(self, code: int, arguments: tuple[int, ...]) -> Response | None:
        """Run command ``code`` with its argument words; override for the chip's commands."""
        return None

    def busy(self) -> bool:
        """Whether the chip is still working on a command."""
        return time.monotonic_ns() < self._busy_until

    def start(self, read: bool) -> None:
        if self.busy() or (read and not self._answer):
            raise _nack()
        self._read = read

    def write(self, data: bytes) -> None:
        if len(data) < self.command_bytes:
            return
        code = int.from_bytes(data[: self.command_bytes], "big")
        rest = data[self.command_bytes :]
        words = [rest[i : i + 3] for i in range(0, len(rest), 3)]
        if any(len(word) < 3 or sensirion_crc8(word[:2]) != word[2] for word in words):
            self.rejected += 1
            return
        response = self.command(code, tuple(int.from_bytes(word[:2], "big") for word in words))
        if response is None:
            return
        self.commands.append(code)
        self._busy_until = time.monotonic_ns() + round(response.seconds * 1e9)
        self._answer = b"".join(w.to_bytes(2, "big") + bytes([sensirion_crc8(w.to_bytes(2, "big"))])
                                for w in response.words)  # fmt: skip

    def read(self, count: int) -> bytes:
        answer, self._answer = self._answer[:count], self._answer[count:]
        return answer + b"\xff" * (count - len(answer))

    def stop(self) -> None:
        if self._read:
            self._answer = b""  # what was not read is gone
        self._read = False


# SHT4x commands: code -> (seconds busy, at most, per the data sheet; heater on-time or None)
MEASURE = {0xFD: (0.0083, None), 0xF6: (0.0045, None), 0xE0: (0.0016, None),
           0x39: (1.1, 0.2), 0x32: (0.11, 0.2), 0x2F: (1.1, 0.11), 0x24: (0.11, 0.11),
           0x1E: (1.1, 0.02), 0x15: (0.11, 0.02)}  # fmt: skip
READ_SERIAL, SOFT_RESET = 0x89, 0x94


class Sht4x(CommandDevice):
    """A Sensirion SHT40/41/45 humidity and temperature sensor (one-byte commands): measure with high,
    medium or low repeatability (0xFD, 0xF6, 0xE0: 8.3, 4.5, 1.6 ms), with the heater at 200, 110
    or 20 mW for 1 s or 0.1 s first (``heater_runs`` counts them), read the serial number (0x89),
    soft reset (0x94, 1 ms). A measurement answers the ``temperature`` (°C) and ``humidity`` (%RH)
    set here as the data sheet's ticks: T = -45 + 175 * S_T / 65535, RH = -6 + 125 * S_RH / 65535.
    """

    def __init__(self, temperature: float = 25.0, humidity: float = 50.0, serial_number: int = 0x0B5A_3C7E) -> None:
        super().__init__(command_bytes=1)
        self.temperature = temperature
        self.humidity = humidity
        self.serial_number = serial_number
        self.heater_runs = 0

    @staticmethod
    def ticks(value: float, offset: float, span: float) -> int:
        return max(0, min(0xFFFF, round((value - offset) * 0xFFFF / span)))

    def command(self, code: int, arguments: tuple[int, ...]) -> Response | None:
        if code in MEASURE:
            seconds, heater = MEASURE[code]
            self.heater_runs += heater is not None
            words = (self.ticks(self.temperature, -45, 175), self.ticks(self.humidity, -6, 125))
            return Response(words, seconds)
        if code == READ_SERIAL:
            return Response((self.serial_number >> 16, self.serial_number & 0xFFFF), 0.001)
        if code == SOFT_RESET:
            return Response((), 0.001)
        return None
