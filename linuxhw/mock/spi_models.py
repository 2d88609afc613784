"""Device models for mock SPI buses, and the small interface to write your own.

A target sees chip select and the bytes on the wire: ``select()`` when CS asserts,
``exchange(tx)`` for each transfer (return the bytes it drives back), ``deselect()``
when CS releases. The loopback and the serial flash are also built into the project's
kernel SPI controller simulator (linuxhw/vm/kmod/spi-sim), so tests agree on both.
"""

from __future__ import annotations

from collections.abc import Mapping

from linuxhw.mock.registers import AutoIncrement, RegisterCursor, RegisterFile, check_auto_increment

__all__ = ["AdcMcp3008", "Loopback", "SerialFlash", "SpiRegisterDevice", "SpiTarget"]


class SpiTarget:
    """Base for a simulated SPI device; override ``exchange`` and optionally select/deselect."""

    def select(self) -> None:
        """Chip select asserted: a new command begins."""

    def exchange(self, tx: bytes) -> bytes:
        """Clock ``len(tx)`` bytes: return what the device drives on MISO meanwhile."""
        return b"\xff" * len(tx)

    def deselect(self) -> None:
        """Chip select released: the command ends."""


class Loopback(SpiTarget):
    """MISO wired to MOSI: every byte comes straight back (zeros when nothing is sent)."""

    def exchange(self, tx: bytes) -> bytes:
        return bytes(tx)


class SerialFlash(SpiTarget):
    """A W25Qxx-style NOR flash: JEDEC ID, status (BUSY, WEL), read, fast read, write enable,
    page program (into a page buffer that wraps within the 256-byte page; bits only clear),
    4 KiB sector erase (0x20) and chip erase (0xC7).

    After a program or erase, BUSY reads 1 for the next two status bytes; while busy, every
    command but read-status is ignored.
    """

    PAGE = 256
    SECTOR = 4096
    BUSY_READS = 2

    def __init__(self, size: int = 64 * 1024, jedec_id: bytes = b"\xef\x40\x11") -> None:
        if size < self.SECTOR or size & (size - 1):
            raise ValueError(f"size must be a power of two of at least {self.SECTOR}, not {size!r}")
        self.memory = bytearray(b"\xff" * size)
        self.jedec_id = bytes(jedec_id)
        self.write_enabled = False
        self.busy_reads = 0
        self._window = bytearray()
        self._page = bytearray(b"\xff" * self.PAGE)

    def select(self) -> None:
        self._window = bytearray()

    def _address(self) -> int:
        return int.from_bytes(self._window[1:4], "big") & (len(self.memory) - 1)

    def exchange(self, tx: bytes) -> bytes:
        return bytes(self._clock(byte) for byte in tx)

    def _clock(self, byte: int) -> int:
        index = len(self._window)
        self._window.append(byte)
        command = self._window[0]
        if index == 0 and not self.busy_reads:
            if command in (0x06, 0x04):
                self.write_enabled = command == 0x06  # write enable/disable act at the opcode byte
            elif command == 0x02:
                self._page = bytearray(b"\xff" * self.PAGE)
        if command == 0x02 and index >= 4 and not self.busy_reads:
            self._page[(self._address() + index - 4) % self.PAGE] = byte  # a later byte replaces an earlier
        if command == 0x05 and index >= 1:
            status = int(self.write_enabled) << 1
            if self.busy_reads:
                self.busy_reads -= 1
                status |= 1
            return status
        if self.busy_reads:
            return 0xFF
        if command == 0x9F and 1 <= index <= len(self.jedec_id):
            return self.jedec_id[index - 1]
        first_data = {0x03: 4, 0x0B: 5}.get(command)
        if first_data is not None and index >= first_data:
            return self.memory[(self._address() + index - first_data) % len(self.memory)]
        return 0xFF

    def deselect(self) -> None:
        window, self._window = self._window, bytearray()
        if not window or (self.busy_reads and window[0] != 0x05):
            return
        command = window[0]
        if command in (0x02, 0x20, 0xC7):
            if self.write_enabled:
                self._window = window
                if self._modify(command, window):
                    self.busy_reads = self.BUSY_READS
                self._window = bytearray()
            self.write_enabled = False  # cleared whether or not the command took effect

    def _modify(self, command: int, window: bytearray) -> bool:
        """Program or erase; True if it happened (the address was complete)."""
        if command == 0xC7:
            self.memory[:] = b"\xff" * len(self.memory)
            return True
        if len(window) < (4 if command == 0x20 else 5):
            return False  # an erase needs its address, a program at least one data byte
        address = self._address()
        if command == 0x20:
            start = address & ~(self.SECTOR - 1)
            self.memory[start : start + self.SECTOR] = b"\xff" * self.SECTOR
            return True
        page = address & ~(self.PAGE - 1)
        for offset, byte in enumerate(self._page):
            self.memory[page + offset] &= byte
        return True


