"""Device: one /dev/spidevB.C — mode, word size and speed; messages; asynchronous submission."""

from __future__ import annotations

import errno
import functools
import operator
import os
import re
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, Union, overload

from linuxhw._buffers import buffer_size
from linuxhw._handle import Handle, open_device
from linuxhw._kernel import Backend, get_backend
from linuxhw._kernel.dma_align import MACHINE
from linuxhw._uapi import ffi, lib
from linuxhw.errors import SettingChangedWarning
from linuxhw.spi._queue import MessageQueue
from linuxhw.spi.mode import Mode
from linuxhw.spi.transfer import DMA_MINALIGN, Buffer, Message, Transfer, counted

if TYPE_CHECKING:  # the queue imports it with the first message submitted
    from concurrent.futures import Future

__all__ = ["Device"]

DEFAULT_BUFSIZ = 4096
_BYTES = frozenset((bytes, bytearray))
# every bit some kernel defines (OR, not sum: before 3.11 iterating Mode also yields MODE_3 = CPOL | CPHA)
ALL_MODE_FLAGS = functools.reduce(operator.or_, (flag.value for flag in Mode), 0)
Runnable = Union[Message, Transfer, Sequence[Transfer]]
Callback = Callable[[int], None]
T = TypeVar("T")
ROUNDING = f"each transfer rounded up to {DMA_MINALIGN} bytes, the DMA alignment of {MACHINE} kernels"
HINTS = {
    errno.EINVAL: "the kernel refused a setting of this message (mode, word size, bus width or length)",
    errno.ETIMEDOUT: "the controller timed out",
}


