"""Device models for mock I2C buses, and the small interface to write your own.

A target sees the bus the way a real chip does: after its address is ACKed it
receives the bytes of a write message, supplies the bytes of a read message, and
is told when the master sends STOP. The same models are built into the project's
kernel I2C simulator module (linuxhw/vm/kmod/i2c-sim), so tests agree on both.
"""

from __future__ import annotations

__all__ = ["Eeprom", "I2cTarget", "RegisterDevice"]


class I2cTarget:
    """Base for a simulated I2C device. Override ``write``/``read``; ``start``/``stop`` are optional.

    To act out a bus fault, raise ``OSError(errno.X)`` from any method: the adapter fails the
    transfer with that errno (ETIMEDOUT for a stuck bus, EAGAIN for lost arbitration, ...).
    """

    def start(self, read: bool) -> None:
        """A (repeated) START addressed this device, for reading or writing."""

    def write(self, data: bytes) -> None:
        """The data bytes of one write message addressed to this device."""

    def read(self, count: int) -> bytes:
        """The next ``count`` bytes of the current read message (a real bus idles high: 0xFF)."""
        return b"\xff" * count

    def stop(self) -> None:
        """The master ended the transfer with STOP."""


class Eeprom(I2cTarget):
    """A 24Cxx EEPROM: 1- or 2-byte word address, page writes wrap inside the page,
    sequential reads wrap at the end of memory, the pointer survives between transfers."""

    def __init__(self, size: int = 256, address_bytes: int = 1, page_size: int = 8) -> None:
        if address_bytes not in (1, 2):
            raise ValueError(f"address_bytes must be 1 or 2, not {address_bytes!r}")
        if size < 1 or size > (1 << (8 * address_bytes)) or size & (size - 1):
            raise ValueError(f"size must be a power of two addressable with {address_bytes} byte(s), not {size!r}")
        if page_size < 1 or page_size & (page_size - 1) or page_size > size:
            raise ValueError(f"page_size must be a power of two no larger than size, not {page_size!r}")
        self.memory = bytearray(b"\xff" * size)
        self.address_bytes = address_bytes
        self.page_size = page_size
        self.pointer = 0

    def write(self, data: bytes) -> None:
        if len(data) < self.address_bytes:
            return  # an incomplete word address changes nothing
        self.pointer = int.from_bytes(data[: self.address_bytes], "big") & (len(self.memory) - 1)
        page_mask = self.page_size - 1
        for byte in data[self.address_bytes :]:
            self.memory[self.pointer] = byte
            self.pointer = (self.pointer & ~page_mask) | ((self.pointer + 1) & page_mask)

    def read(self, count: int) -> bytes:
        out = bytearray()
        for _ in range(count):
            out.append(self.memory[self.pointer])
            self.pointer = (self.pointer + 1) % len(self.memory)
        return bytes(out)


BLOCK_COMMANDS = range(0xA0, 0xC0)
REVERSING_COMMANDS = range(0xB0, 0xC0)


class RegisterDevice(I2cTarget):
    """A register-map chip: 256 8-bit registers behind an auto-incrementing pointer.

    Commands 0xA0-0xBF are SMBus blocks: a write ``[cmd, count, data...]`` stores a block
    (0xB0-0xBF store it reversed, so a block process call answers with the data reversed);
    a read at a block command answers ``[count, data..., 0xFF...]`` — what RECV_LEN expects.
    """

    WHO_AM_I = 0x0F

    def __init__(self, who_am_i: int = 0x6A, identity: bytes = b"linuxhw-sim") -> None:
        self.registers = bytearray(256)
        self.registers[self.WHO_AM_I] = who_am_i
        self.blocks: dict[int, bytes] = {0xA0: identity}
        self.pointer = 0
        self._block_stream: bytes | None = None  # this segment's block answer; None: registers
        self._segment_read = False

    def start(self, read: bool) -> None:
        self._segment_read = False  # a START begins a segment; NOSTART messages continue it

    def stop(self) -> None:
        self._segment_read = False

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.pointer = data[0]
        if self.pointer in BLOCK_COMMANDS:
            if len(data) >= 2:
                block = bytes(data[2 : 2 + data[1]])
                self.blocks[self.pointer] = block[::-1] if self.pointer in REVERSING_COMMANDS else block
            return
        for byte in data[1:]:
            self.registers[self.pointer] = byte
            self.pointer = (self.pointer + 1) & 0xFF

    def read(self, count: int) -> bytes:
        if not self._segment_read:  # the segment's first read byte decides: block or registers
            self._segment_read = True
            block = self.blocks.get(self.pointer, b"") if self.pointer in BLOCK_COMMANDS else None
            self._block_stream = None if block is None else bytes([len(block)]) + block
        if self._block_stream is not None:
            answer = (self._block_stream + b"\xff" * count)[:count]
            self._block_stream = self._block_stream[count:]
            return answer
        out = bytearray()
        for _ in range(count):
            out.append(self.registers[self.pointer])
            self.pointer = (self.pointer + 1) & 0xFF
        return bytes(out)
