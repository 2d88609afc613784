"""Mock I2C adapters behind i2c-dev: I2C_RDWR, SMBus (native like i2c-stub, or emulated over
I2C transfers the way i2c-core does), read()/write(), and i2c-dev's checks and errnos."""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from linuxhw._uapi import ffi, lib
from linuxhw.mock._file import MockFile
from linuxhw.mock.i2c_models import Eeprom, I2cTarget, RegisterDevice

if TYPE_CHECKING:
    from linuxhw.mock.board import Board

__all__ = ["SIM_FUNCTIONALITY", "STUB_FUNCTIONALITY", "MockI2cBus", "MockI2cStub", "attach_reference_models"]

CLIENT_PEC = 0x04  # I2C_CLIENT_PEC, kernel-internal: set on the i2c-dev client by the I2C_PEC ioctl
BLOCK_MAX = 32
MAX_MESSAGE = 8192
SMBUS_EMUL = (
    lib.I2C_FUNC_SMBUS_QUICK | lib.I2C_FUNC_SMBUS_READ_BYTE | lib.I2C_FUNC_SMBUS_WRITE_BYTE
    | lib.I2C_FUNC_SMBUS_READ_BYTE_DATA | lib.I2C_FUNC_SMBUS_WRITE_BYTE_DATA | lib.I2C_FUNC_SMBUS_READ_WORD_DATA
    | lib.I2C_FUNC_SMBUS_WRITE_WORD_DATA | lib.I2C_FUNC_SMBUS_PROC_CALL | lib.I2C_FUNC_SMBUS_WRITE_BLOCK_DATA
    | lib.I2C_FUNC_SMBUS_READ_I2C_BLOCK | lib.I2C_FUNC_SMBUS_WRITE_I2C_BLOCK | lib.I2C_FUNC_SMBUS_PEC
)  # fmt: skip
# What the project's kernel I2C simulator module reports (an adapter with master_xfer).
SIM_FUNCTIONALITY = (
    lib.I2C_FUNC_I2C | lib.I2C_FUNC_10BIT_ADDR | lib.I2C_FUNC_PROTOCOL_MANGLING | lib.I2C_FUNC_NOSTART
    | SMBUS_EMUL | lib.I2C_FUNC_SMBUS_READ_BLOCK_DATA | lib.I2C_FUNC_SMBUS_BLOCK_PROC_CALL
)  # fmt: skip
# i2c-stub's default functionality (SMBus block transfers must be enabled explicitly).
STUB_FUNCTIONALITY = (
    lib.I2C_FUNC_SMBUS_QUICK | lib.I2C_FUNC_SMBUS_READ_BYTE | lib.I2C_FUNC_SMBUS_WRITE_BYTE
    | lib.I2C_FUNC_SMBUS_READ_BYTE_DATA | lib.I2C_FUNC_SMBUS_WRITE_BYTE_DATA | lib.I2C_FUNC_SMBUS_READ_WORD_DATA
    | lib.I2C_FUNC_SMBUS_WRITE_WORD_DATA | lib.I2C_FUNC_SMBUS_READ_I2C_BLOCK | lib.I2C_FUNC_SMBUS_WRITE_I2C_BLOCK
)  # fmt: skip
STUB_BLOCK_FUNCTIONALITY = lib.I2C_FUNC_SMBUS_READ_BLOCK_DATA | lib.I2C_FUNC_SMBUS_WRITE_BLOCK_DATA
SMBUS_SIZES = (
    lib.I2C_SMBUS_QUICK, lib.I2C_SMBUS_BYTE, lib.I2C_SMBUS_BYTE_DATA, lib.I2C_SMBUS_WORD_DATA,
    lib.I2C_SMBUS_PROC_CALL, lib.I2C_SMBUS_BLOCK_DATA, lib.I2C_SMBUS_I2C_BLOCK_DATA, lib.I2C_SMBUS_BLOCK_PROC_CALL,
)  # fmt: skip
I2C_SMBUS_I2C_BLOCK_BROKEN = 6


