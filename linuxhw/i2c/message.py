"""Message: one ``struct i2c_msg`` — an I2C segment that begins with a (repeated) START."""

from __future__ import annotations

from typing import Any, Union

from linuxhw._args import check_int
from linuxhw._buffers import buffer_size, pin
from linuxhw._uapi import ffi, lib
from linuxhw.i2c.functionality import Functionality

__all__ = ["Message"]

MAX_LENGTH = 8192  # i2c-dev refuses longer messages
BLOCK_MAX = 32
Buffer = Union[bytes, bytearray, memoryview, Any]

_FLAG_NEEDS = {
    lib.I2C_M_TEN: (Functionality.TEN_BIT_ADDR, "ten_bit"),
    lib.I2C_M_NOSTART: (Functionality.NOSTART, "nostart"),
    lib.I2C_M_REV_DIR_ADDR: (Functionality.PROTOCOL_MANGLING, "rev_dir_addr"),
    lib.I2C_M_IGNORE_NAK: (Functionality.PROTOCOL_MANGLING, "ignore_nak"),
    lib.I2C_M_NO_RD_ACK: (Functionality.PROTOCOL_MANGLING, "no_rd_ack"),
    lib.I2C_M_RECV_LEN: (Functionality.SMBUS_READ_BLOCK_DATA, "recv_len"),
}


def _flags(ten_bit: bool, nostart: bool, rev_dir_addr: bool, ignore_nak: bool) -> int:
    flags = lib.I2C_M_TEN if ten_bit else 0
    flags |= lib.I2C_M_NOSTART if nostart else 0
    flags |= lib.I2C_M_REV_DIR_ADDR if rev_dir_addr else 0
    return flags | (lib.I2C_M_IGNORE_NAK if ignore_nak else 0)


class Message:
    """One segment of an I2C transfer. Build it with :meth:`write` or :meth:`read`; it is fixed
    once built (make a new one to change it), and can be reused for many transfers.

    Buffers are used in place: a write message sends the caller's bytes without copying
    (and never modifies them); a read message fills the caller's writable buffer, or a
    new bytearray when given a length. After the transfer, :attr:`data` is what was read.
    """

    __slots__ = ("_c", "_cbuf", "_keep", "address", "buffer", "flags", "length")

    def __init__(self, address: int, flags: int, buffer: Buffer, length: int) -> None:
        if not 0 <= check_int(flags, "flags") <= 0xFFFF:
            raise ValueError(f"flags must be I2C_M_* bits (16-bit), not {flags:#x}")
        check_int(length, "length")
        limit = 0x3FF if flags & lib.I2C_M_TEN else 0x7F
        if isinstance(address, bool) or not isinstance(address, int) or not 0 <= address <= limit:
            kind = "10-bit" if flags & lib.I2C_M_TEN else "7-bit (use ten_bit=True for 10-bit)"
            raise ValueError(f"address must be a {kind} address 0..{limit:#x}, not {address!r}")
        if not 0 <= length <= MAX_LENGTH:
            raise ValueError(f"a message carries 0..{MAX_LENGTH} bytes (the i2c-dev limit), not {length}")
        self.address = address
        self.flags = flags
        self.buffer = buffer
        self.length = length
        # The kernel struct is built once; a transfer copies it into the ioctl's array as a whole.
        address_of_bytes, nbytes, self._keep = pin(buffer, writable=bool(flags & lib.I2C_M_RD))
        if length > nbytes:  # the kernel would read or write past the buffer's end
            raise ValueError(f"length {length} is more than the buffer's {nbytes} bytes")
        self._cbuf = ffi.cast("__u8 *", address_of_bytes)
        self._c = ffi.new("struct i2c_msg *", {"addr": address, "flags": flags, "len": length, "buf": self._cbuf})

    @classmethod
    def write(cls, address: int, data: Buffer, *, ten_bit: bool = False, nostart: bool = False,
              rev_dir_addr: bool = False, ignore_nak: bool = False) -> Message:  # fmt: skip
        """A write of ``data`` (any bytes-like object) to ``address``."""
        return cls(address, _flags(ten_bit, nostart, rev_dir_addr, ignore_nak), data, buffer_size(data, "data"))

    @classmethod
    def read(cls, address: int, size: int | Buffer, *, ten_bit: bool = False, nostart: bool = False,
             rev_dir_addr: bool = False, ignore_nak: bool = False, no_rd_ack: bool = False,
             recv_len: bool = False) -> Message:  # fmt: skip
        """A read of ``size`` bytes (an int) or into a writable buffer, from ``address``.

        ``recv_len``: the device's first byte says how many follow (SMBus block style);
        the buffer must hold that byte plus up to 32 more, so it is 33 bytes when a size
        is not given.
        """
        flags = lib.I2C_M_RD | _flags(ten_bit, nostart, rev_dir_addr, ignore_nak)
        flags |= lib.I2C_M_NO_RD_ACK if no_rd_ack else 0
        if recv_len:
            flags |= lib.I2C_M_RECV_LEN
        if isinstance(size, bool):
            raise TypeError(f"size must be a byte count or a writable buffer, not {size!r}")
        if isinstance(size, int):
            if not 0 <= size <= MAX_LENGTH:  # before allocating what size says
                raise ValueError(f"size must be 0..{MAX_LENGTH} bytes (the i2c-dev limit), not {size}")
            buffer: Buffer = bytearray(max(size, 1 + BLOCK_MAX) if recv_len else size)
        else:
            buffer = size
        length = buffer_size(buffer, "size", writable=True)
        if recv_len and length < 1 + BLOCK_MAX:
            raise ValueError(f"a recv_len read needs a buffer of at least {1 + BLOCK_MAX} bytes, not {length}")
        return cls(address, flags, buffer, length)

    @property
    def is_read(self) -> bool:
        """True for a read message."""
        return bool(self.flags & lib.I2C_M_RD)

    @property
    def data(self) -> memoryview:
        """The message's bytes: for a recv_len read, the count byte and the block that followed."""
        view = memoryview(self.buffer).cast("B")
        if self.flags & lib.I2C_M_RECV_LEN:
            return view[: 1 + view[0]]
        return view[: self.length]

    def needs(self) -> list[tuple[Functionality, str]]:
        """The adapter functionality each of this message's flags requires."""
        return [need for flag, need in _FLAG_NEEDS.items() if self.flags & flag]

    def __repr__(self) -> str:
        kind = "read" if self.is_read else "write"
        return f"<Message {kind} {self.length} bytes @ {self.address:#x} flags={self.flags:#06x}>"
