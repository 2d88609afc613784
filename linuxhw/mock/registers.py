"""The register file of a register-map chip, shared by its I2C face (``RegisterDevice``) and its SPI
face (``SpiRegisterDevice``): registers of 8 or 16 bits with power-on values, and the hooks a chip
model overrides for what its registers do (clear on read, start a conversion on write, ...).

How a bus frames register accesses (a pointer byte on I2C, a read/write control byte on SPI, and
whether the address auto-increments) belongs to the face; what the registers hold belongs here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Union, cast

__all__ = ["AutoIncrement", "RegisterFile"]

AutoIncrement = Union[bool, int]  # always / never, or the bit of the address byte that asks for it
ByteOrder = Literal["big", "little"]
BYTE_ORDERS = ("big", "little")


def check_auto_increment(value: AutoIncrement, what: str = "auto_increment") -> None:
    """True, False or one bit of an address byte (0x80 for ST-style parts, 0x40 for an SPI MB bit)."""
    if isinstance(value, bool):
        return
    if not isinstance(value, int) or not 0 < value <= 0xFF or value & (value - 1):
        raise ValueError(f"{what} must be True, False or one bit of the address byte (e.g. 0x80), not {value!r}")


class RegisterFile:
    """``size`` registers of ``width`` bytes (1 or 2, sent in ``byte_order``), all 0 at power-on
    except ``defaults`` ({address: value}). ``paired_writes``: a write burst is (address, value)
    pairs rather than values from one address on, as the BME280's is.

    Override ``read_register``/``write_register`` for what a chip does when a register is read or
    written (a read-only register ignores writes, a status register clears on read...),
    ``register_width`` for a chip whose registers differ in width, ``next_register`` for a chip whose
    address pointer moves its own way, and ``begin_read`` to latch data when a read burst begins.
    """

    def __init__(self, size: int = 256, *, width: int = 1, byte_order: str = "big",
                 defaults: Mapping[int, int] | None = None, paired_writes: bool = False) -> None:  # fmt: skip
        super().__init__()
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 0x10000:
            raise ValueError(f"size must be 1..65536 registers, not {size!r}")
        if width not in (1, 2):
            raise ValueError(f"width must be 1 or 2 bytes per register, not {width!r}")
        if byte_order not in BYTE_ORDERS:
            raise ValueError(f"byte_order must be 'big' or 'little', not {byte_order!r}")
        self.size = size
        self.width = width
        self.byte_order = cast(ByteOrder, byte_order)
        self.paired_writes = paired_writes
        self.defaults = dict(defaults or {})
        for address, value in self.defaults.items():
            self._check(address, value)
        self.registers = [0] * size
        for address, value in self.defaults.items():
            self.registers[address] = value

    def _check(self, address: int, value: int) -> None:
        if not 0 <= address < self.size:
            raise ValueError(f"register address must be 0..{self.size - 1:#x}, not {address!r}")
        if not 0 <= value < 1 << (8 * self.register_width(address)):
            raise ValueError(f"register {address:#x} holds {self.register_width(address)} byte(s), not {value!r}")

    def power_on(self) -> None:
        """Every register back to its power-on value (a chip's reset command calls this; a model with
        more state extends it)."""
        self.registers[:] = [0] * self.size
        for address, value in self.defaults.items():
            self.registers[address] = value

    def poke(self, address: int, value: int) -> None:
        """Set a register from outside (a test's hand on the chip), with no side effect."""
        self._check(address, value)
        self.registers[address] = value

    # -- what a chip model overrides ----------------------------------------------------------------

    def register_width(self, address: int) -> int:
        """Bytes of register ``address``."""
        return self.width

    def read_register(self, address: int) -> int:
        """The value the bus reads from ``address``, once per register read (side effects go here)."""
        return self.registers[address]

    def write_register(self, address: int, value: int) -> None:
        """The bus wrote a whole ``value`` to ``address``."""
        self.registers[address] = value

    def next_register(self, address: int) -> int:
        """Where an auto-incrementing address goes after ``address`` (wrapping at ``size``)."""
        return (address + 1) % self.size

    def begin_read(self, address: int) -> None:
        """A read burst begins at ``address`` (a chip that shadows its data latches it here)."""

    # -- for the faces ------------------------------------------------------------------------------

    def decode_address(self, byte_or_address: int, auto_increment: AutoIncrement) -> tuple[int, bool]:
        """(register, increments) for an address as the bus sent it: with an auto-increment bit, that
        bit asks for it and is not part of the address."""
        if isinstance(auto_increment, bool):
            return byte_or_address % self.size, auto_increment
        return (byte_or_address & ~auto_increment) % self.size, bool(byte_or_address & auto_increment)


class RegisterCursor:
    """One burst through a register file: the register being clocked, and the bytes of it still to
    go. A register's value is read (``read_register``) when its first byte goes out, and written when
    its last byte came in; the address moves on once a register is done, if the burst increments."""

    def __init__(self, registers: RegisterFile, address: int, increments: bool) -> None:
        self.registers = registers
        self.address = address
        self.increments = increments
        self._out = b""
        self._in = bytearray()

    def read_byte(self) -> int:
        regs = self.registers
        if not self._out:
            width = regs.register_width(self.address)
            self._out = (regs.read_register(self.address) & ((1 << 8 * width) - 1)).to_bytes(width, regs.byte_order)
        byte, self._out = self._out[0], self._out[1:]
        if not self._out:
            self._advance()
        return byte

    def write_byte(self, byte: int) -> bool:
        """Take one data byte; True when it completed a register."""
        regs = self.registers
        self._in.append(byte)
        if len(self._in) < regs.register_width(self.address):
            return False
        value = int.from_bytes(self._in, regs.byte_order)
        self._in.clear()
        regs.write_register(self.address, value)
        self._advance()
        return True

    def _advance(self) -> None:
        if self.increments:
            self.address = self.registers.next_register(self.address)
