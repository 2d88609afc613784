"""Buffered capture from /dev/iio:deviceN: scan elements enabled, the buffer sized and started, scans
read many per read() into any buffer and decoded; sync and asyncio, as the other buses' event reads.

The chardev admits one opener (EBUSY for the next), so a Capture owns the device's buffer from open
to close: it writes ``scan_elements/*_en``, ``buffer/length``, ``buffer/watermark`` and
``buffer/enable`` (each refused with EBUSY while the buffer runs) and stops the buffer again on close.
Reads are non-blocking on the fd; a wait is a poll() (which the kernel answers once ``watermark``
scans are queued), so timeouts, close() from another thread and asyncio's add_reader all work. A
removed device's poll() reports nothing (iio_buffer_poll), so a wait asks after each slice whether the
device is still there, and a read from it is a DeviceRemovedError.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from linuxhw._args import check_int, poll_timeout
from linuxhw._events import wait_readable, wait_readable_async, wait_slices
from linuxhw._handle import Handle, open_device
from linuxhw._uapi import ffi
from linuxhw.errors import DeviceBusyError, device_error
from linuxhw.iio._sysfs import read_text, write_text
from linuxhw.iio.scan import Layout, Scan, parse_scan_type

if TYPE_CHECKING:
    from linuxhw.iio.device import Device

__all__ = ["Capture"]

T = TypeVar("T")

READ_BYTES = 1 << 20  # the most one read() of Capture.read takes (read_into: the caller's buffer)
ENABLE_NEEDS = "at least one enabled scan element, and a trigger in trigger/current_trigger where it scans on one"
BUSY_HINT = "another process (or Capture) has the device's buffer open: one reader at a time"


class Capture(Handle):
    """Buffered capture of some channels of an IIO device (``device.capture(["voltage0"])``).

    ``channels`` names scannable inputs (default: all but the timestamp); ``timestamp`` adds each
    scan's time stamp where the device has that channel; ``length`` is the buffer's size in scans and
    ``watermark`` how many must be queued before a wait returns (the kernel's defaults where None).
    The device needs its trigger set first where its driver takes scans on a trigger.
    """

    def __init__(
        self,
        device: Device,
        channels: Sequence[str] | None,
        *,
        timestamp: bool,
        length: int | None,
        watermark: int | None,
    ) -> None:
        self.device = device
        names = self._chosen(device, channels)
        for value, what in ((length, "length"), (watermark, "watermark")):
            if value is not None and check_int(value, what) < 1:
                raise ValueError(f"{what} must be a number of scans >= 1 (or None: the kernel's), not {value}")
        if length is not None and watermark is not None and watermark > length:
            raise ValueError(f"watermark ({watermark}) must not exceed length ({length})")
        backend = device.backend
        try:
            fd = open_device(backend, device.dev_path, os.O_RDONLY | os.O_NONBLOCK, "iio")
        except DeviceBusyError:
            raise device_error(errno.EBUSY, device.dev_path, "open", BUSY_HINT) from None
        super().__init__(backend, fd, device.dev_path, f"iio.Capture of {device.name!r}")
        try:
            self._stop_if_ours()
            self.layout = self._configure(names, timestamp, length, watermark)
            self._write("buffer/enable", "1", ENABLE_NEEDS)
        except BaseException:
            super().close()
            raise
        self._buffer = bytearray()  # grown by _take() to what a read() asks, up to READ_BYTES
        self._read_lock = threading.Lock()

    def __enter__(self) -> Capture:
        return self

    @staticmethod
    def _chosen(device: Device, channels: Sequence[str] | None) -> list[str]:
        scannable = [c.name for c in device.channels if c.scannable and not c.output and c.type != "timestamp"]
        if channels is None:
            if not scannable:
                raise ValueError(f"IIO device {device.name!r} has no channels to capture (no scan_elements)")
            return scannable
        if isinstance(channels, str):
            raise TypeError(f"channels is a list of channel names, not the str {channels!r}")
        if not isinstance(channels, Sequence) or not all(isinstance(name, str) for name in channels):
            raise TypeError(f"channels must be a list of channel names (str), not {channels!r}")
        names = [device.channel(name).name for name in channels]
        wrong = [n for n in names if n not in scannable]
        if wrong or not names or len(set(names)) != len(names):
            raise ValueError(
                f"channels must name distinct scannable inputs of IIO device {device.name!r} "
                f"({', '.join(scannable) or 'none'}), not {list(channels)!r}"
            )
        return names

    # -- setup ----------------------------------------------------------------------------------------

    def _attr(self, name: str) -> str:
        return f"{self.device.path}/{name}"

    def _read(self, name: str) -> str:
        return read_text(self._backend, self._attr(name))

    def _write(self, name: str, text: str, allowed: str = "") -> None:
        write_text(self._backend, self._attr(name), text, allowed)

    def _stop_if_ours(self) -> None:
        """A buffer left running by an earlier process of ours (killed mid-capture): it holds no open
        file (we just opened the chardev), so stopping it takes nothing from anyone."""
        if self._read("buffer/enable") == "1":
            self._write("buffer/enable", "0")

    def _configure(self, names: list[str], timestamp: bool, length: int | None, watermark: int | None) -> Layout:
        scan = self.device._scan
        chosen = set(names)
        elements = []
        for channel in self.device.channels:
            stem = f"scan_elements/{channel.id.direction}_{channel.name}"
            if not channel.scannable or channel.type == "timestamp":
                continue
            on = channel.name in chosen
            self._write(f"{stem}_en", "1" if on else "0")
            if on:
                elements.append(
                    (channel.name, int(self._read(f"{stem}_index")), parse_scan_type(self._read(f"{stem}_type"), stem))
                )
        stamp = None
        if "in_timestamp_en" in scan:
            self._write("scan_elements/in_timestamp_en", "1" if timestamp else "0")
            if timestamp:
                stamp = parse_scan_type(self._read("scan_elements/in_timestamp_type"), "in_timestamp_type")
        if length is not None:
            if watermark is None and int(self._read("buffer/watermark")) > length:
                self._write("buffer/watermark", "1")
            self._write("buffer/length", str(length))
        if watermark is not None:
            self._write("buffer/watermark", str(watermark), f"1..{self._read('buffer/length')} (the length)")
        self.length = int(self._read("buffer/length"))
        self.watermark = int(self._read("buffer/watermark"))
        return Layout(elements, stamp)

    @property
    def channels(self) -> tuple[str, ...]:
        """The captured channels, in the order of each Scan's values (the scan order)."""
        return self.layout.channels

    @property
    def scan_size(self) -> int:
        """Bytes per scan (the buffer's bytes_per_datum)."""
        return self.layout.size

    def close(self) -> None:
        """Stop the buffer and close the chardev; repeating it does nothing."""
        if not self.closed:
            with contextlib.suppress(OSError):  # the device is gone: nothing left to stop
                self._write("buffer/enable", "0")
        super().close()

    # -- reading --------------------------------------------------------------------------------------

    def read_into(self, buffer: Any, timeout: float | None = None) -> int:
        """Read as many whole scans as are queued and fit into ``buffer`` (any writable buffer: bytearray,
        memoryview, array, numpy; no copy), waiting up to ``timeout`` s (None: forever) for the
        watermark's worth; returns the number of scans read (0 after a timeout). Decode with :meth:`decode`."""
        poll_timeout(timeout)
        try:
            target = ffi.from_buffer(buffer, require_writable=True)
        except TypeError:
            raise TypeError(
                f"buffer must be writable (bytearray, memoryview, array, numpy array), not {type(buffer).__name__}"
            ) from None
        size = len(target)
        if size < self.scan_size:
            raise ValueError(f"buffer holds {size} bytes, less than one scan ({self.scan_size} bytes)")
        nbytes = size - size % self.scan_size
        return self._until(lambda: self._read_available(target, nbytes), timeout)

    def read(self, max_scans: int | None = None, timeout: float | None = None) -> list[Scan]:
        """Up to ``max_scans`` scans (default and at most: the buffer's length, or 1 MiB of them), waiting
        up to ``timeout`` s (None: forever) for at least the watermark's worth; [] after a timeout."""
        poll_timeout(timeout)
        count = self._limit(max_scans)
        return self._until(lambda: self._take(count), timeout)

    async def read_async(self, max_scans: int | None = None, timeout: float | None = None) -> list[Scan]:
        """:meth:`read`'s asyncio twin: awaits readability through the loop (no thread)."""
        import asyncio

        poll_timeout(timeout)
        count = self._limit(max_scans)
        for wait in wait_slices(timeout, asyncio.get_running_loop().time):
            scans = self._take(count)
            if scans:
                return scans
            gate = self._gate
            with gate as fd:
                ready = fd >= 0 and await wait_readable_async(fd, gate.wake_fd(), wait)
            self._kernel_fd()  # ClosedError once closed meanwhile
            if not ready:
                self._raise_if_gone("read scans")
        return self._take(count)

    def decode(self, buffer: Any, count: int) -> list[Scan]:
        """The first ``count`` scans in ``buffer`` (as :meth:`read_into` filled it)."""
        return self.layout.decode(buffer, check_int(count, "count"))

    def decode_numpy(self, buffer: Any, count: int) -> dict[str, Any]:
        """The first ``count`` scans in ``buffer`` as one numpy array per channel and ``timestamp``
        (needs numpy): each element shifted, masked and sign-extended, for many scans at a time."""
        return self.layout.decode_numpy(buffer, check_int(count, "count"))

    def _until(self, attempt: Callable[[], T], timeout: float | None) -> T:
        """``attempt()`` (a non-blocking read) until it gives something or ``timeout`` passes; a wait
        that ends with nothing asks whether the device is still there (its poll() would not say)."""
        for wait in wait_slices(timeout):
            got = attempt()
            if got:
                return got
            if not wait_readable(self, wait):
                self._raise_if_gone("read scans")
        return attempt()

    def _read_available(self, target: Any, nbytes: int) -> int:
        """One non-blocking read(2) of up to ``nbytes`` into ``target``: the scans read (0: none queued)."""
        gate = self._gate
        try:
            ret = self._backend.read(gate.enter(), target, nbytes)
        finally:
            gate.leave()
        if ret in (-errno.EAGAIN, -errno.EINTR):
            return 0
        if ret < 0:
            hint = "the buffer was stopped by someone else" if -ret == errno.EINVAL else ""
            self._raise_kernel_error(-ret, "read scans", hint)
        return ret // self.scan_size

    def _take(self, count: int) -> list[Scan]:
        """Up to ``count`` queued scans, read into the capture's own buffer and decoded under its lock:
        threads reading one capture never decode each other's bytes."""
        with self._read_lock:
            if count * self.scan_size > len(self._buffer):
                self._buffer = bytearray(count * self.scan_size)
            view = memoryview(self._buffer)[: count * self.scan_size]
            return self.decode(view, self._read_available(ffi.from_buffer(view, require_writable=True), len(view)))

    def _limit(self, max_scans: int | None) -> int:
        """How many scans one read() asks for: ``max_scans``, at most the buffer's length (no more can be
        queued) and READ_BYTES' worth."""
        if max_scans is not None and check_int(max_scans, "max_scans") < 1:
            raise ValueError(f"max_scans must be at least 1, not {max_scans}")
        most = min(self.length, max(1, READ_BYTES // self.scan_size))
        return most if max_scans is None else min(max_scans, most)

    def scans(self, timeout: float | None = None) -> ScanStream:
        """Iterate scans as they come (``for`` and ``async for``); stops after ``timeout`` s without one."""
        poll_timeout(timeout)
        return ScanStream(self, timeout)

    def values(self, scan: Scan) -> dict[str, float | tuple[float, ...]]:
        """A scan's values in each channel's unit, ``(raw + offset) * scale`` (scale and offset read
        once per capture; each value of a repeated element so scaled)."""
        factors = self._factors()
        out: dict[str, float | tuple[float, ...]] = {}
        for name, raw in zip(self.channels, scan.values):
            offset, scale = factors[name]
            out[name] = (raw + offset) * scale if isinstance(raw, int) else tuple((r + offset) * scale for r in raw)
        return out

    def _factors(self) -> dict[str, tuple[float, float]]:
        cached: dict[str, tuple[float, float]] | None = getattr(self, "_cached_factors", None)
        if cached is None:
            cached = {}
            for name in self.channels:
                channel = self.device.channel(name)
                cached[name] = (channel.offset(), channel.scale())
            self._cached_factors = cached
        return cached


class ScanStream:
    """Scans as they arrive, one at a time, for ``for`` and ``async for``."""

    def __init__(self, capture: Capture, timeout: float | None) -> None:
        self._capture = capture
        self._timeout = timeout

    def __iter__(self) -> Iterator[Scan]:
        while batch := self._capture.read(timeout=self._timeout):
            yield from batch

    async def __aiter__(self) -> AsyncIterator[Scan]:
        while batch := await self._capture.read_async(timeout=self._timeout):
            for scan in batch:
                yield scan
