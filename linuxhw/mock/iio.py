"""Mock IIO devices: /sys/bus/iio/devices/iio:deviceN and /dev/iio:deviceN as the IIO core answers them.

The core's rules (drivers/iio/industrialio-core.c, -buffer.c, -trigger.c, 6.12): channel attributes are
files (``in_voltage0_raw``...; shared ones by type, direction or all); ``scan_elements/*_en`` and
``buffer/length``/``watermark`` are EBUSY while the buffer runs, ``watermark`` 0 or above the length
EINVAL; ``buffer/enable`` with no element enabled, or (a triggered driver) with no trigger, is EINVAL;
``trigger/current_trigger`` is EBUSY while a triggered buffer runs and takes an unknown name as none.
The chardev has one opener at a time (EBUSY); read() of less than one scan is EINVAL, gives whole scans,
EAGAIN when non-blocking and empty, and polls readable from ``watermark`` scans. The buffer is a kfifo of
``length`` scans that drops new scans when full; enabling it empties it.

A test feeds values with :meth:`MockIioDevice.set_raw` and scans with :meth:`MockIioDevice.push` or
a sysfs trigger (``Board.enable_iio_sysfs_trigger``: ``add_trigger``, ``trigger_now``), as the kernel's
iio_simple_dummy takes each scan from its channels on each trigger.
"""

from __future__ import annotations

import errno
import functools
import os
import struct
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from linuxhw.iio._names import ChannelId
from linuxhw.iio.scan import Layout, parse_scan_type
from linuxhw.mock._file import MockFile
from linuxhw.mock.sysfs import kstrto, oserror

if TYPE_CHECKING:
    from linuxhw.mock.board import Board

__all__ = ["MockIioChannel", "MockIioDevice"]

BUS_DIR = "/sys/bus/iio/devices"
SHARES = ("separate", "type", "dir", "all")
TIMESTAMP_TYPE = "le:s64/64>>0"


def kstrtobool(text: str) -> bool:
    """The kernel's kstrtobool(): 1/y/Y/t/T, 0/n/N/f/F, on/off (any case); EINVAL otherwise."""
    s = text.lower()
    if s[:1] in ("1", "y", "t"):
        return True
    if s[:1] in ("0", "n", "f"):
        return False
    if s[:2] == "on":
        return True
    if s[:3] == "off":
        return False
    raise oserror(errno.EINVAL)


def _text(value: float | str) -> str:
    """A number as the core prints IIO_VAL_INT (an int) or IIO_VAL_INT_PLUS_NANO (a float)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    sign = "-" if value < 0 else ""
    nanos = round(abs(value) * 1_000_000_000)
    return f"{sign}{nanos // 1_000_000_000}.{nanos % 1_000_000_000:09d}"


def _refuse(text: str) -> None:
    """The store of an info the driver's write_raw() does not take: every info attribute is writable
    once a driver has write_raw (the core makes them 0644), and the driver answers EINVAL."""
    raise oserror(errno.EINVAL)


def _constant(text: str) -> Callable[[], str]:
    """A show method for an attribute that never changes."""
    return lambda: text


@dataclass
class MockIioChannel:
    """A channel as a driver's ``struct iio_chan_spec`` declares it: ``type``, ``index`` (None:
    unindexed), ``index2`` (differential), ``modifier``, ``output``; its ``raw`` value and ``scale``,
    ``offset`` (None: no attribute), ``processed`` (an ``_input`` attribute); ``share`` maps an info to
    "type", "dir" or "all" (IIO_SHARED_BY_*; default its own attribute); ``scan_type`` its buffer
    element (None: not in the buffer); ``available`` maps an info to its ``_available`` text; ``infos``
    gives other infos' texts (``{"sampling_frequency": "1600"}``), which the driver does not let change."""

    type: str
    index: int | None = None
    modifier: str | None = None
    index2: int | None = None
    output: bool = False
    raw: int | None = 0
    scale: float | str | None = None
    offset: float | str | None = None
    processed: float | str | None = None
    scan_type: str | None = "le:s16/16>>0"
    share: Mapping[str, str] = field(default_factory=dict)
    available: Mapping[str, str] = field(default_factory=dict)
    label: str | None = None
    infos: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> ChannelId:
        return ChannelId(self.output, self.type, self.index, self.index2, self.modifier)