def crc8(data: Iterable[int], crc: int = 0, polynomial: int = 0x07) -> int:
    """CRC-8, MSB first: by default SMBus PEC's (x^8 + x^2 + x + 1, from 0); Sensirion's is 0x31 from 0xFF."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ polynomial) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


@dataclass
class Msg:
    """One ``struct i2c_msg`` as an adapter sees it."""

    addr: int
    flags: int
    buf: bytearray
    len: int

    def pec(self, crc: int = 0) -> int:
        """i2c_smbus_msg_pec(): the address byte with R/W, then the data."""
        return crc8(bytes([((self.addr << 1) | (self.flags & lib.I2C_M_RD)) & 0xFF]) + self.buf[: self.len], crc)


class MockI2cBus:
    """An I2C adapter with ``master_xfer`` (SMBus emulated over it by the core), like the
    project's kernel simulator. Attach targets with :meth:`attach`."""

    subsystem = "i2c-dev"
    removal_errno = errno.ENODEV  # transfers of an unplugged USB adapter (and of i2c-sim's unplug)

    def __init__(self, board: Board, number: int, name: str, functionality: int) -> None:
        self.board = board
        self.number = number
        self.dev_path = f"/dev/i2c-{number}"
        self.name = name
        self.attributes = {"name": name}
        self.functionality = functionality
        self.targets: dict[tuple[int, bool], I2cTarget] = {}
        self.driver_bound: set[int] = set()
        self.retries = 0
        self.timeout_ms = 1000

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.dev_path} {self.name!r}>"

    def attach(self, address: int, target: I2cTarget, *, ten_bit: bool = False) -> I2cTarget:
        """Put a device model at an address (10-bit addresses need ``ten_bit=True``)."""
        limit = 0x3FF if ten_bit else 0x7F
        if not 0 <= address <= limit:
            raise ValueError(f"address must be 0..{limit:#x} for {'10' if ten_bit else '7'}-bit, not {address!r}")
        with self.board.lock:
            if (address, ten_bit) in self.targets:
                raise ValueError(f"address {address:#x} is already taken on {self.dev_path}")
            self.targets[(address, ten_bit)] = target
        return target

    def bind_driver(self, address: int) -> None:
        """Pretend a kernel driver owns ``address``: I2C_SLAVE gets EBUSY (i2cdetect shows UU)."""
        with self.board.lock:
            self.driver_bound.add(address)

    def open(self, board: Board, flags: int) -> MockFile:
        return _I2cFile(self)

    # -- the adapter ----------------------------------------------------------------------------------

    @property
    def can_transfer(self) -> bool:
        return True

    def master_xfer(self, msgs: Sequence[Msg]) -> int:
        """Run messages as one transfer with repeated STARTs and a final STOP: count or -errno."""
        touched: list[I2cTarget] = []
        current: I2cTarget | None = None
        pending = bytearray()  # write data of the current segment: NOSTART messages append to it

        def flush() -> None:
            if current is not None and pending:
                current.write(bytes(pending))
            pending.clear()

        try:
            for msg in msgs:
                reading = bool(msg.flags & lib.I2C_M_RD)
                if msg.flags & lib.I2C_M_NOSTART and current is not None:
                    target = current
                    if reading:
                        flush()
                else:
                    flush()
                    current = self.targets.get((msg.addr, bool(msg.flags & lib.I2C_M_TEN)))
                    if current is None:
                        if not msg.flags & lib.I2C_M_IGNORE_NAK:
                            return -errno.ENXIO
                        if reading:
                            msg.buf[: msg.len] = b"\xff" * msg.len
                        continue
                    target = current
                    target.start(reading)
                    if target not in touched:
                        touched.append(target)
                if not reading:
                    pending += msg.buf[: msg.len]
                    continue
                err = _read_message(target, msg)
                if err:
                    return err
            flush()
            return len(msgs)
        except OSError as exc:  # a model reporting a bus fault (ETIMEDOUT, EAGAIN, EREMOTEIO, ...)
            return -(exc.errno or errno.EIO)
        finally:
            for target in touched:
                target.stop()

    def smbus_xfer(self, addr: int, flags: int, read_write: int, command: int, size: int, data: Any) -> int:
        """i2c_smbus_xfer() for an adapter without native SMBus: i2c-core's emulation."""
        return _smbus_emulated(self, addr, flags, read_write, command, size, data)