class Device(Handle):
    """An open spidev device: ``Device("/dev/spidev0.1")`` or ``Device((0, 1))``.

    Setting ``mode``, ``bits_per_word`` or ``max_speed_hz`` reads the value back; when the
    kernel kept something else (a GPIO chip select forces CS_HIGH, unsupported bus widths
    are dropped) a :class:`~linuxhw.SettingChangedWarning` says so and the property shows
    what is in force.

    Every call takes its turn: messages queued with :meth:`submit` run in FIFO order, each
    completion callback returns before anything else reaches the device, and a synchronous call
    (``transfer``, ``read``, ``write``, ``write_then_read``, a setting) made meanwhile waits behind
    them. A callback's own synchronous calls run at once: it holds the device.
    """

    def __init__(
        self,
        device: str | os.PathLike[str] | tuple[int, int],
        *,
        mode: Mode | int | None = None,
        max_speed_hz: int | None = None,
        bits_per_word: int | None = None,
        backend: Backend | None = None,
    ) -> None:
        backend = backend or get_backend()
        path = _resolve_path(device)
        fd = open_device(backend, path, os.O_RDWR, "spidev")
        super().__init__(backend, fd, path, f"SPI device {path}")
        self._queue = MessageQueue(path, self._hold, self._raise_closed)
        self._busy = False  # anything queued or running: the one thing a synchronous call checks first
        self._c_calls: tuple[Any, ...] = ()  # write() and transfer() in C, while nothing is queued
        self._ioctl = backend.ioctl
        self._read_bytes = backend.read_bytes
        self._write_bytes = backend.write_bytes
        self._spi_exchange = backend.spi_exchange
        self._u8 = ffi.new("__u8 *")
        self._u32 = ffi.new("__u32 *")
        self._single_request = lib.lhw_spi_ioc_message(1)
        try:
            self._mode = Mode(self._read(lib.SPI_IOC_RD_MODE32, self._u32, "read mode"))
            self._bits = self._read(lib.SPI_IOC_RD_BITS_PER_WORD, self._u8, "read bits per word") or 8
            self._speed = self._read(lib.SPI_IOC_RD_MAX_SPEED_HZ, self._u32, "read max speed")
            self._bufsiz = self._read_bufsiz()
            self._message_max = self._bufsiz - self._bufsiz % DMA_MINALIGN  # the longest one-transfer message
            if mode is not None:
                self.mode = Mode(mode)
            if bits_per_word is not None:
                self.bits_per_word = bits_per_word
            if max_speed_hz is not None:
                self.max_speed_hz = max_speed_hz
        except BaseException:
            self.close()
            raise
        self._hold(False)

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"mode={int(self._mode):#x} {self._speed} Hz {self._bits} bits"
        return f"<spi.Device {self.path} {state}>"

    def __enter__(self) -> Device:
        return self

    def close(self) -> None:
        """Finish queued messages (and their callbacks), then close the device. Called from a
        completion callback it returns at once and the device closes once the queue has run; new
        calls raise ClosedError from then on."""
        self._queue.close(self._release)

    def _release(self) -> None:
        for call in self._c_calls:
            call.close()  # before the fd goes: never a call on a number reused by another file
        super().close()

    def _hold(self, busy: bool) -> None:
        """The queue became busy or idle. While idle, the kernel backend's write() of 1..bufsiz bytes
        is a C call with no Python frame (as py-spidev's writebytes2), which hands everything else
        to write() below; while busy, every write() goes there to wait its turn."""
        self._busy = busy
        if self._c_calls:
            for call in self._c_calls:
                call.close()  # a reference kept elsewhere now defers to the methods below, for good
            self._c_calls = ()
            del self.write, self.transfer
        overridden = type(self).write is not Device.write or type(self).transfer is not Device.transfer
        if not busy and not self._queue.closing and self._fd >= 0 and not overridden:  # a subclass's own win
            made = self._backend.spi_calls(self._gate, self._bufsiz, self._message_max, self)
            if made is not None:
                self._c_calls = made
                self.write, self.transfer = made  # type: ignore[method-assign, assignment]

    def _in_turn(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` now if nothing is queued, else after what is (for the slower calls)."""
        if self._busy and self._queue.defer():
            return self._queue.call(function, *args)
        return function(*args)

    @property
    def bufsiz(self) -> int:
        """spidev's bufsiz: the most one message may move each way (transfers counted as the kernel
        counts them, each rounded up to :data:`~linuxhw.spi.transfer.DMA_MINALIGN`)."""
        return self._bufsiz

    def _read_bufsiz(self) -> int:
        parameter = self._backend.module_parameter("spidev", "bufsiz")
        return int(parameter) if parameter else DEFAULT_BUFSIZ

    def _hint(self, err: int) -> str:
        """What a failed call's errno means here; EMSGSIZE names bufsiz as the kernel has it now."""
        if err == errno.EMSGSIZE:
            return f"spidev's bufsiz is {self._read_bufsiz()} bytes each way per message, {ROUNDING}"
        return HINTS.get(err, "")

    # -- settings -------------------------------------------------------------------------------------

    def _read(self, request: int, cell: Any, operation: str) -> int:
        ret = self._on_fd(self._ioctl, request, cell)
        if ret < 0:
            self._raise_kernel_error(-ret, operation)
        return int(cell[0])

    def _write(self, request: int, cell: Any, value: int, operation: str, hint: str) -> None:
        cell[0] = value
        ret = self._on_fd(self._ioctl, request, cell)
        if ret < 0:
            self._raise_kernel_error(-ret, operation, hint if -ret == errno.EINVAL else "")

    def _settle(self, what: str, asked: object, got: object) -> None:
        if asked != got:
            warnings.warn(f"{self.path}: asked for {what} {asked!r}, the kernel set {got!r}", SettingChangedWarning,
                          stacklevel=3)  # fmt: skip

    @property
    def mode(self) -> Mode:
        """SPI mode flags in force (``Mode.MODE_0``..``MODE_3`` plus CS_HIGH, LSB_FIRST, ...)."""
        return self._mode

    @mode.setter
    def mode(self, value: Mode | int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
            raise ValueError(f"mode must be Mode flags (a 32-bit int), not {value!r}")
        if value & ~ALL_MODE_FLAGS:  # no kernel knows these bits: spidev answers EINVAL
            raise ValueError(f"mode has bits no SPI mode flag names: {value & ~ALL_MODE_FLAGS:#x}")
        asked = Mode(value)
        self._settle("mode", asked, self._in_turn(self._set_mode, asked))

    def _set_mode(self, asked: Mode) -> Mode:
        hint = f"the controller does not support {', '.join(asked.names()) or 'this mode'}"
        if asked <= 0xFF:  # the 8-bit ioctl when it suffices: older kernels and drivers know it best
            self._write(lib.SPI_IOC_WR_MODE, self._u8, asked, "set mode", hint)
        else:
            self._write(lib.SPI_IOC_WR_MODE32, self._u32, asked, "set mode", hint)
        self._mode = Mode(self._read(lib.SPI_IOC_RD_MODE32, self._u32, "read mode"))
        return self._mode

    @property
    def bits_per_word(self) -> int:
        """Word size in bits for transfers that don't set their own."""
        return self._bits

    @bits_per_word.setter
    def bits_per_word(self, value: int) -> None:
        if value.__class__ is not int or not 1 <= value <= 32:
            raise ValueError(f"bits_per_word must be 1..32, not {value!r}")
        self._settle("bits_per_word", value, self._in_turn(self._set_bits, value))

    def _set_bits(self, value: int) -> int:
        hint = f"the controller does not support {value}-bit words"
        self._write(lib.SPI_IOC_WR_BITS_PER_WORD, self._u8, value, "set bits per word", hint)
        self._bits = self._read(lib.SPI_IOC_RD_BITS_PER_WORD, self._u8, "read bits per word") or 8
        return self._bits

    @property
    def max_speed_hz(self) -> int:
        """Clock rate for transfers that don't set their own (the controller may round it down)."""
        return self._speed

    @max_speed_hz.setter
    def max_speed_hz(self, value: int) -> None:
        if value.__class__ is not int or not 1 <= value <= 0xFFFFFFFF:
            raise ValueError(f"max_speed_hz must be 1..{0xFFFFFFFF}, not {value!r}")
        self._settle("max_speed_hz", value, self._in_turn(self._set_speed, value))

    def _set_speed(self, value: int) -> int:
        self._write(lib.SPI_IOC_WR_MAX_SPEED_HZ, self._u32, value, "set max speed", "the controller refused it")
        self._speed = self._read(lib.SPI_IOC_RD_MAX_SPEED_HZ, self._u32, "read max speed")
        return self._speed

    # -- messages -------------------------------------------------------------------------------------

    def _refuse_size(self, moved: int, counted_as: int) -> NoReturn:
        spidev_counts = "" if counted_as == moved else f" (spidev counts {counted_as}: {ROUNDING})"
        raise ValueError(
            f"this message moves {moved} bytes one way{spidev_counts} but spidev's bufsiz is {self._bufsiz}: split "
            f"it into several messages (chip select toggles between them; write()/read() do it with split=True), "
            f"or raise bufsiz (spidev.bufsiz=N on the kernel command line, or modprobe spidev bufsiz=N)"
        )

    def _refuse_message(self, message: Message) -> NoReturn:
        """Refuse a message whose tx or rx spidev counts past bufsiz."""
        tx = message.tx_counted > self._bufsiz
        self._refuse_size(*((message.tx_total, message.tx_counted) if tx else (message.rx_total, message.rx_counted)))

    def _run(self, message: Message) -> int:
        if message.tx_counted > self._bufsiz or message.rx_counted > self._bufsiz:
            self._refuse_message(message)  # before any syscall
        gate = self._gate
        try:  # the fd stays ours until leave(); -1 once closed: EBADF, then ClosedError
            ret = self._ioctl(gate.enter(), message.request, message._c)
        finally:
            gate.leave()
        if ret < 0:
            self._raise_kernel_error(-ret, "SPI message", self._hint(-ret))
        return int(ret)

    def _exchange(self, tx: Any, rx: Any, length: int) -> None:
        """One full- or half-duplex transfer at the device's settings (the general path: its own
        struct per call, so threads sharing the device never share one)."""
        if length > self._message_max:
            self._refuse_size(length, counted(length))
        single = ffi.new("struct spi_ioc_transfer *", {"len": length})
        single.tx_buf = int(ffi.cast("uintptr_t", tx)) if tx is not None else 0
        single.rx_buf = int(ffi.cast("uintptr_t", rx)) if rx is not None else 0
        gate = self._gate
        try:  # the fd stays ours until leave(); -1 once closed: EBADF, then ClosedError
            ret = self._ioctl(gate.enter(), self._single_request, single)
        finally:
            gate.leave()
        if ret < 0:
            self._raise_kernel_error(-ret, "SPI transfer", self._hint(-ret))

    @overload
    def transfer(self, what: Runnable) -> None: ...

    @overload
    def transfer(self, what: Buffer) -> bytes: ...

    def transfer(self, what: Runnable | Buffer) -> bytes | None:
        """Full duplex: send the bytes of ``what`` and return the bytes clocked in meanwhile.

        Given a :class:`Message`, a :class:`Transfer` or a list of transfers instead, run them
        as ONE message (results land in the transfers' rx buffers).
        """
        if self._busy and self._queue.defer():
            return self._queue.call(Device.transfer, self, what)
        if what.__class__ in _BYTES and 0 < len(what) <= self._message_max:
            gate = self._gate
            try:  # one transfer from the caller's bytes, received straight into the bytes returned
                return self._spi_exchange(gate.enter(), what)
            except OSError as exc:
                self._transfer_failed(exc.errno or errno.EIO)
            finally:
                gate.leave()
        if isinstance(what, (Message, Transfer)) or (isinstance(what, (list, tuple)) and what
                                                      and isinstance(what[0], Transfer)):  # fmt: skip
            self._run(what if what.__class__ is Message else _message(what))
            return None
        buffer_size(what, "what (a Transfer, a Message or bytes)")
        with ffi.from_buffer("__u8[]", what) as tx:  # the caller's bytes: released before an error leaves
            rx = bytearray(len(tx))
            self._exchange(tx, ffi.from_buffer("__u8[]", rx, require_writable=True), len(tx))
        return bytes(rx)

    def _chunks(self, length: int, split: bool) -> range:
        if length > self._message_max and not split:
            self._refuse_size(length, counted(length))
        if not self._message_max:
            raise ValueError(
                f"spidev's bufsiz {self._bufsiz} is below the {DMA_MINALIGN}-byte DMA alignment it rounds every "
                "transfer up to, so it takes no message: raise bufsiz (spidev.bufsiz=N)"
            )
        return range(0, length, self._message_max)

    @property
    def max_message_bytes(self) -> int:
        """The longest one-transfer message spidev takes: bufsiz rounded down to the DMA alignment."""
        return self._message_max

    def read(self, size: int, *, split: bool = False) -> bytes:
        """Clock in ``size`` bytes (sending zeros). Beyond bufsiz, ``split=True`` reads in chunks
        with chip select released between them."""
        if size.__class__ is not int or size < 0:
            raise ValueError(f"size must be an int >= 0, not {size!r}")
        if self._busy and self._queue.defer():
            return self._queue.call(Device.read, self, size, split=split)
        if 0 < size <= self._bufsiz:  # spidev's read(): one receive-only transfer, straight into new bytes
            gate = self._gate
            try:
                return self._read_bytes(gate.enter(), size)
            except OSError as exc:
                self._raise_kernel_error(exc.errno or errno.EIO, "SPI read", self._hint(exc.errno or 0))
            finally:
                gate.leave()
        chunks = self._chunks(size, split)  # refuses an unsplit size beyond bufsiz before allocating it
        out = bytearray(size)
        view = ffi.from_buffer("__u8[]", out, require_writable=True)
        for offset in chunks:
            self._exchange(None, view + offset, min(self._message_max, size - offset))
        return bytes(out)

    def write(self, data: Buffer, *, split: bool = False) -> None:
        """Send ``data`` (any bytes-like object, left untouched). Beyond bufsiz, ``split=True``
        writes in chunks with chip select released between them."""
        if self._busy and self._queue.defer():
            return self._queue.call(Device.write, self, data, split=split)
        if data.__class__ in _BYTES and 0 < len(data) <= self._bufsiz:
            gate = self._gate
            try:  # spidev's write(): one send-only transfer straight from the caller's bytes
                self._write_bytes(gate.enter(), data)
            except OSError as exc:
                self._write_failed(exc.errno or errno.EIO)
            finally:
                gate.leave()
            return
        buffer_size(data, "data")
        with ffi.from_buffer("__u8[]", data) as tx:  # the caller's bytes: released before an error leaves
            for offset in self._chunks(len(tx), split):
                self._exchange(tx + offset, None, min(self._message_max, len(tx) - offset))

    def _transfer_failed(self, err: int) -> NoReturn:
        """Raise the error for a one-transfer transfer() the kernel refused (also called from C)."""
        self._raise_kernel_error(err, "SPI transfer", self._hint(err))

    def _write_failed(self, err: int) -> NoReturn:
        """Raise the error for a write() the kernel refused (also called by the C writer)."""
        self._raise_kernel_error(err, "SPI write", self._hint(err))

    def write_then_read(self, data: Buffer, size: int) -> bytes:
        """Send ``data`` then read ``size`` bytes, chip select held throughout (one message)."""
        reply = Transfer(rx=size)
        message = Message([Transfer(data), reply])
        self._in_turn(self._run, message)
        return bytes(reply.data or b"")

    # -- asynchronous ---------------------------------------------------------------------------------

    def submit(self, message: Runnable, callback: Callback | None = None) -> Future[int]:
        """Queue a message; messages to one device run in submission (FIFO) order on a worker.

        The message is checked first (bufsiz, types): a refused one raises here and is never
        queued. The future's result is the number of bytes moved (it raises DeviceError on a
        fault, which aborts the whole message). ``callback(status)`` runs once the buffers are no
        longer in use, with 0 or a negative errno, and nothing else reaches the device until it
        returns. Cancelling works only before the message has started.
        """
        ready = _message(message)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be a callable taking the status (0 or -errno), or None, not {callback!r}")
        self._kernel_fd()
        if ready.tx_counted > self._bufsiz or ready.rx_counted > self._bufsiz:
            self._refuse_message(ready)  # never queued: the caller hears it now, no callback waits for it

        def run() -> int:
            try:
                moved = self._run(ready)
            except BaseException as exc:  # the callback hears of every failure, as spi_async's does
                if callback is not None:
                    callback(-(exc.errno or errno.EIO) if isinstance(exc, OSError) else -errno.EIO)
                raise
            if callback is not None:
                callback(0)
            return moved

        return self._queue.submit(run)

    async def transfer_async(self, message: Runnable) -> int:
        """Run a message through the FIFO queue without blocking the event loop."""
        import asyncio  # here: an import of linuxhw.spi needs no asyncio

        return await asyncio.wrap_future(self.submit(message))

    def awrite(self, data: Buffer, callback: Callback | None = None) -> Future[int]:
        """Asynchronous write of a buffer (like awrite(9E)): returns at once; ``data`` must not
        change until the future is done; ``callback(status)`` reports completion."""
        return self.submit(Transfer(data), callback)


def _message(what: Runnable) -> Message:
    """A Message of a Message, one Transfer or a sequence of them."""
    return what if isinstance(what, Message) else Message([what] if isinstance(what, Transfer) else what)


def _resolve_path(device: str | os.PathLike[str] | tuple[int, int]) -> str:
    if isinstance(device, tuple):
        if len(device) != 2 or not all(isinstance(n, int) and n >= 0 for n in device):
            raise ValueError(f"device as a tuple is (bus, chip_select), not {device!r}")
        return f"/dev/spidev{device[0]}.{device[1]}"
    if isinstance(device, (str, os.PathLike)):
        path = os.fspath(device)
        if re.fullmatch(r"spidev\d+\.\d+", path):
            return f"/dev/{path}"
        return path
    raise TypeError(f"device must be a path or (bus, chip_select), not {device!r}")
