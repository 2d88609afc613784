"""Bus: one /dev/i2c-N — functionality, I2C_RDWR transfers, SMBus calls, scanning, a FIFO worker."""

from __future__ import annotations

import errno
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from linuxhw import _fastpath
from linuxhw._args import check_int
from linuxhw._handle import Handle, open_device
from linuxhw._kernel import Backend, get_backend
from linuxhw._kernel.formats import natural_key
from linuxhw._nodes import node_path, unique_by_name
from linuxhw._uapi import ffi, lib
from linuxhw._worker import FifoWorker
from linuxhw.errors import DeviceError, NoAckError, UnsupportedError, device_error
from linuxhw.i2c.device import Device, SelectKey
from linuxhw.i2c.functionality import Functionality
from linuxhw.i2c.message import Message

if TYPE_CHECKING:  # the worker imports them with its first call
    from concurrent.futures import Future

__all__ = ["Bus", "BusInfo", "ScanResult", "buses"]

T = TypeVar("T")
MAX_MESSAGES = 42  # I2C_RDWR_IOCTL_MAX_MSGS
NO_ACK = (errno.ENXIO, errno.EREMOTEIO, errno.ENODEV)
HINTS = {
    errno.ETIMEDOUT: "the bus timed out: a device may hold SCL or SDA low, or stretch the clock too long",
    errno.EAGAIN: "arbitration lost: another master drove the bus; retry the operation",
    errno.EBADMSG: "PEC mismatch: the data was corrupted, or the device does not send a PEC byte",
    errno.EPROTO: "protocol error: the device sent an SMBus block length outside 1..32",
}
_FUNC_I2C = lib.I2C_FUNC_I2C
_FLAGS_NEEDING_FUNCTIONALITY = (
    lib.I2C_M_TEN | lib.I2C_M_NOSTART | lib.I2C_M_REV_DIR_ADDR | lib.I2C_M_IGNORE_NAK | lib.I2C_M_NO_RD_ACK
    | lib.I2C_M_RECV_LEN
)  # fmt: skip


@dataclass(frozen=True)
class BusInfo:
    """An I2C adapter as the system lists it."""

    path: str
    number: int
    name: str
    functionality: Functionality


@dataclass(frozen=True)
class ScanResult:
    """What an i2cdetect-style scan found: addresses that answered, and ones a kernel driver owns."""

    present: tuple[int, ...]
    busy: tuple[int, ...]


def bus_paths(backend: Backend) -> list[str]:
    """Every /dev/i2c-N of the system (i2c-dev must be loaded)."""
    return sorted(backend.device_nodes("i2c-"), key=natural_key)