def _read_message(target: I2cTarget, msg: Msg) -> int:
    """Fill a read message from its target; a RECV_LEN read takes its length from the first byte."""
    if not msg.flags & lib.I2C_M_RECV_LEN:
        msg.buf[: msg.len] = target.read(msg.len)
        return 0
    count = target.read(1)[0]
    if not 1 <= count <= BLOCK_MAX:
        return -errno.EPROTO
    total = msg.len + count  # the adapter adds the block length to the 1 (or 2, with PEC) bytes asked
    msg.buf[:total] = bytes([count]) + target.read(total - 1)
    msg.len = total
    return 0


class StubBank(Protocol):
    """A banked register range, as i2c-stub's bank_reg/bank_mask/bank_start/bank_end parameters give it
    (``linuxhw.sim.I2cStubBank`` fits)."""

    reg: int
    mask: int
    start: int
    end: int


class _StubChip:
    """One i2c-stub chip: 256 16-bit words, byte operations on the low byte, a byte pointer, and
    optionally a banked range whose copy is chosen by a bank-select register."""

    def __init__(self, bank: StubBank | None) -> None:
        self.pointer = 0
        self.words = [0] * 256
        self.blocks: dict[int, bytearray] = {}
        self.bank = bank
        self.bank_sel = 0
        if bank is not None:
            shift = (bank.mask & -bank.mask).bit_length() - 1
            self.bank_shift, self.bank_mask = shift, bank.mask >> shift
            self.bank_size = bank.end - bank.start + 1
            self.bank_words = [0] * (self.bank_mask * self.bank_size)

    def word_slot(self, offset: int) -> tuple[list[int], int]:
        """stub_get_wordp(): where register ``offset`` lives, given the selected bank."""
        bank = self.bank
        if bank is not None and self.bank_sel and bank.start <= offset <= bank.end:
            return self.bank_words, (self.bank_sel - 1) * self.bank_size + offset - bank.start
        return self.words, offset


class MockI2cStub(MockI2cBus):
    """The kernel's i2c-stub: SMBus only (no I2C transfers), chips at fixed addresses."""

    removal_refused = "Module i2c_stub is in use"  # rmmod while i2c-dev holds the adapter: EBUSY, nothing goes

    def __init__(self, board: Board, number: int, chip_addrs: Sequence[int], functionality: int,
                 banks: Sequence[StubBank | None] = ()) -> None:  # fmt: skip
        super().__init__(
            board, number, "SMBus stub driver", functionality & (STUB_FUNCTIONALITY | STUB_BLOCK_FUNCTIONALITY)
        )
        if not 1 <= len(chip_addrs) <= 10 or any(not 0x03 <= a <= 0x77 for a in chip_addrs):
            raise ValueError(f"chip_addrs must be 1 to 10 addresses in 0x03..0x77, not {list(chip_addrs)!r}")
        if len(banks) > len(chip_addrs):
            raise ValueError(f"banks has {len(banks)} entries for {len(chip_addrs)} chips")
        padded = list(banks) + [None] * (len(chip_addrs) - len(banks))
        self.chips = {
            address: _StubChip(bank if bank and bank.mask else None) for address, bank in zip(chip_addrs, padded)
        }

    @property
    def can_transfer(self) -> bool:
        return False

    def master_xfer(self, msgs: Sequence[Msg]) -> int:
        return -errno.EOPNOTSUPP

    def smbus_xfer(self, addr: int, flags: int, read_write: int, command: int, size: int, data: Any) -> int:
        """stub_xfer(), byte for byte."""
        chip = self.chips.get(addr)
        if chip is None:
            return -errno.ENODEV
        write = read_write == lib.I2C_SMBUS_WRITE
        if size == lib.I2C_SMBUS_QUICK:
            return 0
        if size == lib.I2C_SMBUS_BYTE:
            if write:
                chip.pointer = command
            else:
                words, index = chip.word_slot(chip.pointer)
                data.byte = words[index] & 0xFF
                chip.pointer = (chip.pointer + 1) & 0xFF
            return 0
        if size == lib.I2C_SMBUS_BYTE_DATA:
            words, index = chip.word_slot(command)
            if write:
                words[index] = (words[index] & 0xFF00) | data.byte
                if chip.bank is not None and command == chip.bank.reg:
                    chip.bank_sel = (data.byte >> chip.bank_shift) & chip.bank_mask
            else:
                data.byte = words[index] & 0xFF
            chip.pointer = (command + 1) & 0xFF
            return 0
        if size == lib.I2C_SMBUS_WORD_DATA:
            words, index = chip.word_slot(command)
            if write:
                words[index] = data.word
            else:
                data.word = words[index]
            return 0
        if size == lib.I2C_SMBUS_I2C_BLOCK_DATA:  # banks ignored, as i2c-stub does
            data.block[0] = min(data.block[0], 256 - command)  # i2c-stub clamps instead of overrunning
            for i in range(data.block[0]):
                register = command + i
                if write:
                    chip.words[register] = (chip.words[register] & 0xFF00) | data.block[1 + i]
                else:
                    data.block[1 + i] = chip.words[register] & 0xFF
            return 0
        if size == lib.I2C_SMBUS_BLOCK_DATA:
            block = chip.blocks.get(command)
            if write:
                length = data.block[0]
                if not 1 <= length <= BLOCK_MAX:
                    return -errno.EINVAL
                if block is None:
                    block = chip.blocks[command] = bytearray()
                stored = bytearray(data.block[1 : 1 + length])
                block[:length] = stored  # the largest write so far sets the read length
                chip.words[command] = (block[0] << 8) | len(block)
                return 0
            if block is None:
                return -errno.EOPNOTSUPP  # a block read without a prior block write
            data.block[0] = len(block)
            data.block[1 : 1 + len(block)] = bytes(block)
            return 0
        return -errno.EOPNOTSUPP


