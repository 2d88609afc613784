"""Device: one address on a Bus — plain I2C, registers and every SMBus transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Union

from linuxhw import _fastpath
from linuxhw._buffers import buffer_size
from linuxhw._uapi import ffi, lib
from linuxhw.i2c.functionality import Functionality as F
from linuxhw.i2c.message import BLOCK_MAX, MAX_LENGTH, Message

if TYPE_CHECKING:  # the bus imports this module; a Device only calls back into the Bus it is given
    from linuxhw.i2c.bus import Bus

__all__ = ["Device"]

SelectKey = tuple[int, bool, bool, bool]  # address, ten_bit, force, pec: what a Device selects on its Bus

Buffer = Union[bytes, bytearray, memoryview, Any]
ByteOrder = Literal["little", "big"]
READ, WRITE = lib.I2C_SMBUS_READ, lib.I2C_SMBUS_WRITE
_I2C_BLOCK = lib.I2C_SMBUS_I2C_BLOCK_DATA
_BLOCK_DATA = lib.I2C_SMBUS_BLOCK_DATA
_BLOCK_PROC_CALL = lib.I2C_SMBUS_BLOCK_PROC_CALL
_BYTE = lib.I2C_SMBUS_BYTE
_BYTE_DATA = lib.I2C_SMBUS_BYTE_DATA
_PROC_CALL = lib.I2C_SMBUS_PROC_CALL
_QUICK = lib.I2C_SMBUS_QUICK
_WORD_DATA = lib.I2C_SMBUS_WORD_DATA
# Functionality bits as plain ints: testing them costs one AND, not an enum operator.
_SMBUS_BLOCK_PROC_CALL = int(F.SMBUS_BLOCK_PROC_CALL)
_SMBUS_PROC_CALL = int(F.SMBUS_PROC_CALL)
_SMBUS_QUICK = int(F.SMBUS_QUICK)
_SMBUS_READ_BLOCK_DATA = int(F.SMBUS_READ_BLOCK_DATA)
_SMBUS_READ_BYTE = int(F.SMBUS_READ_BYTE)
_SMBUS_READ_BYTE_DATA = int(F.SMBUS_READ_BYTE_DATA)
_SMBUS_READ_I2C_BLOCK = int(F.SMBUS_READ_I2C_BLOCK)
_SMBUS_READ_WORD_DATA = int(F.SMBUS_READ_WORD_DATA)
_SMBUS_WRITE_BLOCK_DATA = int(F.SMBUS_WRITE_BLOCK_DATA)
_SMBUS_WRITE_BYTE = int(F.SMBUS_WRITE_BYTE)
_SMBUS_WRITE_BYTE_DATA = int(F.SMBUS_WRITE_BYTE_DATA)
_SMBUS_WRITE_I2C_BLOCK = int(F.SMBUS_WRITE_I2C_BLOCK)
_SMBUS_WRITE_WORD_DATA = int(F.SMBUS_WRITE_WORD_DATA)


def _not_a_byte(name: str, value: object) -> NoReturn:
    raise ValueError(f"{name} must be a byte 0..255, not {value!r}")


def _check_value_size(size: int) -> None:
    if size not in (1, 2, 3, 4, 8) or isinstance(size, bool):
        raise ValueError(f"size must be 1, 2, 3, 4 or 8 bytes, not {size!r}")


def _word(name: str, value: int) -> None:
    if value.__class__ is not int or not 0 <= value <= 0xFFFF:
        raise ValueError(f"{name} must be a 16-bit word 0..65535, not {value!r}")


def _as_bytes(data: Buffer) -> bytes:
    """``bytes(data)`` of bytes-like data (or byte values), never of an int: bytes(5) is five zeros."""
    if isinstance(data, (int, str)):
        raise TypeError(f"data must be bytes-like, not {data!r}")
    try:
        return bytes(data)
    except TypeError:
        raise TypeError(f"data must be bytes-like, not {type(data).__name__}") from None
    except ValueError as exc:  # an iterable of ints beyond 0..255
        raise ValueError(f"data must hold byte values: {exc}") from None


def _block(data: Buffer, limit: int = BLOCK_MAX) -> bytes:
    block = _as_bytes(data)
    if not 1 <= len(block) <= limit:
        raise ValueError(f"an SMBus block carries 1..{limit} bytes, not {len(block)}")
    return block


def _twin(method: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """The asyncio twin of a Device method: queued in FIFO order on the bus worker."""

    async def twin(self: Device, *args: Any, **kwargs: Any) -> Any:
        import asyncio  # here: an import of linuxhw.i2c needs no asyncio

        return await asyncio.wrap_future(self.bus.submit(method, self, *args, **kwargs))

    twin.__name__ = twin.__qualname__ = f"{method.__name__}_async"
    twin.__doc__ = f"Asyncio twin of :meth:`{method.__name__}`, run in FIFO order on the bus worker."
    return twin


class Device:
    """A device at ``address`` on ``bus``.

    ``force`` uses I2C_SLAVE_FORCE (talk to an address a kernel driver owns — only when you
    know that is safe); ``pec`` adds and checks SMBus Packet Error Checking on SMBus calls;
    ``ten_bit`` for 10-bit addresses.
    """

    __slots__ = ("__dict__", "__weakref__", "_c_reads")  # _c_reads: the C methods' state (end of this module)

    def __init__(self, bus: Bus, address: int, *, ten_bit: bool = False, force: bool = False,
                 pec: bool = False) -> None:  # fmt: skip
        ten_bit, force, pec = bool(ten_bit), bool(force), bool(pec)  # part of the key that selects the address
        limit = 0x3FF if ten_bit else 0x7F
        if isinstance(address, bool) or not isinstance(address, int) or not 0 <= address <= limit:
            raise ValueError(f"address must be 0..{limit:#x}{'' if ten_bit else ' (7-bit)'}, not {address!r}")
        if ten_bit:
            bus.require(F.TEN_BIT_ADDR, "10-bit addressing")
        if pec:
            bus.require(F.SMBUS_PEC, "PEC")
        self.bus = bus
        self.address = address
        self.ten_bit = ten_bit
        self.force = force
        self.pec = pec
        self._key: SelectKey = (address, ten_bit, force, pec)
        # read_byte_data/read_word_data in C (see the end of this module), or None: the Python methods.
        can = (1 if bus._funcs & _SMBUS_READ_BYTE_DATA else 0) | (2 if bus._funcs & _SMBUS_READ_WORD_DATA else 0)
        self._c_reads = bus._backend.smbus_reads(bus._lock, self._key, can)

    def __repr__(self) -> str:
        return f"<Device {self.address:#04x} on {self.bus.path}>"

    def _smbus_failed(self, err: int, operation: str) -> NoReturn:
        """Raise the bus's error for an SMBus read the kernel refused (called by the C reads)."""
        self.bus._raise_i2c(err, operation, self._key[0])

    # -- plain I2C ------------------------------------------------------------------------------------

    def read(self, size: int | Buffer) -> bytes:
        """Read ``size`` bytes (or fill a writable buffer and return its bytes) with read(2)."""
        if isinstance(size, int):
            if isinstance(size, bool) or not 0 <= size <= MAX_LENGTH:
                raise ValueError(f"size must be 0..{MAX_LENGTH}, not {size}")
            buffer: Any = bytearray(size)
        else:
            buffer = size
            buffer_size(buffer, "size", writable=True)
        # Exported for the call only, released before an error leaves (see linuxhw._buffers).
        with ffi.from_buffer("__u8[]", buffer, require_writable=True) as target, self.bus._lock:
            count = self.bus._plain(self._key, target, len(target), write=False)
            return bytes(ffi.buffer(target, count))

    def write(self, data: Buffer) -> None:
        """Write ``data`` as one I2C message with write(2)."""
        buffer_size(data, "data")
        with ffi.from_buffer("__u8[]", data) as source:  # for the call only (see read())
            if len(source) > MAX_LENGTH:
                raise ValueError(f"a write carries at most {MAX_LENGTH} bytes, not {len(source)}")
            with self.bus._lock:
                self.bus._plain(self._key, source, len(source), write=True)

    def write_then_read(self, data: Buffer, size: int | Buffer) -> bytes:
        """Write, then read with a repeated START (no STOP in between) — one I2C_RDWR transfer."""
        reply = Message.read(self.address, size, ten_bit=self.ten_bit)
        self.bus.transfer(Message.write(self.address, data, ten_bit=self.ten_bit), reply)
        return bytes(reply.data)

    # -- registers ------------------------------------------------------------------------------------

    @staticmethod
    def _register_bytes(register: int, width: int, order: ByteOrder) -> bytes:
        if width not in (1, 2):
            raise ValueError(f"register_width must be 1 or 2 bytes, not {width!r}")
        if isinstance(register, bool) or not isinstance(register, int) or not 0 <= register < 1 << (8 * width):
            raise ValueError(f"register must be 0..{(1 << (8 * width)) - 1:#x} for a {width}-byte address")
        return register.to_bytes(width, order)

    def read_register(self, register: int, length: int = 1, *, register_width: int = 1,
                      register_order: ByteOrder = "big") -> bytes:  # fmt: skip
        """Read ``length`` bytes starting at ``register``.

        With an I2C-capable adapter this is one transfer (register address, repeated START,
        read). An SMBus-only adapter (i2c-stub, many PC SMBus controllers) can only do 8-bit
        register addresses through I2C block reads of at most 32 bytes, so longer reads
        become several transactions at successive registers.
        """
        prefix = self._register_bytes(register, register_width, register_order)
        if F.I2C in self.bus.functionality:
            return self.write_then_read(prefix, length)
        if register_width != 1:
            self.bus.require(F.I2C, "16-bit register addresses")
        return self.read_i2c_block_data(register, length)

    def write_register(self, register: int, data: Buffer, *, register_width: int = 1,
                       register_order: ByteOrder = "big") -> None:  # fmt: skip
        """Write ``data`` starting at ``register`` (one message when the adapter does plain I2C)."""
        prefix = self._register_bytes(register, register_width, register_order)
        if F.I2C in self.bus.functionality:
            self.bus.transfer(Message.write(self.address, prefix + _as_bytes(data), ten_bit=self.ten_bit))
            return
        if register_width != 1:
            self.bus.require(F.I2C, "16-bit register addresses")
        self.write_i2c_block_data(register, data)

    def read_register_value(self, register: int, size: int = 1, *, byteorder: ByteOrder = "big",
                            signed: bool = False, register_width: int = 1,
                            register_order: ByteOrder = "big") -> int:  # fmt: skip
        """Read a ``size``-byte integer register in the given byte order."""
        _check_value_size(size)
        raw = self.read_register(register, size, register_width=register_width, register_order=register_order)
        return int.from_bytes(raw, byteorder, signed=signed)

    def write_register_value(self, register: int, value: int, size: int = 1, *, byteorder: ByteOrder = "big",
                             signed: bool = False, register_width: int = 1,
                             register_order: ByteOrder = "big") -> None:  # fmt: skip
        """Write a ``size``-byte integer register in the given byte order."""
        _check_value_size(size)  # before to_bytes(), which would allocate whatever size says
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"value must be an int, not {value!r}")
        try:
            raw = value.to_bytes(size, byteorder, signed=signed)
        except OverflowError:
            raise ValueError(f"value {value} does not fit {size} byte(s) (signed={signed})") from None
        self.write_register(register, raw, register_width=register_width, register_order=register_order)

    # -- SMBus ----------------------------------------------------------------------------------------

    def quick(self, read: bool = False) -> None:
        """SMBus quick command: the address and the R/W bit only."""
        self.bus._smbus_value(self._key, READ if read else WRITE, 0, _QUICK, 0, _SMBUS_QUICK, "SMBus quick")

    def read_byte(self) -> int:
        """SMBus receive byte."""
        return self.bus._smbus_value(self._key, READ, 0, _BYTE, 0, _SMBUS_READ_BYTE, "SMBus receive byte")

    def write_byte(self, value: int) -> None:
        """SMBus send byte."""
        if value.__class__ is not int or not 0 <= value <= 0xFF:  # exact int: rejects bool
            _not_a_byte("value", value)
        self.bus._smbus_value(self._key, WRITE, value, _BYTE, 0, _SMBUS_WRITE_BYTE, "SMBus send byte")

    def read_byte_data(self, register: int) -> int:
        """SMBus read byte data: one byte from ``register``."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        return self.bus._smbus_value(self._key, READ, register, _BYTE_DATA, 0, _SMBUS_READ_BYTE_DATA, "SMBus read byte")

    def write_byte_data(self, register: int, value: int) -> None:
        """SMBus write byte data."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        if value.__class__ is not int or not 0 <= value <= 0xFF:  # exact int: rejects bool
            _not_a_byte("value", value)
        self.bus._smbus_value(self._key, WRITE, register, _BYTE_DATA, value, _SMBUS_WRITE_BYTE_DATA, "SMBus write byte")

    def read_word_data(self, register: int) -> int:
        """SMBus read word data (little-endian on the wire, as SMBus defines)."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        return self.bus._smbus_value(self._key, READ, register, _WORD_DATA, 0, _SMBUS_READ_WORD_DATA, "SMBus read word")

    def write_word_data(self, register: int, value: int) -> None:
        """SMBus write word data."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        _word("value", value)
        self.bus._smbus_value(self._key, WRITE, register, _WORD_DATA, value, _SMBUS_WRITE_WORD_DATA, "SMBus write word")

    def process_call(self, register: int, value: int) -> int:
        """SMBus process call: send a word, get a word back in the same transaction."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        _word("value", value)
        return self.bus._smbus_value(
            self._key, WRITE, register, _PROC_CALL, value, _SMBUS_PROC_CALL, "SMBus process call"
        )

    def _block_out(self, data: bytes) -> None:
        block = self.bus._smbus_data.block
        block[0] = len(data)
        block[1 : 1 + len(data)] = data

    def _block_in(self, data: Any) -> bytes:
        return ffi.unpack(self.bus._block_bytes, data.block[0])  # type: ignore[no-any-return]

    def read_block_data(self, register: int) -> bytes:
        """SMBus block read: the device says how many bytes (1..32) follow."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        with self.bus._lock:
            data = self.bus._smbus(self._key, READ, register, _BLOCK_DATA, _SMBUS_READ_BLOCK_DATA, "SMBus block read")
            return self._block_in(data)

    def write_block_data(self, register: int, data: Buffer) -> None:
        """SMBus block write of 1..32 bytes (the count byte is sent first)."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        block = _block(data)
        with self.bus._lock:
            self._block_out(block)
            self.bus._smbus(self._key, WRITE, register, _BLOCK_DATA, _SMBUS_WRITE_BLOCK_DATA, "SMBus block write")

    def block_process_call(self, register: int, data: Buffer) -> bytes:
        """SMBus 2.0 block process call: send a block, receive a block, one transaction."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        block = _block(data)
        with self.bus._lock:
            self._block_out(block)
            reply = self.bus._smbus(
                self._key,
                WRITE,
                register,
                _BLOCK_PROC_CALL,
                _SMBUS_BLOCK_PROC_CALL,
                "SMBus block process call",
            )
            return self._block_in(reply)

    def read_i2c_block_data(self, register: int, length: int) -> bytes:
        """Read ``length`` bytes from ``register``: the "I2C block" call, max 32 bytes per SMBus
        transaction. Longer reads are one I2C_RDWR transfer where the adapter does plain I2C, and
        otherwise consecutive ≤32-byte reads at register, register+32, … (several transactions)."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        if length.__class__ is not int or not 1 <= length <= MAX_LENGTH:
            raise ValueError(f"length must be 1..{MAX_LENGTH}, not {length!r}")
        bus = self.bus
        if length <= BLOCK_MAX:  # the common case: one transaction
            with bus._lock:
                bus._smbus_data.block[0] = length
                self.bus._smbus(self._key, READ, register, _I2C_BLOCK, _SMBUS_READ_I2C_BLOCK, "SMBus I2C block read")
                return ffi.unpack(bus._block_bytes, length)  # type: ignore[no-any-return]
        if F.I2C in bus.functionality:
            return self.write_then_read(bytes([register]), length)
        if register + length > 0x100:
            raise ValueError(f"{length} bytes from register {register:#x} run past 0xff in 32-byte chunks")
        chunks = []
        with bus._lock:
            for offset in range(0, length, BLOCK_MAX):
                chunk = min(BLOCK_MAX, length - offset)
                bus._smbus_data.block[0] = chunk
                self.bus._smbus(
                    self._key, READ, register + offset, _I2C_BLOCK, _SMBUS_READ_I2C_BLOCK, "SMBus I2C block read"
                )
                chunks.append(ffi.unpack(bus._block_bytes, chunk))
        return b"".join(chunks)

    def write_i2c_block_data(self, register: int, data: Buffer) -> None:
        """Write bytes at ``register`` (the "I2C block" call, max 32 per SMBus transaction; longer
        writes are one I2C message where the adapter can, else consecutive ≤32-byte writes)."""
        if register.__class__ is not int or not 0 <= register <= 0xFF:  # exact int: rejects bool
            _not_a_byte("register", register)
        payload = _as_bytes(data)
        if not 1 <= len(payload) <= MAX_LENGTH - 1:
            raise ValueError(f"data must be 1..{MAX_LENGTH - 1} bytes, not {len(payload)}")
        if len(payload) > BLOCK_MAX and F.I2C in self.bus.functionality:
            self.bus.transfer(Message.write(self.address, bytes([register]) + payload, ten_bit=self.ten_bit))
            return
        if len(payload) > BLOCK_MAX and register + len(payload) > 0x100:
            raise ValueError(f"{len(payload)} bytes at register {register:#x} run past 0xff in 32-byte chunks")
        with self.bus._lock:
            for offset in range(0, len(payload), BLOCK_MAX):
                self._block_out(payload[offset : offset + BLOCK_MAX])
                self.bus._smbus(
                    self._key,
                    WRITE,
                    register + offset,
                    lib.I2C_SMBUS_I2C_BLOCK_DATA,
                    _SMBUS_WRITE_I2C_BLOCK,
                    "SMBus I2C block write",
                )

    # -- asyncio twins --------------------------------------------------------------------------------

    read_async = _twin(read)
    write_async = _twin(write)
    write_then_read_async = _twin(write_then_read)
    read_register_async = _twin(read_register)
    write_register_async = _twin(write_register)
    quick_async = _twin(quick)
    read_byte_async = _twin(read_byte)
    write_byte_async = _twin(write_byte)
    read_byte_data_async = _twin(read_byte_data)
    write_byte_data_async = _twin(write_byte_data)
    read_word_data_async = _twin(read_word_data)
    write_word_data_async = _twin(write_word_data)
    process_call_async = _twin(process_call)
    read_block_data_async = _twin(read_block_data)
    write_block_data_async = _twin(write_block_data)
    block_process_call_async = _twin(block_process_call)
    read_i2c_block_data_async = _twin(read_i2c_block_data)
    write_i2c_block_data_async = _twin(write_i2c_block_data)


# The common read_byte_data/read_word_data call in C, as plain methods of the class: one ioctl
# under the bus's lock with no Python frame on the kernel backend; every other call runs the
# Python methods above.
Device.read_byte_data, Device.read_word_data = _fastpath.c_methods(  # type: ignore[method-assign]
    Device, "smbus", Device.read_byte_data, Device.read_word_data
)
