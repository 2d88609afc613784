"""Device models for mock I2C buses, and the small interface to write your own.

A target sees the bus the way a real chip does: after its address is ACKed it
receives the bytes of a write message, supplies the bytes of a read message, and
is told when the master sends STOP. The EEPROMs and the register device of
``attach_reference_models`` are built into the project's kernel I2C simulator module
(linuxhw/vm/kmod/i2c-sim) too, so tests agree on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from linuxhw.mock.registers import AutoIncrement, RegisterCursor, RegisterFile, check_auto_increment

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


class RegisterDevice(RegisterFile, I2cTarget):
    """A register-map chip on I2C: a write's first byte (``pointer_bytes`` bytes) sets the register
    pointer and the rest are register values from there; a read answers from the pointer. The
    registers are a :class:`RegisterFile` (``size``, ``width`` 1 or 2 bytes, ``byte_order``,
    ``defaults``); a 16-bit-register chip (MCP9808, ADS1115, TMP117...) is ``width=2``.

    ``auto_increment``: True, the pointer moves to the next register after each one (the pointer
    survives between transfers); False, it stays (reads repeat one register, as on most 16-bit
    parts); a bit mask such as 0x80, ST-style: the pointer byte's bit asks for auto-increment and
    the register is the rest. A register read halfway keeps the pointer on it.

    ``block_commands`` are SMBus block commands, none unless named: a write ``[cmd, count,
    data...]`` stores a block (``reversing_block_commands`` store it reversed, so a block process
    call answers it reversed); a read at one answers ``[count, data..., 0xFF...]``, what RECV_LEN
    expects. ``blocks`` gives their contents at power-on.
    """

    def __init__(self, size: int = 256, *, width: int = 1, byte_order: str = "big",
                 defaults: Mapping[int, int] | None = None, paired_writes: bool = False,
                 auto_increment: AutoIncrement = True, pointer_bytes: int = 1,
                 block_commands: Iterable[int] = (), reversing_block_commands: Iterable[int] = (),
                 blocks: Mapping[int, bytes] | None = None) -> None:  # fmt: skip
        check_auto_increment(auto_increment)
        if pointer_bytes not in (1, 2):
            raise ValueError(f"pointer_bytes must be 1 or 2, not {pointer_bytes!r}")
        self.auto_increment = auto_increment
        self.pointer_bytes = pointer_bytes
        self.block_commands = frozenset(block_commands)
        self.reversing_block_commands = frozenset(reversing_block_commands)
        if not self.reversing_block_commands <= self.block_commands:
            raise ValueError("reversing_block_commands must be block commands too")
        self.blocks: dict[int, bytes] = {}
        for command, block in (blocks or {}).items():
            if command not in self.block_commands:
                raise ValueError(f"blocks: {command:#x} is not one of the block commands")
            self.blocks[command] = bytes(block)
        super().__init__(size, width=width, byte_order=byte_order, defaults=defaults, paired_writes=paired_writes)
        self.pointer = 0
        self._increments = auto_increment is True
        self._cursor: RegisterCursor | None = None  # this segment's reads; None until its first read byte
        self._block_stream: bytes | None = None  # this segment's block answer

    def start(self, read: bool) -> None:
        self._cursor = None  # a START begins a segment; NOSTART messages continue it
        self._block_stream = None

    def stop(self) -> None:
        self.start(False)

    def _set_pointer(self, data: bytes) -> None:
        self.pointer, self._increments = self.decode_address(int.from_bytes(data, "big"), self.auto_increment)

    def write(self, data: bytes) -> None:
        size = self.pointer_bytes
        if len(data) < size:
            return  # an incomplete pointer changes nothing
        self._set_pointer(data[:size])
        if self.pointer in self.block_commands:
            if len(data) > size:
                block = bytes(data[size + 1 : size + 1 + data[size]])
                self.blocks[self.pointer] = block[::-1] if self.pointer in self.reversing_block_commands else block
            return
        cursor = RegisterCursor(self, self.pointer, self._increments and not self.paired_writes)
        rest = data[size:]
        while rest:
            done = cursor.write_byte(rest[0])
            rest = rest[1:]
            if done and self.paired_writes and len(rest) >= size:  # the next pair's register
                self._set_pointer(rest[:size])
                cursor, rest = RegisterCursor(self, self.pointer, False), rest[size:]
        self.pointer = cursor.address

    def read(self, count: int) -> bytes:
        if self._cursor is None and self._block_stream is None:  # the segment's first read byte decides
            if self.pointer in self.block_commands:
                block = self.blocks.get(self.pointer, b"")
                self._block_stream = bytes([len(block)]) + block
            else:
                self.begin_read(self.pointer)
                self._cursor = RegisterCursor(self, self.pointer, self._increments)
        if self._block_stream is not None:
            answer = (self._block_stream + b"\xff" * count)[:count]
            self._block_stream = self._block_stream[count:]
            return answer
        assert self._cursor is not None
        answer = bytes(self._cursor.read_byte() for _ in range(count))
        self.pointer = self._cursor.address
        return answer