def _emulated_messages(addr: int, flags: int, reading: bool, command: int, size: int, data: Any) -> list[Msg] | int:
    """The I2C messages i2c_smbus_xfer_emulated() builds for one SMBus call (or -errno)."""
    msg_flags = flags & lib.I2C_M_TEN
    out = Msg(addr, msg_flags, bytearray([command]) + bytearray(BLOCK_MAX + 2), 1)
    back = Msg(addr, msg_flags | lib.I2C_M_RD, bytearray(BLOCK_MAX + 2), 0)
    if size == lib.I2C_SMBUS_QUICK:
        out.len = 0
        out.flags = msg_flags | (lib.I2C_M_RD if reading else 0)
        return [out]
    if size == lib.I2C_SMBUS_BYTE:
        if reading:
            out.flags = msg_flags | lib.I2C_M_RD
        return [out]
    if size == lib.I2C_SMBUS_BYTE_DATA:
        if reading:
            back.len = 1
            return [out, back]
        out.len = 2
        out.buf[1] = data.byte
        return [out]
    if size in (lib.I2C_SMBUS_WORD_DATA, lib.I2C_SMBUS_PROC_CALL):
        if reading and size == lib.I2C_SMBUS_WORD_DATA:
            back.len = 2
            return [out, back]
        out.len = 3
        out.buf[1:3] = bytes([data.word & 0xFF, data.word >> 8])
        back.len = 2
        return [out, back] if size == lib.I2C_SMBUS_PROC_CALL else [out]
    if size in (lib.I2C_SMBUS_BLOCK_DATA, lib.I2C_SMBUS_BLOCK_PROC_CALL):
        back.flags |= lib.I2C_M_RECV_LEN
        back.len = 1
        if reading and size == lib.I2C_SMBUS_BLOCK_DATA:
            return [out, back]
        if data.block[0] > BLOCK_MAX:
            return -errno.EINVAL
        out.len = data.block[0] + 2
        out.buf[1 : out.len] = bytes(data.block[0 : out.len - 1])
        return [out, back] if size == lib.I2C_SMBUS_BLOCK_PROC_CALL else [out]
    if size == lib.I2C_SMBUS_I2C_BLOCK_DATA:
        if data.block[0] > BLOCK_MAX:
            return -errno.EINVAL
        if reading:
            back.len = data.block[0]
            return [out, back]
        out.len = data.block[0] + 1
        out.buf[1 : out.len] = bytes(data.block[1 : out.len])
        return [out]
    return -errno.EOPNOTSUPP