class _Buffer:
    """buffer0: the kfifo and its settings."""

    def __init__(self) -> None:
        self.length = 2  # iio_kfifo_allocate()'s default
        self.watermark = 1
        self.enabled = False
        self.scans: deque[bytes] = deque()
        self.layout: Layout | None = None
        self.readers: list[_BufferFile] = []

    def readable(self) -> bool:
        return len(self.scans) >= (self.watermark if self.enabled else 1)


class MockIioDevice:
    """The control side of a mock IIO device (made by ``Board.add_iio_device``)."""

    subsystem = "iio"

    def __init__(self, board: Board, number: int, name: str, channels: Sequence[MockIioChannel], label: str | None,
                 sampling_frequency: float | None, frequencies: str | None, triggered: bool) -> None:  # fmt: skip
        if not isinstance(name, str) or not name or "\n" in name:
            raise ValueError(f"name must be a non-empty str without newlines, not {name!r}")
        ids = [c.id for c in channels]
        if len(set(ids)) != len(ids):
            raise ValueError("channels must be distinct (type, index, modifier, direction)")
        self.board = board
        self.number = number
        self.name = name
        self.label = label
        self.dev_path = f"/dev/iio:device{number}"
        self.attributes: dict[str, str] = {}
        self.channels = list(channels)
        self.triggered = triggered
        self.trigger: str | None = None
        self.sampling_frequency = sampling_frequency
        self.buffer = _Buffer()
        self.open_file: _BufferFile | None = None
        self.path = f"/sys/devices/platform/iio-mock.{number}/iio:device{number}"
        scanned = [c for c in channels if c.scan_type is not None and not c.output]
        self._scan_index = {c.id: i for i, c in enumerate(scanned)}
        self._enabled: set[ChannelId] = set()
        self.timestamp_enabled = False
        self.scan_values: dict[str, int] | None = None  # what a triggered scan takes (None: the raw values)
        self._build(frequencies, bool(scanned))
        board.add_device(self)

    # -- sysfs ----------------------------------------------------------------------------------------

    def _build(self, frequencies: str | None, buffered: bool) -> None:
        tree, path = self.board.sysfs, self.path
        tree.add_link(f"{BUS_DIR}/iio:device{self.number}", path)
        tree.add_attribute(f"{path}/name", show=lambda: f"{self.name}\n")
        tree.add_attribute(f"{path}/dev", show=lambda: f"245:{self.number}\n")
        if self.label is not None:
            tree.add_attribute(f"{path}/label", show=lambda: f"{self.label}\n")
        if self.sampling_frequency is not None:
            tree.add_attribute(f"{path}/in_sampling_frequency", show=self._show_frequency, store=self._store_frequency)
            if frequencies is not None:
                tree.add_attribute(f"{path}/in_sampling_frequency_available", show=lambda: f"{frequencies}\n")
        for channel in self.channels:
            self._channel_attributes(channel)
        if buffered:
            self._buffer_attributes()

    def _channel_attributes(self, channel: MockIioChannel) -> None:
        cid, tree = channel.id, self.board.sysfs
        values: dict[str, Callable[[], str]] = {}
        if channel.raw is not None:
            values["raw"] = functools.partial(self._show_raw, channel)
        for info in ("scale", "offset", "processed"):
            value = getattr(channel, info)
            if value is not None:
                values["input" if info == "processed" else info] = _constant(f"{_text(value)}\n")
        for info, text in channel.infos.items():
            values[info] = _constant(f"{text}\n")
        for info, show in values.items():
            share = channel.share.get(info, "separate")
            if share not in SHARES:
                raise ValueError(f"share of {info!r} must be one of {SHARES}, not {share!r}")
            names = cid.lookup(info)
            name = names[min(SHARES.index(share), len(names) - 1)]
            store = self._raw_store(channel) if info == "raw" and channel.output else _refuse
            tree.add_attribute(f"{self.path}/{name}", show=show, store=store)
            if info in channel.available:
                text = channel.available[info]
                tree.add_attribute(f"{self.path}/{name}_available", show=_constant(f"{text}\n"))
        if channel.label is not None:
            tree.add_attribute(f"{self.path}/{cid.direction}_{cid.name}_label", show=lambda: f"{channel.label}\n")

    def _show_raw(self, channel: MockIioChannel) -> str:
        if self.buffer.enabled and not channel.output:
            raise oserror(errno.EBUSY)  # iio_device_claim_direct_mode(): no direct reads while capturing
        return f"{channel.raw}\n"

    def _raw_store(self, channel: MockIioChannel) -> Callable[[str], None]:
        def store(text: str) -> None:
            channel.raw = kstrto(text, 32, signed=True)  # iio_write_channel_info: kstrtoint (fixpoint with no fraction)

        return store

    def _show_frequency(self) -> str:
        return f"{_text(self.sampling_frequency or 0)}\n"

    def _store_frequency(self, text: str) -> None:
        try:
            value = float(text)
        except ValueError:
            raise oserror(errno.EINVAL) from None
        if "e" in text.lower() or value <= 0:
            raise oserror(errno.EINVAL)
        self.sampling_frequency = value

    def _buffer_attributes(self) -> None:
        tree, scan = self.board.sysfs, f"{self.path}/scan_elements"
        for channel in self.channels:
            if channel.id in self._scan_index:
                stem = f"{scan}/{channel.id.direction}_{channel.id.name}"
                index, scan_type = self._scan_index[channel.id], channel.scan_type
                show, store = (
                    functools.partial(self._show_en, channel.id),
                    functools.partial(self._store_en, channel.id),
                )
                tree.add_attribute(f"{stem}_en", show=show, store=store)
                tree.add_attribute(f"{stem}_index", show=_constant(f"{index}\n"))
                tree.add_attribute(f"{stem}_type", show=_constant(f"{scan_type}\n"))
        stem = f"{scan}/in_timestamp"
        tree.add_attribute(f"{stem}_en", show=lambda: f"{int(self.timestamp_enabled)}\n", store=self._store_ts)
        tree.add_attribute(f"{stem}_index", show=lambda: f"{len(self._scan_index)}\n")
        tree.add_attribute(f"{stem}_type", show=lambda: f"{TIMESTAMP_TYPE}\n")
        for directory in ("buffer", "buffer0"):
            base = f"{self.path}/{directory}"
            tree.add_attribute(f"{base}/length", show=lambda: f"{self.buffer.length}\n", store=self._store_length)
            tree.add_attribute(f"{base}/watermark", show=lambda: f"{self.buffer.watermark}\n",
                               store=self._store_watermark)  # fmt: skip
            tree.add_attribute(f"{base}/enable", show=lambda: f"{int(self.buffer.enabled)}\n", store=self._store_enable)
            tree.add_attribute(f"{base}/data_available", show=lambda: f"{len(self.buffer.scans)}\n")
        if self.triggered:
            tree.add_attribute(f"{self.path}/trigger/current_trigger", show=lambda: f"{self.trigger or ''}\n",
                               store=self._store_trigger)  # fmt: skip

    def _busy(self) -> None:
        if self.buffer.enabled:
            raise oserror(errno.EBUSY)

    def _show_en(self, cid: ChannelId) -> str:
        return f"{int(cid in self._enabled)}\n"

    def _store_en(self, cid: ChannelId, text: str) -> None:
        on = kstrtobool(text)
        self._busy()
        (self._enabled.add if on else self._enabled.discard)(cid)

    def _store_ts(self, text: str) -> None:
        on = kstrtobool(text)
        self._busy()
        self.timestamp_enabled = on

    def _store_length(self, text: str) -> None:
        value = kstrto(text, 32)
        if value == self.buffer.length:
            return
        self._busy()
        self.buffer.length = value
        if value and value < self.buffer.watermark:
            self.buffer.watermark = value

    def _store_watermark(self, text: str) -> None:
        value = kstrto(text, 32)
        if value == 0 or value > self.buffer.length:
            raise oserror(errno.EINVAL)
        self._busy()
        self.buffer.watermark = value

    def _store_enable(self, text: str) -> None:
        on = kstrtobool(text)
        if on == self.buffer.enabled:
            return
        if on:
            if not self._enabled or (self.triggered and self.trigger is None):
                raise oserror(errno.EINVAL)
            self.buffer.layout = self._layout()
            self.buffer.scans.clear()
        self.buffer.enabled = on
        self._wake()

    def _store_trigger(self, text: str) -> None:
        if self.buffer.enabled:
            raise oserror(errno.EBUSY)
        name = text[:-1] if text.endswith("\n") else text
        self.trigger = name if name in iio_core(self.board).triggers.values() else None

    def _layout(self) -> Layout:
        chosen = [
            (c.id.name, self._scan_index[c.id], parse_scan_type(c.scan_type or "", c.id.name))
            for c in self.channels
            if c.id in self._enabled
        ]
        return Layout(chosen, parse_scan_type(TIMESTAMP_TYPE, "timestamp") if self.timestamp_enabled else None)

    # -- the test's side ------------------------------------------------------------------------------

    def channel(self, name: str) -> MockIioChannel:
        """The channel named as its attributes spell it (``voltage0``, ``accel_x``, ``out_voltage0``)."""
        for channel in self.channels:
            cid = channel.id
            if name in (cid.name, f"{cid.direction}_{cid.name}"):
                return channel
        raise LookupError(f"mock IIO device {self.name!r} has no channel {name!r}")

    def set_raw(self, name: str, value: int) -> None:
        """What channel ``name`` measures now (its ``_raw``, and what the next scan takes)."""
        with self.board.lock:
            self.channel(name).raw = value

    def raw(self, name: str) -> int | None:
        """Channel ``name``'s raw value (an output: what was last written)."""
        with self.board.lock:
            return self.channel(name).raw

    def push(self, values: Mapping[str, int] | None = None, timestamp: int | None = None) -> bool:
        """One scan into the buffer, as iio_push_to_buffers_with_timestamp(): the enabled channels'
        ``values`` (default: their raw values), ``timestamp`` in ns (default: CLOCK_REALTIME now, the
        core's default clock). False when it was not stored: the buffer is stopped, or full (kfifo)."""
        with self.board.lock:
            buffer = self.buffer
            if not buffer.enabled or buffer.layout is None:
                return False
            if len(buffer.scans) >= buffer.length:
                return False
            raw = {c.id.name: c.raw or 0 for c in self.channels if not c.output}
            raw.update(values or {})
            buffer.scans.append(self._pack(buffer.layout, raw, time.time_ns() if timestamp is None else timestamp))
            self._wake()
            return True

    @staticmethod
    def _pack(layout: Layout, raw: Mapping[str, int], timestamp: int) -> bytes:
        data = bytearray(layout.size)
        for element in layout.elements:
            st = element.type
            code = {8: "B", 16: "H", 32: "I", 64: "Q"}[st.storagebits]
            word = (raw[element.name] & ((1 << st.realbits) - 1)) << st.shift
            struct.pack_into(("<" if st.endian == "le" else ">") + code * st.repeat, data, element.offset,
                             *([word] * st.repeat))  # fmt: skip
        if layout.timestamp is not None:
            struct.pack_into("<q", data, layout.timestamp.offset, timestamp)
        return bytes(data)

    def scan_by_trigger(self) -> None:
        """The trigger fired: a triggered driver takes one scan of its channels (the dummy's handler)."""
        if self.triggered and self.buffer.enabled:
            self.push(self.scan_values)

    def _wake(self) -> None:
        for reader in self.buffer.readers:
            reader.set_readable(self.buffer.readable())
        self.board._state_changed()

    def remove(self) -> None:
        """The device goes away (driver unbound): its files answer ENODEV, its sysfs directory goes."""
        with self.board.lock:
            self.board.remove_device(self.dev_path)
            self.board.sysfs.remove(self.path)
            self.board.sysfs.remove(f"{BUS_DIR}/iio:device{self.number}")
            iio_core(self.board).devices.pop(self.number, None)

    # -- the chardev ----------------------------------------------------------------------------------

    def open(self, board: Board, flags: int) -> MockFile:
        if self.open_file is not None:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), self.dev_path)
        self.open_file = _BufferFile(self)
        return self.open_file