class Bus(Handle):
    """An open I2C adapter. ``bus`` is a number (``1``), a path (``"/dev/i2c-1"``) or the
    adapter's name (``"SMBus stub driver"``).

    Calls on one Bus are serialized by a lock, so sync and async users can share it.
    """

    def __init__(self, bus: int | str | os.PathLike[str], *, backend: Backend | None = None) -> None:
        backend = backend or get_backend()
        path = _resolve_bus_path(backend, bus)
        fd = open_device(backend, path, os.O_RDWR, "i2c-dev")
        super().__init__(backend, fd, path, f"I2C bus {path}")
        # The lock held for one select + transaction (never taken twice), and the key of the device
        # the fd is pointed at (.selected): one C object, which Device's C reads use as well.
        self._lock = _fastpath.I2cChannel(fd)
        self._worker = FifoWorker(path)
        self.name = backend.device_attribute(path, "name") or ""
        funcs = ffi.new("unsigned long *")
        ret = backend.ioctl(fd, lib.I2C_FUNCS, funcs)
        if ret < 0:
            self.close()
            hint = "not an i2c-dev node" if -ret in (errno.ENOTTY, errno.EINVAL) else ""
            raise device_error(-ret, path, "get adapter functionality", hint)
        self.functionality = Functionality(funcs[0])
        self._funcs = int(funcs[0])  # plain int: a bit test on the hot path, not an enum lookup
        self._ioctl = backend.ioctl
        self._smbus_call = backend.smbus
        self._smbus_value_call = backend.smbus_value
        self._smbus_data = ffi.new("union i2c_smbus_data *")
        self._block_bytes = ffi.cast("char *", self._smbus_data) + 1  # block[1:], unpacked as bytes
        self._msgs = ffi.new("struct i2c_msg[]", MAX_MESSAGES)
        self._rdwr = ffi.new("struct i2c_rdwr_ioctl_data *")
        self._rdwr.msgs = self._msgs

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"name={self.name!r}"
        return f"<Bus {self.path} {state}>"

    def __enter__(self) -> Bus:
        return self

    @property
    def number(self) -> int:
        """The adapter number N of /dev/i2c-N."""
        return int(self.path.rsplit("-", 1)[1])

    def close(self) -> None:
        """Finish queued asynchronous work, then close the adapter."""
        self._worker.shutdown()
        with self._lock:  # every call on the fd holds it: none is in flight when the fd goes
            self._lock.close()  # no C read may use a number reused by another file
            super().close()

    # -- errors and capability checks ----------------------------------------------------------------

    def _raise_i2c(self, err: int, operation: str, address: int | None = None) -> NoReturn:
        where = f" at {address:#04x}" if address is not None else ""
        self._raise_if_removed(err, f"{operation}{where}")  # an unplugged adapter is no NAK
        if err in NO_ACK and address is not None:
            error = device_error(
                err, self.path, f"{operation}{where}", f"no device acknowledged address {address:#04x}", NoAckError
            )
            error.address = address  # type: ignore[attr-defined]
            raise error
        if err == errno.EOPNOTSUPP:
            raise device_error(err, self.path, f"{operation}{where}", self._unsupported_hint())
        raise device_error(err, self.path, f"{operation}{where}", HINTS.get(err, ""))

    def _unsupported_hint(self) -> str:
        if Functionality.I2C not in self.functionality:
            return f"adapter {self.name!r} is SMBus-only: use the SMBus methods"
        return f"adapter {self.name!r} does not support it (functionality: {', '.join(self.functionality.names())})"

    def require(self, needed: Functionality, what: str) -> None:
        """Raise UnsupportedError (before any transfer) unless the adapter can do ``needed``."""
        if needed not in self.functionality:
            missing = Functionality(needed & ~self.functionality)
            if missing == Functionality.I2C:
                hint = f"adapter {self.name!r} is SMBus-only: use the SMBus methods"
            else:
                hint = f"adapter {self.name!r} lacks {', '.join(missing.names())}"
            raise device_error(errno.EOPNOTSUPP, self.path, what, hint, UnsupportedError)

    # -- addressing -----------------------------------------------------------------------------------

    def _select(self, key: SelectKey) -> None:
        """Point the fd at a device (I2C_TENBIT, I2C_SLAVE[_FORCE], I2C_PEC), only when it changes."""
        if key == self._lock.selected:
            self._lock.selected = key  # identical object next time: the hot path tests identity only
            return
        address, ten_bit, force, pec = key
        old = self._lock.selected
        fd = self._kernel_fd()
        if old is None or old[1] != ten_bit:
            ret = self._ioctl(fd, lib.I2C_TENBIT, ffi.cast("void *", int(ten_bit)))
            if ret < 0:
                self._lock.selected = None
                self._raise_i2c(-ret, "set 10-bit addressing")
        request = lib.I2C_SLAVE_FORCE if force else lib.I2C_SLAVE
        ret = self._ioctl(fd, request, ffi.cast("void *", address))
        if ret < 0:
            self._lock.selected = None
            if -ret == errno.EBUSY:
                self._raise_kernel_error(
                    -ret,
                    f"select address {address:#04x}",
                    "a kernel driver owns it (i2cdetect shows UU); pass force=True to use it anyway",
                )
            self._raise_i2c(-ret, "select address", address)
        if old is None or old[3] != pec:
            ret = self._ioctl(fd, lib.I2C_PEC, ffi.cast("void *", int(pec)))
            if ret < 0:
                self._lock.selected = None
                self._raise_i2c(-ret, "set PEC")
        self._lock.selected = key

    # -- SMBus and plain I/O (used by Device) --------------------------------------------------------

    def _smbus(self, key: SelectKey, read_write: int, command: int, size: int, needed: int, operation: str) -> Any:
        """One I2C_SMBUS ioctl after checking the adapter can do it (``needed``: I2C_FUNC bits); returns
        the union (valid until the next call). The caller holds the lock."""
        if not self._funcs & needed:
            self.require(Functionality(needed), operation)
        if self._lock.selected is not key:
            self._select(key)
        data = self._smbus_data
        ret = self._smbus_call(self._fd, read_write, command, size, data)
        if ret < 0:
            self._raise_i2c(-ret, operation, key[0])
        return data

    def _smbus_value(
        self, key: SelectKey, read_write: int, command: int, size: int, value: int, needed: int, operation: str
    ) -> int:
        """One SMBus transaction that carries a byte or a word each way (see Backend.smbus_value),
        under the lock, after checking the adapter can do it (``needed``: I2C_FUNC bits)."""
        if not self._funcs & needed:
            self.require(Functionality(needed), operation)
        with self._lock:
            if self._lock.selected is not key:
                self._select(key)
            try:
                return self._smbus_value_call(self._fd, read_write, command, size, value)
            except OSError as exc:
                self._raise_i2c(exc.errno or errno.EIO, operation, key[0])

    def _plain(self, key: SelectKey, buffer: Any, count: int, write: bool) -> int:
        """read()/write() of ``count`` bytes at the selected address. Caller holds the lock."""
        self.require(Functionality.I2C, "write" if write else "read")
        self._select(key)
        call = self._backend.write if write else self._backend.read
        ret = call(self._fd, buffer, count)
        if ret < 0:
            self._raise_i2c(-ret, "write" if write else "read", key[0])
        return int(ret)

    # -- I2C_RDWR ------------------------------------------------------------------------------------

    def transfer(self, *messages: Message) -> None:
        """Run the messages as ONE combined transfer (I2C_RDWR): repeated START between them,
        a single STOP at the end. Read messages are filled in place (see ``Message.data``)."""
        count = len(messages)
        if not 1 <= count <= MAX_MESSAGES:
            raise ValueError(f"a transfer takes 1 to {MAX_MESSAGES} messages (the i2c-dev limit), not {count}")
        if not self._funcs & _FUNC_I2C:
            self.require(Functionality.I2C, "I2C transfer")
        with self._lock:
            msgs = self._msgs
            for i, message in enumerate(messages):
                if message.__class__ is not Message:
                    raise TypeError(f"transfer() takes Message objects, not {message!r}")
                if message.flags & _FLAGS_NEEDING_FUNCTIONALITY:
                    for needed, flag in message.needs():
                        self.require(needed, f"I2C transfer with {flag}=True")
                    if message.flags & lib.I2C_M_RECV_LEN:
                        message._cbuf[0] = 1  # i2c-dev: bytes the adapter reads before it knows the length
                msgs[i] = message._c[0]
            self._rdwr.nmsgs = count
            ret = self._ioctl(self._fd, lib.I2C_RDWR, self._rdwr)
        if ret < 0:
            self._raise_i2c(-ret, "I2C transfer", messages[0].address)

    def write_then_read(self, address: int, data: Any, size: int, *, ten_bit: bool = False) -> bytes:
        """Write ``data`` then read ``size`` bytes with a repeated START in between (one transfer)."""
        reply = Message.read(address, size, ten_bit=ten_bit)
        self.transfer(Message.write(address, data, ten_bit=ten_bit), reply)
        return bytes(reply.data)

    # -- adapter settings -----------------------------------------------------------------------------

    def set_retries(self, retries: int) -> None:
        """How often the adapter retries a NAKed address. Per adapter, not per fd: it affects
        every user of this bus."""
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be an int >= 0, not {retries!r}")
        with self._lock:
            ret = self._ioctl(self._kernel_fd(), lib.I2C_RETRIES, ffi.cast("void *", retries))
        if ret < 0:
            self._raise_i2c(-ret, "set retries")

    def set_timeout(self, seconds: float) -> None:
        """The adapter's transfer timeout (10 ms resolution). Per adapter, not per fd: it affects
        every user of this bus."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or math.isnan(seconds):
            raise TypeError(f"seconds must be a number of seconds, not {seconds!r}")
        ticks = round(min(max(seconds, 0), 0x7FFFFFFF) * 100)
        if not 1 <= ticks <= 0x7FFFFFFF:
            raise ValueError(f"timeout must be from 0.01 s up, not {seconds!r}")
        with self._lock:
            ret = self._ioctl(self._kernel_fd(), lib.I2C_TIMEOUT, ffi.cast("void *", ticks))
        if ret < 0:
            self._raise_i2c(-ret, "set timeout")

    # -- devices and scanning -------------------------------------------------------------------------

    def device(self, address: int, *, ten_bit: bool = False, force: bool = False, pec: bool = False) -> Device:
        """A :class:`~linuxhw.i2c.Device` at ``address`` on this bus."""
        return Device(self, address, ten_bit=ten_bit, force=force, pec=pec)

    def is_busy(self, address: int, *, ten_bit: bool = False) -> bool:
        """True when a kernel driver owns ``address`` (i2cdetect's ``UU``): i2c-dev then refuses it
        to devices made without ``force=True``. Only selects the address (I2C_SLAVE); nothing is sent."""
        ten_bit = bool(ten_bit)
        limit = 0x3FF if ten_bit else 0x7F
        if isinstance(address, bool) or not isinstance(address, int) or not 0 <= address <= limit:
            raise ValueError(f"address must be 0..{limit:#x}{'' if ten_bit else ' (7-bit)'}, not {address!r}")
        with self._lock:
            try:
                self._select((address, ten_bit, False, False))
            except DeviceError as exc:
                if exc.errno == errno.EBUSY:
                    return True
                raise
        return False

    def scan(self, first: int = 0x08, last: int = 0x77, mode: str = "auto") -> ScanResult:
        """Probe addresses the way i2cdetect does.

        ``mode``: ``"quick"`` (SMBus quick write), ``"read"`` (receive byte), or ``"auto"`` —
        receive byte for 0x30-0x37 and 0x50-0x5F (where a quick write can corrupt EEPROMs or
        toggle write protection), quick write elsewhere. Addresses a kernel driver owns are
        reported as busy and not probed.
        """
        if mode not in ("auto", "quick", "read"):
            raise ValueError(f"mode must be 'auto', 'quick' or 'read', not {mode!r}")
        check_int(first, "first"), check_int(last, "last")
        if not 0 <= first <= last <= 0x7F:
            raise ValueError(f"scan range must satisfy 0 <= first <= last <= 0x7f, not {first:#x}..{last:#x}")
        can_quick = Functionality.SMBUS_QUICK in self.functionality
        can_read = Functionality.SMBUS_READ_BYTE in self.functionality
        if not (can_quick or can_read):
            self.require(Functionality.SMBUS_QUICK, "scan")
        present, busy = [], []
        for address in range(first, last + 1):
            use_read = mode == "read" or (mode == "auto" and (0x30 <= address <= 0x37 or 0x50 <= address <= 0x5F))
            use_read = (use_read and can_read) or not can_quick
            key: SelectKey = (address, False, False, False)
            try:
                with self._lock:
                    if use_read:
                        self._smbus(
                            key, lib.I2C_SMBUS_READ, 0, lib.I2C_SMBUS_BYTE, lib.I2C_FUNC_SMBUS_READ_BYTE, "probe"
                        )
                    else:
                        self._smbus(key, lib.I2C_SMBUS_WRITE, 0, lib.I2C_SMBUS_QUICK, lib.I2C_FUNC_SMBUS_QUICK, "probe")
            except DeviceError as exc:
                if exc.errno == errno.EBUSY:
                    busy.append(address)
                elif not isinstance(exc, NoAckError) and exc.errno not in (errno.EIO, errno.ETIMEDOUT):
                    raise
                continue
            present.append(address)
        return ScanResult(tuple(present), tuple(busy))

    # -- asynchronous use -----------------------------------------------------------------------------

    def submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue a call on this bus's worker thread. Calls run one at a time in submission
        (FIFO) order; cancelling the future works only before the call has started."""
        self._kernel_fd()
        return self._worker.submit(function, *args, **kwargs)

    async def transfer_async(self, *messages: Message) -> None:
        """:meth:`transfer` through the FIFO queue; the event loop keeps running meanwhile."""
        import asyncio

        await asyncio.wrap_future(self.submit(self.transfer, *messages))


def _resolve_bus_path(backend: Backend, bus: int | str | os.PathLike[str]) -> str:
    path = node_path(bus, "i2c-", "I2C adapter")
    if path is not None:
        return path
    candidates = ((p, backend.device_attribute(p, "name") or "") for p in bus_paths(backend))
    return unique_by_name(str(bus), candidates, "I2C adapter")


def buses(backend: Backend | None = None) -> list[BusInfo]:
    """Every I2C adapter with an i2c-dev node, with its name and functionality."""
    backend = backend or get_backend()
    found = []
    for path in bus_paths(backend):
        with Bus(path, backend=backend) as bus:
            found.append(BusInfo(path, bus.number, bus.name, bus.functionality))
    return found