def _smbus_emulated(bus: MockI2cBus, addr: int, flags: int, read_write: int, command: int, size: int,
                    data: Any) -> int:  # fmt: skip
    """i2c_smbus_xfer_emulated(): SMBus as one or two I2C messages, PEC added and checked."""
    msgs = _emulated_messages(addr, flags, read_write == lib.I2C_SMBUS_READ, command, size, data)
    if isinstance(msgs, int):
        return msgs
    out, last = msgs[0], msgs[-1]
    use_pec = bool(flags & CLIENT_PEC) and size not in (lib.I2C_SMBUS_QUICK, lib.I2C_SMBUS_I2C_BLOCK_DATA)
    partial = 0
    if use_pec:
        if not out.flags & lib.I2C_M_RD:
            if len(msgs) == 1:
                out.buf[out.len] = out.pec()
                out.len += 1
            else:
                partial = out.pec()
        if last.flags & lib.I2C_M_RD:
            last.len += 1
    status = bus.master_xfer(msgs)
    if status < 0:
        return status
    if status != len(msgs):
        return -errno.EIO
    if use_pec and last.flags & lib.I2C_M_RD:
        last.len -= 1
        if last.buf[last.len] != last.pec(partial):
            return -errno.EBADMSG
    if not last.flags & lib.I2C_M_RD:
        return 0
    if size in (lib.I2C_SMBUS_BYTE, lib.I2C_SMBUS_BYTE_DATA):
        data.byte = last.buf[0]
    elif size in (lib.I2C_SMBUS_WORD_DATA, lib.I2C_SMBUS_PROC_CALL):
        data.word = last.buf[0] | last.buf[1] << 8
    elif size == lib.I2C_SMBUS_I2C_BLOCK_DATA:
        data.block[1 : 1 + data.block[0]] = bytes(last.buf[: data.block[0]])
    elif size in (lib.I2C_SMBUS_BLOCK_DATA, lib.I2C_SMBUS_BLOCK_PROC_CALL):
        if last.buf[0] > BLOCK_MAX:
            return -errno.EPROTO
        data.block[0 : last.buf[0] + 1] = bytes(last.buf[: last.buf[0] + 1])
    return 0