class AdcMcp3008(SpiTarget):
    """An MCP3008-style 8-channel 10-bit ADC: send ``[0x01, (single << 7 | channel << 4), 0]``,
    get the result in the low 2 bits of byte 1 and all of byte 2. Set inputs with ``set_input``."""

    def __init__(self) -> None:
        self.inputs = [0] * 8
        self._window = bytearray()

    def set_input(self, channel: int, value: int) -> None:
        """The 10-bit reading a channel returns."""
        if not 0 <= channel < 8 or not 0 <= value <= 0x3FF:
            raise ValueError(f"channel must be 0..7 and value 0..1023, not {channel!r}, {value!r}")
        self.inputs[channel] = value

    def select(self) -> None:
        self._window = bytearray()

    def exchange(self, tx: bytes) -> bytes:
        out = bytearray()
        for byte in tx:
            self._window.append(byte)
            index = len(self._window) - 1
            value = self.inputs[(self._window[1] >> 4) & 0x7] if index >= 1 and self._window[0] & 1 else 0
            out.append((value >> 8) & 0x3 if index == 1 else value & 0xFF if index == 2 else 0)
        return bytes(out)


class SpiRegisterDevice(RegisterFile, SpiTarget):
    """A register-map sensor on SPI: each chip-select period begins with a control byte, the register
    address with ``read_bit`` set for a read (``read_when_set=False``: clear for a read, as on the
    MAX31865), then data bytes out of or into the registers (a :class:`RegisterFile`). The register is
    ``register_base`` plus the address bits (the BME280's 0x80: SPI replaces its addresses' top bit).

    ``auto_increment``: True, the address moves on after each register; False, it stays; a bit of
    the control byte such as 0x40, the MB/MS bit of ADXL345- and LIS3DH-style parts. With
    ``paired_writes`` each written value is followed by a new control byte. MISO idles high
    (0xFF) except while register data goes out.
    """

    def __init__(self, size: int = 128, *, width: int = 1, byte_order: str = "big",
                 defaults: Mapping[int, int] | None = None, paired_writes: bool = False, read_bit: int = 0x80,
                 read_when_set: bool = True, auto_increment: AutoIncrement = True,
                 register_base: int = 0) -> None:  # fmt: skip
        check_auto_increment(auto_increment)
        check_auto_increment(read_bit, "read_bit")
        if isinstance(read_bit, bool) or read_bit is auto_increment or read_bit == auto_increment:
            raise ValueError(f"read_bit must be one bit other than auto_increment's, not {read_bit!r}")
        self.read_bit = read_bit
        self.read_when_set = read_when_set
        self.auto_increment = auto_increment
        self.register_base = register_base
        super().__init__(size, width=width, byte_order=byte_order, defaults=defaults, paired_writes=paired_writes)
        self._cursor: RegisterCursor | None = None  # None: the next byte is a control byte
        self._reading = False

    def select(self) -> None:
        self._cursor = None

    def deselect(self) -> None:
        self._cursor = None

    def exchange(self, tx: bytes) -> bytes:
        return bytes(self._clock(byte) for byte in tx)

    def _clock(self, byte: int) -> int:
        cursor = self._cursor
        if cursor is None:
            self._reading = bool(byte & self.read_bit) == self.read_when_set
            address, increments = self.decode_address(byte & ~self.read_bit, self.auto_increment)
            address = (self.register_base + address) % self.size
            if self._reading:
                self.begin_read(address)
            self._cursor = RegisterCursor(self, address, increments and (self._reading or not self.paired_writes))
            return 0xFF
        if self._reading:
            return cursor.read_byte()
        if cursor.write_byte(byte) and self.paired_writes:
            self._cursor = None
        return 0xFF