class _BufferFile(MockFile):
    """An open /dev/iio:deviceN: buffer0's reads."""

    def __init__(self, device: MockIioDevice) -> None:
        super().__init__()
        self.device = device
        device.buffer.readers.append(self)
        self.set_readable(device.buffer.readable())

    def read(self, buf: Any, count: int) -> int:
        buffer = self.device.buffer
        layout = buffer.layout
        size = layout.size if layout is not None else 0
        if not size:
            return 0  # bytes_per_datum 0: end of file
        if count < size:
            return -errno.EINVAL
        wanted = 1 if self.nonblocking else min(count // size, buffer.watermark)
        if not buffer.enabled:
            wanted = min(wanted, 1)
        if len(buffer.scans) < max(wanted, 1):
            return -errno.EAGAIN  # the Board's read() waits for readability unless O_NONBLOCK
        taken = 0
        while buffer.scans and taken + size <= count:
            scan = buffer.scans.popleft()
            buf[taken : taken + size] = scan
            taken += size
        self.set_readable(buffer.readable())
        return taken

    def release(self) -> None:
        self.device.buffer.readers.remove(self)
        self.device.open_file = None
        super().release()


class IioCore:
    """The board's IIO core: its devices and triggers by number (separate idas, as the kernel's)."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.devices: dict[int, MockIioDevice] = {}
        self.triggers: dict[int, str] = {}  # trigger number -> name
        self.sysfs_triggers: dict[int, int] = {}  # sysfs trigger id -> trigger number

    def add_trigger(self, name: str, parent: str) -> str:
        """iio_trigger_register(): triggerN (the lowest free N) under ``parent``, linked from the bus; its
        path. EEXIST for a name a trigger has already, as the kernel refuses it."""
        if name in self.triggers.values():
            raise oserror(errno.EEXIST)
        number = next(n for n in range(len(self.triggers) + 1) if n not in self.triggers)
        self.triggers[number] = name
        path = f"{parent}/trigger{number}"
        self.board.sysfs.add_attribute(f"{path}/name", show=_constant(f"{name}\n"))
        self.board.sysfs.add_link(f"{BUS_DIR}/trigger{number}", path)
        return path

    def remove_trigger(self, name: str) -> None:
        """iio_trigger_unregister(): devices not capturing with it let it go; triggerN leaves sysfs."""
        number = next(n for n, known in self.triggers.items() if known == name)
        del self.triggers[number]
        for device in self.devices.values():
            if device.trigger == name and not device.buffer.enabled:
                device.trigger = None
        target = self.board.sysfs.target(f"{BUS_DIR}/trigger{number}")
        self.board.sysfs.remove(f"{BUS_DIR}/trigger{number}")
        if target is not None:
            self.board.sysfs.remove(target)

    def fire(self, name: str) -> None:
        """iio_trigger_poll(): each device using the trigger takes its scan."""
        for device in list(self.devices.values()):
            if device.trigger == name:
                device.scan_by_trigger()


def iio_core(board: Board) -> IioCore:
    """The board's IIO core, created on first use."""
    core: IioCore | None = getattr(board, "_iio_core", None)
    if core is None:
        core = IioCore(board)
        board._iio_core = core  # type: ignore[attr-defined]
    return core


def add_iio_device(board: Board, name: str, channels: Sequence[MockIioChannel], **options: Any) -> MockIioDevice:
    """Board.add_iio_device: the device at the lowest free iio:deviceN."""
    core = iio_core(board)
    with board.lock:
        number = next(n for n in range(len(core.devices) + 1) if n not in core.devices)
        device = MockIioDevice(board, number, name, channels, **options)
        core.devices[number] = device
        return device


def enable_sysfs_trigger(board: Board) -> None:
    """iio-trig-sysfs loaded: /sys/bus/iio/devices/iio_sysfs_trigger/{add,remove}_trigger."""
    core, tree = iio_core(board), board.sysfs
    base = "/sys/devices/iio_sysfs_trigger"
    if tree.exists(base):
        return

    def add(text: str) -> None:
        ident = kstrto(text, 64)
        if ident in core.sysfs_triggers:
            raise oserror(errno.EINVAL)
        name = f"sysfstrig{ident}"
        path = core.add_trigger(name, base)
        core.sysfs_triggers[ident] = int(path.rsplit("trigger", 1)[1])
        tree.add_attribute(f"{path}/trigger_now", store=lambda _text: core.fire(name))

    def remove(text: str) -> None:
        number = core.sysfs_triggers.pop(kstrto(text, 64), None)
        if number is None:
            raise oserror(errno.EINVAL)
        core.remove_trigger(core.triggers[number])

    tree.add_attribute(f"{base}/add_trigger", store=add)
    tree.add_attribute(f"{base}/remove_trigger", store=remove)
    tree.add_link(f"{BUS_DIR}/iio_sysfs_trigger", base)


class _Hrtimer:
    """One iio-trig-hrtimer trigger: a thread firing it every 1/frequency s (the kernel's hrtimer), which
    only devices capturing with it answer."""

    def __init__(self, core: IioCore, name: str) -> None:
        self.core = core
        self.name = name
        self.millihertz = 100_000  # HRTIMER_DEFAULT_SAMPLING_FREQUENCY
        self.stop = threading.Event()
        self.path = core.add_trigger(name, "/sys/devices/virtual/iio_trigger")  # hrtimer triggers have no parent
        core.board.sysfs.add_attribute(f"{self.path}/sampling_frequency", show=self._show, store=self._store)
        threading.Thread(target=self._run, name=f"mock hrtimer {name}", daemon=True).start()

    def _show(self) -> str:
        return f"{self.millihertz // 1000}.{self.millihertz % 1000 * 1000:06d}\n"  # IIO_VAL_INT_PLUS_MICRO

    def _store(self, text: str) -> None:
        """iio_str_to_fixpoint(buf, 100, ...): digits, an optional point and 3 decimals (more are cut)."""
        body = text[:-1] if text.endswith("\n") else text
        whole, _, fraction = body.partition(".")
        if not whole.lstrip("-").isdigit() or (fraction and not fraction.isdigit()):
            raise oserror(errno.EINVAL)
        if whole.startswith("-"):
            raise oserror(errno.ERANGE)
        value = int(whole) * 1000 + int((fraction + "000")[:3])
        if not 0 < value <= 0xFFFFFFFF:
            raise oserror(errno.EINVAL)
        self.millihertz = value

    def _run(self) -> None:
        board = self.core.board
        while not self.stop.wait(1000 / self.millihertz):
            with board.lock:
                if not self.stop.is_set():
                    self.core.fire(self.name)


def enable_hrtimer_trigger(board: Board) -> None:
    """iio-trig-hrtimer loaded: mkdir /sys/kernel/config/iio/triggers/hrtimer/<name> makes a trigger."""
    core, tree = iio_core(board), board.sysfs
    group = "/sys/kernel/config/iio/triggers/hrtimer"
    if tree.exists(group):
        return
    timers: dict[str, _Hrtimer] = {}

    def make(name: str) -> None:
        timers[name] = _Hrtimer(core, name)

    def drop(name: str) -> None:
        timer = timers.pop(name)
        timer.stop.set()  # not joined: it may be waiting for the board lock, which this call holds
        core.remove_trigger(name)

    tree.add_group(group, make, drop)