class _I2cFile(MockFile):
    """An open /dev/i2c-N: the i2c-dev client's address and flags, and its ioctls."""

    def __init__(self, bus: MockI2cBus) -> None:
        super().__init__()
        self.bus = bus
        self.addr = 0
        self.flags = 0  # I2C_M_TEN and CLIENT_PEC, as i2c-dev keeps them

    def removed_ioctl_errno(self, request: int) -> int:
        # i2c-dev keeps its reference to the adapter: only what reaches the adapter's driver fails.
        return self.removed_errno if request in (lib.I2C_RDWR, lib.I2C_SMBUS) else 0

    def ioctl(self, request: int, arg: Any) -> int:
        bus = self.bus
        value = int(ffi.cast("uintptr_t", arg)) if ffi.typeof(arg) is ffi.typeof("void *") else 0
        if request in (lib.I2C_SLAVE, lib.I2C_SLAVE_FORCE):
            if value > 0x3FF or (not self.flags & lib.I2C_M_TEN and value > 0x7F):
                return -errno.EINVAL
            if request == lib.I2C_SLAVE and value in bus.driver_bound:
                return -errno.EBUSY
            self.addr = value
            return 0
        if request == lib.I2C_TENBIT:
            self.flags = self.flags | lib.I2C_M_TEN if value else self.flags & ~lib.I2C_M_TEN
            return 0
        if request == lib.I2C_PEC:
            self.flags = self.flags | CLIENT_PEC if value else self.flags & ~CLIENT_PEC
            return 0
        if request == lib.I2C_FUNCS:
            arg[0] = bus.functionality
            return 0
        if request == lib.I2C_RETRIES:
            bus.retries = value
            return 0
        if request == lib.I2C_TIMEOUT:
            if value > 0x7FFFFFFF:
                return -errno.EINVAL
            bus.timeout_ms = value * 10
            return 0
        if request == lib.I2C_RDWR:
            return self._rdwr(arg)
        if request == lib.I2C_SMBUS:
            return self._smbus(arg)
        return -errno.ENOTTY

    def _rdwr(self, arg: Any) -> int:
        if arg.msgs == ffi.NULL or arg.nmsgs == 0 or arg.nmsgs > lib.I2C_RDWR_IOCTL_MAX_MSGS:
            return -errno.EINVAL
        user = [arg.msgs[i] for i in range(arg.nmsgs)]
        msgs = []
        for m in user:
            if m.len > MAX_MESSAGE:
                return -errno.EINVAL
            buf = bytearray(ffi.buffer(m.buf, m.len)) if m.len else bytearray()
            length = m.len
            if m.flags & lib.I2C_M_RECV_LEN:
                if not m.flags & lib.I2C_M_RD or not m.len or buf[0] < 1 or m.len < buf[0] + BLOCK_MAX:
                    return -errno.EINVAL
                length = buf[0]
            msgs.append(Msg(m.addr, m.flags, buf, length))
        if not self.bus.can_transfer:
            return -errno.EOPNOTSUPP
        ret = self.bus.master_xfer(msgs)
        if ret >= 0:
            for m, msg in zip(user, msgs):
                if msg.flags & lib.I2C_M_RD and msg.len:
                    ffi.memmove(m.buf, bytes(msg.buf[: msg.len]), msg.len)
        return ret

    def _smbus(self, arg: Any) -> int:
        size = arg.size
        if size == I2C_SMBUS_I2C_BLOCK_BROKEN:
            size = lib.I2C_SMBUS_I2C_BLOCK_DATA
            if arg.read_write == lib.I2C_SMBUS_READ and arg.data != ffi.NULL:
                arg.data.block[0] = BLOCK_MAX
        if size not in SMBUS_SIZES or arg.read_write not in (lib.I2C_SMBUS_READ, lib.I2C_SMBUS_WRITE):
            return -errno.EINVAL
        no_data = size == lib.I2C_SMBUS_QUICK or (size == lib.I2C_SMBUS_BYTE and arg.read_write == lib.I2C_SMBUS_WRITE)
        if not no_data and arg.data == ffi.NULL:
            return -errno.EINVAL
        scratch = ffi.new("union i2c_smbus_data *")
        if not no_data:
            ffi.memmove(scratch, arg.data, ffi.sizeof(scratch[0]))
        ret = self.bus.smbus_xfer(self.addr, self.flags, arg.read_write, arg.command, size, scratch)
        copy_back = size in (lib.I2C_SMBUS_PROC_CALL, lib.I2C_SMBUS_BLOCK_PROC_CALL) or (
            arg.read_write == lib.I2C_SMBUS_READ and not no_data
        )
        if ret == 0 and copy_back:
            ffi.memmove(arg.data, scratch, ffi.sizeof(scratch[0]))
        return ret

    def read(self, buf: Any, count: int) -> int:
        return self._plain(buf, min(count, MAX_MESSAGE), lib.I2C_M_RD)

    def write(self, buf: Any, count: int) -> int:
        return self._plain(buf, min(count, MAX_MESSAGE), 0)

    def _plain(self, buf: Any, count: int, direction: int) -> int:
        """i2c_master_recv()/i2c_master_send(): one message to the client's address."""
        data = bytearray(ffi.buffer(buf, count)) if count else bytearray()
        msg = Msg(self.addr, (self.flags & lib.I2C_M_TEN) | direction, data, count)
        ret = self.bus.master_xfer([msg])
        if ret < 0:
            return ret
        if direction and count:
            ffi.memmove(buf, bytes(msg.buf[:count]), count)
        return count


def sim_register_device(who_am_i: int) -> RegisterDevice:
    """The register device of the project's kernel I2C simulator: 256 8-bit registers behind an
    auto-incrementing pointer, WHO_AM_I (0x0F) = ``who_am_i``, SMBus block commands 0xA0-0xBF
    (0xB0-0xBF store their block reversed), block 0xA0 holding "linuxhw-sim"."""
    return RegisterDevice(defaults={0x0F: who_am_i}, block_commands=range(0xA0, 0xC0),
                          reversing_block_commands=range(0xB0, 0xC0), blocks={0xA0: b"linuxhw-sim"})  # fmt: skip


def attach_reference_models(bus: MockI2cBus) -> MockI2cBus:
    """The device set of the project's kernel I2C simulator: 24c02 at 0x50, 24c32 at 0x51,
    a register device at 0x1c, a 10-bit register device at 0x2a5, a kernel driver at 0x34 (0x3c, where
    SSD1306 displays answer, stays free)."""
    bus.attach(0x50, Eeprom(256, address_bytes=1, page_size=8))
    bus.attach(0x51, Eeprom(4096, address_bytes=2, page_size=32))
    bus.attach(0x1C, sim_register_device(0x6A))
    bus.attach(0x2A5, sim_register_device(0xA5), ten_bit=True)
    bus.bind_driver(0x34)
    return bus
