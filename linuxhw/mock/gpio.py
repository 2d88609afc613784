"""Mock GPIO chips: gpiolib-cdev's ioctls and reads, with gpio-sim's line model.

The control API (``set_pull``/``get_value``) mirrors gpio-sim's sysfs attributes, so a
test can drive a mock chip and a kernel gpio-sim chip the same way.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from linuxhw._uapi import ffi, lib
from linuxhw.mock._file import MockFile

if TYPE_CHECKING:
    from linuxhw.mock.board import Board
    from linuxhw.mock.peripherals import GpioPeripheral

__all__ = ["MockGpioChip"]

Part = TypeVar("Part", bound="GpioPeripheral")
EDGE_FLAGS = lib.GPIO_V2_LINE_FLAG_EDGE_RISING | lib.GPIO_V2_LINE_FLAG_EDGE_FALLING
DIRECTION_FLAGS = lib.GPIO_V2_LINE_FLAG_INPUT | lib.GPIO_V2_LINE_FLAG_OUTPUT
DRIVE_FLAGS = lib.GPIO_V2_LINE_FLAG_OPEN_DRAIN | lib.GPIO_V2_LINE_FLAG_OPEN_SOURCE
BIAS_FLAGS = (
    lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP | lib.GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN | lib.GPIO_V2_LINE_FLAG_BIAS_DISABLED
)
CLOCK_FLAGS = lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME | lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE
VALID_FLAGS = lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW | EDGE_FLAGS | DIRECTION_FLAGS | DRIVE_FLAGS | BIAS_FLAGS | CLOCK_FLAGS
HOG_DIRECTIONS = ("input", "output-high", "output-low")
INFO_FIFO_SIZE = 32
V2_CHIP_IOCTLS = (lib.GPIO_V2_GET_LINEINFO_IOCTL, lib.GPIO_V2_GET_LINEINFO_WATCH_IOCTL, lib.GPIO_V2_GET_LINE_IOCTL)
EVENT_BUFFER_MAX = lib.GPIO_V2_LINES_MAX * 16
REALTIME_OFFSET_NS = time.time_ns() - time.monotonic_ns()  # CLOCK_REALTIME - CLOCK_MONOTONIC at import


def _flags_error(flags: int) -> int:
    """gpio_v2_line_flags_validate() of a kernel built without CONFIG_HTE: 0 or -errno."""
    if flags & ~VALID_FLAGS:
        return -errno.EINVAL
    if flags & lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE:
        return -errno.EOPNOTSUPP
    if flags & lib.GPIO_V2_LINE_FLAG_INPUT and flags & lib.GPIO_V2_LINE_FLAG_OUTPUT:
        return -errno.EINVAL
    if flags & EDGE_FLAGS and not flags & lib.GPIO_V2_LINE_FLAG_INPUT:
        return -errno.EINVAL
    if flags & lib.GPIO_V2_LINE_FLAG_OPEN_DRAIN and flags & lib.GPIO_V2_LINE_FLAG_OPEN_SOURCE:
        return -errno.EINVAL
    if flags & DRIVE_FLAGS and not flags & lib.GPIO_V2_LINE_FLAG_OUTPUT:
        return -errno.EINVAL
    if flags & BIAS_FLAGS and not flags & DIRECTION_FLAGS:
        return -errno.EINVAL
    if bin(flags & BIAS_FLAGS).count("1") > 1:
        return -errno.EINVAL
    return 0


class _LineConfig:
    """Per-line view of a ``struct gpio_v2_line_config``, as gpiolib-cdev reads it."""

    def __init__(self, config: Any, num_lines: int) -> None:
        self.config = config
        self.num_lines = num_lines

    def _attr(self, idx: int, attr_id: int) -> Any:
        for i in range(self.config.num_attrs):
            slot = self.config.attrs[i]
            if slot.attr.id == attr_id and slot.mask >> idx & 1:
                return slot.attr
        return None

    def flags(self, idx: int) -> int:
        attr = self._attr(idx, lib.GPIO_V2_LINE_ATTR_ID_FLAGS)
        return int(attr.flags) if attr is not None else int(self.config.flags)

    def output_value(self, idx: int) -> int:
        attr = self._attr(idx, lib.GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES)
        return int(attr.values >> idx & 1) if attr is not None else 0

    def debounce_us(self, idx: int) -> int:
        attr = self._attr(idx, lib.GPIO_V2_LINE_ATTR_ID_DEBOUNCE)
        return int(attr.debounce_period_us) if attr is not None else 0

    def validate(self) -> int:
        """gpio_v2_line_config_validate(): 0 or -errno."""
        if self.config.num_attrs > lib.GPIO_V2_LINE_NUM_ATTRS_MAX or any(self.config.padding):
            return -errno.EINVAL
        for idx in range(self.num_lines):
            flags = self.flags(idx)
            err = _flags_error(flags)
            if err:
                return err
            if self.debounce_us(idx) and not flags & lib.GPIO_V2_LINE_FLAG_INPUT:
                return -errno.EINVAL
        return 0


def _requested_pull(flags: int) -> int | None:
    """The level a requested bias pulls a line to, or None when it floats."""
    if flags & lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP:
        return 1
    if flags & lib.GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN:
        return 0
    return None


class _Line:
    """State of one simulated line (what gpio-sim and gpiolib keep per descriptor)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pull = 0
        self.driven = 0  # physical level an output drives
        self.is_out = False
        self.flags = 0  # GPIO_V2_LINE_FLAG_* of the current request
        self.owner: _RequestFile | None = None
        self.hog: str | None = None
        self.debounce_us = 0
        self.debounced_level = 0
        self.timer: threading.Timer | None = None
        self.line_seqno = 0

    @property
    def held(self) -> bool:
        return self.owner is not None or self.hog is not None

    @property
    def level(self) -> int:
        """Physical level on the pin: driven by a held output, else the pull."""
        if not (self.held and self.is_out):
            return self.pull
        if self.flags & lib.GPIO_V2_LINE_FLAG_OPEN_DRAIN and self.driven:
            return self.pull
        if self.flags & lib.GPIO_V2_LINE_FLAG_OPEN_SOURCE and not self.driven:
            return self.pull
        return self.driven

    def cancel_debounce(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class MockGpioChip:
    """A simulated GPIO chip (one gpio-sim bank) and its control API."""

    subsystem = "gpio"

    def __init__(
        self,
        board: Board,
        chip_name: str,
        label: str | None,
        num_lines: int,
        names: Sequence[str] | Mapping[int, str] | None,
        hogs: Mapping[int, tuple[str, str]] | None,
    ) -> None:
        if isinstance(num_lines, bool) or not isinstance(num_lines, int) or not 1 <= num_lines <= 1024:
            raise ValueError(f"num_lines must be 1..1024 (gpio-sim's limit), not {num_lines!r}")
        name_map = dict(enumerate(names)) if isinstance(names, Sequence) else dict(names or {})
        for offset in name_map:
            if not 0 <= offset < num_lines:
                raise ValueError(f"names: offset {offset} is out of range 0..{num_lines - 1}")
        self.board = board
        self.chip_name = chip_name
        self.dev_path = f"/dev/{chip_name}"
        self.attributes: dict[str, str] = {}
        self.permission_denied = False  # act out a node the user may not open (EACCES)
        self.pre_v2_kernel = False  # act out a kernel older than 5.10: the v2 ioctls are unknown (ENOTTY)
        self.label = label if label is not None else f"mock-{chip_name}"
        self.num_lines = num_lines
        self.lines = [_Line(name_map.get(i, "")) for i in range(num_lines)]
        self.watchers: list[_ChipFile] = []
        self._listeners: dict[int, list[tuple[GpioPeripheral, str]]] = {}  # offset -> parts hearing it
        self._heard: dict[int, int] = {}  # the level each heard line had when its parts were last told
        self._driven: set[int] = set()  # lines a wired part drives now: a requested bias does not move them
        for offset, (consumer, direction) in (hogs or {}).items():
            if not 0 <= offset < num_lines:
                raise ValueError(f"hogs: offset {offset} is out of range 0..{num_lines - 1}")
            if direction not in HOG_DIRECTIONS:
                raise ValueError(f"hog direction must be one of {HOG_DIRECTIONS}, not {direction!r}")
            line = self.lines[offset]
            line.hog = consumer
            line.is_out = direction != "input"
            line.driven = int(direction == "output-high")

    def __repr__(self) -> str:
        return f"<MockGpioChip {self.dev_path} label={self.label!r} lines={self.num_lines}>"

    def remove(self) -> None:
        """Take the chip away as gpio-sim's ``live`` = 0 does: its node goes, open requests and watches
        fail with ENODEV and wake their waiters (Board.remove_device)."""
        self.board.remove_device(self.dev_path)

    @property
    def line_names(self) -> list[str]:
        """Names of all lines ('' where unnamed)."""
        return [line.name for line in self.lines]

    def _line(self, offset: int) -> _Line:
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < self.num_lines:
            raise ValueError(f"offset must be 0..{self.num_lines - 1}, not {offset!r}")
        return self.lines[offset]

    # -- control API (mirrors gpio-sim's sim_gpioN/pull and value) ----------------------------------

    def set_pull(self, offset: int, value: int) -> None:
        """Pull the line up (1) or down (0) from outside; inputs follow and may see an edge."""
        if value not in (0, 1):
            raise ValueError(f"pull value must be 0 or 1, not {value!r}")
        with self.board.lock:
            self._apply_pull(offset, value)

    def get_pull(self, offset: int) -> int:
        """The current external pull of a line."""
        with self.board.lock:
            return self._line(offset).pull

    def get_value(self, offset: int) -> int:
        """The physical level on the line (what an output drives, else the pull)."""
        with self.board.lock:
            return self._line(offset).level

    def is_requested(self, offset: int) -> bool:
        """Whether a line request holds the line (a hog does not count)."""
        with self.board.lock:
            return self._line(offset).owner is not None

    def is_watched(self, offset: int) -> bool:
        """Whether an open chip file watches the line's info (tests wait on it with ``board.wait_for``)."""
        with self.board.lock:
            self._line(offset)
            return any(offset in watcher.watched for watcher in self.watchers)

    def connect(self, a: int, b: int, other: MockGpioChip | None = None) -> None:
        """Wire line ``a`` to line ``b`` (of ``other``, another chip of this board, when given), like a
        jumper between two header pins: an output drives both; with both inputs, a requested pull-up or
        pull-down (``a``'s first) pulls both; with neither, both keep their level. The wire follows every
        change on the board until it goes."""
        far = self if other is None else other
        self._line(a), far._line(b)
        if far is self and a == b:
            raise ValueError(f"a wire joins two different lines, not line {a} to itself")
        if far.board is not self.board:
            raise ValueError(f"a wire joins lines of one board: {far!r} is on another")
        with self.board.lock:
            self.board._observers.append(lambda: _follow_wire((self, a), (far, b)))
            _follow_wire((self, a), (far, b))

    def attach(self, part: Part, **pins: int | str) -> Part:
        """Wire a part's pins (``trigger=23``, ``echo="GPIO24"``: offsets or line names) to this chip's
        lines; the part then hears the lines in its ``watches`` and drives those in its ``drives``."""
        from linuxhw.mock.peripherals import PeripheralPins

        known = set(part.watches) | set(part.drives)
        offsets: dict[str, int] = {}
        for pin, line in pins.items():
            if pin not in known:
                raise ValueError(f"{type(part).__name__} has no pin {pin!r}: its pins are {sorted(known)}")
            offsets[pin] = self._offset_of(line)
        if part.pins is not None:
            raise ValueError(f"this {type(part).__name__} is already wired")
        with self.board.lock:
            part.pins = PeripheralPins(self, offsets)
            for pin, offset in offsets.items():
                if pin in part.watches:
                    self._listeners.setdefault(offset, []).append((part, pin))
                    self._heard[offset] = self.lines[offset].level
            part.wired()
        return part

    def _offset_of(self, line: int | str) -> int:
        if isinstance(line, str):
            if line not in self.line_names:
                raise ValueError(f"{self.label} has no line named {line!r}")
            return self.line_names.index(line)
        self._line(line)
        return line

    def drive_from_outside(self, offset: int, level: int | None, time_ns: int) -> None:
        """A wired part drives a line (None: lets go; a requested pull-up or pull-down then wins, else
        the line keeps its level), as of ``time_ns``: inputs see the edge with that timestamp."""
        line = self._line(offset)
        if level is None:
            self._driven.discard(offset)
            level = _requested_pull(line.flags) if line.held and not line.is_out else None
            if level is None:
                return
        else:
            self._driven.add(offset)
        self._apply_pull(offset, level, time_ns)

    def _tell_parts(self, time_ns: int | None = None) -> None:
        """Tell wired parts about every line they hear that changed level since they were last told."""
        for offset, parts in self._listeners.items():
            level = self.lines[offset].level
            if self._heard[offset] == level:
                continue
            self._heard[offset] = level
            when = time.monotonic_ns() if time_ns is None else time_ns
            for part, pin in parts:
                part.pin_changed(pin, level, when)

    # -- simulation ---------------------------------------------------------------------------------

    def open(self, board: Board, flags: int) -> MockFile:
        if self.permission_denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), self.dev_path)
        return _ChipFile(self)

    def _apply_pull(self, offset: int, value: int, time_ns: int | None = None) -> None:
        line = self._line(offset)
        before = line.level
        line.pull = value
        after = line.level
        if before != after and line.owner is not None and not line.is_out:
            line.owner.line_changed(offset, after, time_ns)
        if self._listeners:
            self._tell_parts(time_ns)

    def line_info(self, offset: int, info: Any) -> None:
        """Fill a ``struct gpio_v2_line_info`` the way gpio_desc_to_lineinfo() does."""
        line = self.lines[offset]
        ffi.memmove(info, bytes(ffi.sizeof(info[0])), ffi.sizeof(info[0]))
        info.offset = offset
        info.name = line.name.encode()
        flags = lib.GPIO_V2_LINE_FLAG_OUTPUT if line.is_out else lib.GPIO_V2_LINE_FLAG_INPUT
        if line.held:
            flags |= lib.GPIO_V2_LINE_FLAG_USED
            consumer = line.hog if line.hog is not None else line.owner.consumer if line.owner else ""
            info.consumer = consumer.encode()[:31]
        flags |= line.flags & ~DIRECTION_FLAGS
        info.flags = flags
        if line.debounce_us:
            info.num_attrs = 1
            info.attrs[0].id = lib.GPIO_V2_LINE_ATTR_ID_DEBOUNCE
            info.attrs[0].debounce_period_us = line.debounce_us

    def notify(self, offset: int, change: int) -> None:
        """Queue an info-changed event for every open chip file watching the line."""
        for watcher in self.watchers:
            watcher.info_changed(offset, change)


class _ChipFile(MockFile):
    """An open /dev/gpiochipN: chip and line info, watches, and the request ioctl."""

    def __init__(self, chip: MockGpioChip) -> None:
        super().__init__()
        self.chip = chip
        self.watched: set[int] = set()
        self.events: deque[bytes] = deque()
        chip.watchers.append(self)

    def ioctl(self, request: int, arg: Any) -> int:
        chip = self.chip
        if chip.pre_v2_kernel and request in V2_CHIP_IOCTLS:
            return -errno.ENOTTY
        if request == lib.GPIO_GET_CHIPINFO_IOCTL:
            arg.name = chip.chip_name.encode()
            arg.label = chip.label.encode()[:31]
            arg.lines = chip.num_lines
            return 0
        if request in (lib.GPIO_V2_GET_LINEINFO_IOCTL, lib.GPIO_V2_GET_LINEINFO_WATCH_IOCTL):
            offset = arg.offset
            if offset >= chip.num_lines or any(arg.padding):
                return -errno.EINVAL
            if request == lib.GPIO_V2_GET_LINEINFO_WATCH_IOCTL:
                if offset in self.watched:
                    return -errno.EBUSY
                self.watched.add(offset)
            chip.line_info(offset, arg)
            return 0
        if request == lib.GPIO_GET_LINEINFO_UNWATCH_IOCTL:
            offset = arg[0]
            if offset >= chip.num_lines:
                return -errno.EINVAL
            if offset not in self.watched:
                return -errno.EBUSY
            self.watched.discard(offset)
            return 0
        if request == lib.GPIO_V2_GET_LINE_IOCTL:
            return _request_lines(chip, arg)
        return -errno.EINVAL

    def info_changed(self, offset: int, change: int) -> None:
        if offset not in self.watched or len(self.events) >= INFO_FIFO_SIZE:
            return  # the kernel drops the newest event when its 32-entry FIFO is full
        event = ffi.new("struct gpio_v2_line_info_changed *")
        self.chip.line_info(offset, ffi.addressof(event, "info"))
        event.timestamp_ns = time.monotonic_ns()
        event.event_type = change
        self.events.append(bytes(ffi.buffer(event)))
        self.set_readable(True)

    def read(self, buf: Any, count: int) -> int:
        return _read_records(self, self.events, ffi.sizeof("struct gpio_v2_line_info_changed"), buf, count)

    def release(self) -> None:
        self.chip.watchers.remove(self)
        super().release()


def _read_records(file: MockFile, queue: deque[bytes], size: int, buf: Any, count: int) -> int:
    """read(2) of fixed-size records: EINVAL below one record, EAGAIN when empty, else as many as fit."""
    if count < size:
        return -errno.EINVAL
    if not queue:
        return -errno.EAGAIN
    n = min(count // size, len(queue))
    data = b"".join(queue.popleft() for _ in range(n))
    ffi.memmove(buf, data, len(data))
    file.set_readable(bool(queue))
    return len(data)


def _request_lines(chip: MockGpioChip, request: Any) -> int:
    """linereq_create(): validate, take every line or none, configure, hand out a new fd."""
    num_lines = request.num_lines
    if not 1 <= num_lines <= lib.GPIO_V2_LINES_MAX or any(request.padding):
        return -errno.EINVAL
    config = _LineConfig(request.config, num_lines)
    err = config.validate()
    if err:
        return err
    offsets = [request.offsets[i] for i in range(num_lines)]
    if any(offset >= chip.num_lines for offset in offsets):
        return -errno.EINVAL
    file = _RequestFile(
        chip, offsets, ffi.string(request.consumer).decode("utf-8", "replace"), request.event_buffer_size
    )
    taken: list[int] = []
    for offset in offsets:
        line = chip.lines[offset]
        if line.held:
            for done in taken:
                file.release_line(done)
            file.release()
            return -errno.EBUSY
        line.owner = file
        taken.append(offset)
    for idx, offset in enumerate(offsets):
        file.configure_line(idx, config)
        chip.notify(offset, lib.GPIO_V2_LINE_CHANGED_REQUESTED)
    chip._tell_parts()
    request.fd = chip.board.install(file)
    return 0


class _RequestFile(MockFile):
    """An open line request: values, reconfiguration and the edge-event FIFO."""

    def __init__(self, chip: MockGpioChip, offsets: list[int], consumer: str, event_buffer_size: int) -> None:
        super().__init__()
        self.chip = chip
        self.owner = chip  # the chip's removal ends the request too
        self.offsets = offsets
        self.consumer = consumer
        size = event_buffer_size or 16 * len(offsets)
        size = min(size, EVENT_BUFFER_MAX)
        self.capacity = 1 << (size - 1).bit_length()  # kfifo_alloc() rounds up to a power of two
        self.events: deque[bytes] = deque()
        self.seqno = 0
        self.released = False

    # -- configuration ------------------------------------------------------------------------------

    def configure_line(self, idx: int, config: _LineConfig) -> None:
        """Apply the config to one line, as linereq_create()/linereq_set_config() do."""
        chip = self.chip
        offset = self.offsets[idx]
        line = chip.lines[offset]
        flags = config.flags(idx)
        if offset in chip._driven:
            pass  # a wired part drives it: a weak pull does not move it
        elif flags & lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP:
            chip._apply_pull(offset, 1)  # gpio-sim turns a requested pull into the simulated pull
        elif flags & lib.GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN:
            chip._apply_pull(offset, 0)
        line.flags = flags
        active_low = bool(flags & lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW)
        if flags & lib.GPIO_V2_LINE_FLAG_OUTPUT:
            line.cancel_debounce()
            line.debounce_us = 0
            line.is_out = True
            line.driven = config.output_value(idx) ^ active_low
        elif flags & lib.GPIO_V2_LINE_FLAG_INPUT:
            line.is_out = False
            debounce = config.debounce_us(idx)
            if debounce and not line.debounce_us:
                line.debounced_level = line.level
            if not debounce:
                line.cancel_debounce()
            line.debounce_us = debounce

    def release_line(self, offset: int) -> None:
        line = self.chip.lines[offset]
        line.cancel_debounce()
        line.owner = None
        line.flags = 0
        line.debounce_us = 0
        line.line_seqno = 0

    # -- edges --------------------------------------------------------------------------------------

    def line_changed(self, offset: int, level: int, time_ns: int | None = None) -> None:
        """The physical level of an owned input changed (called under the board lock), at ``time_ns``
        on CLOCK_MONOTONIC when a modelled part says when (None: now)."""
        line = self.chip.lines[offset]
        if line.debounce_us:
            line.cancel_debounce()
            line.timer = threading.Timer(line.debounce_us / 1e6, self._debounce_expired, (offset,))
            line.timer.daemon = True
            line.timer.start()
        else:
            self._edge(offset, level, time_ns)

    def _debounce_expired(self, offset: int) -> None:
        with self.chip.board.lock:
            line = self.chip.lines[offset]
            if self.released or line.owner is not self or not line.debounce_us:
                return
            line.timer = None
            level = line.level
            if level == line.debounced_level:
                return  # a glitch shorter than the period: suppressed
            line.debounced_level = level
            self._edge(offset, level)

    def _edge(self, offset: int, level: int, time_ns: int | None = None) -> None:
        line = self.chip.lines[offset]
        edges = line.flags & EDGE_FLAGS
        if not edges:
            return
        logical = level ^ bool(line.flags & lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW)
        wanted = lib.GPIO_V2_LINE_FLAG_EDGE_RISING if logical else lib.GPIO_V2_LINE_FLAG_EDGE_FALLING
        if not edges & wanted:
            return
        realtime = line.flags & lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME
        if time_ns is None:
            timestamp = time.time_ns() if realtime else time.monotonic_ns()
        else:  # a modelled time: on CLOCK_REALTIME, one offset keeps the modelled durations exact
            timestamp = time_ns + REALTIME_OFFSET_NS if realtime else time_ns
        self.seqno += 1
        line.line_seqno += 1
        event = ffi.new("struct gpio_v2_line_event *")
        event.timestamp_ns = timestamp
        event.id = lib.GPIO_V2_LINE_EVENT_RISING_EDGE if logical else lib.GPIO_V2_LINE_EVENT_FALLING_EDGE
        event.offset = offset
        event.line_seqno = line.line_seqno
        event.seqno = line.line_seqno if len(self.offsets) == 1 else self.seqno
        if len(self.events) >= self.capacity:
            self.events.popleft()  # overflow drops the oldest event
        self.events.append(bytes(ffi.buffer(event)))
        self.set_readable(True)

    # -- file operations ----------------------------------------------------------------------------

    def ioctl(self, request: int, arg: Any) -> int:
        if request == lib.GPIO_V2_LINE_GET_VALUES_IOCTL:
            return self._get_values(arg)
        if request == lib.GPIO_V2_LINE_SET_VALUES_IOCTL:
            return self._set_values(arg)
        if request == lib.GPIO_V2_LINE_SET_CONFIG_IOCTL:
            config = _LineConfig(arg, len(self.offsets))
            err = config.validate()
            if err:
                return err
            for idx, offset in enumerate(self.offsets):
                self.configure_line(idx, config)
                self.chip.notify(offset, lib.GPIO_V2_LINE_CHANGED_CONFIG)
            self.chip._tell_parts()
            return 0
        return -errno.EINVAL

    def _get_values(self, values: Any) -> int:
        mask = values.mask & ((1 << len(self.offsets)) - 1)
        if not mask:
            return -errno.EINVAL
        bits = 0
        for idx, offset in enumerate(self.offsets):
            if mask >> idx & 1:
                line = self.chip.lines[offset]
                level = line.debounced_level if line.debounce_us else line.level
                if level ^ bool(line.flags & lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW):
                    bits |= 1 << idx
        values.bits = bits
        return 0

    def _set_values(self, values: Any) -> int:
        mask = values.mask & ((1 << len(self.offsets)) - 1)
        selected = [idx for idx in range(len(self.offsets)) if mask >> idx & 1]
        if any(not self.chip.lines[self.offsets[idx]].is_out for idx in selected):
            return -errno.EPERM
        if not selected:
            return -errno.EINVAL
        for idx in selected:
            line = self.chip.lines[self.offsets[idx]]
            line.driven = (values.bits >> idx & 1) ^ bool(line.flags & lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW)
        if self.chip._listeners:
            self.chip._tell_parts()
        return 0

    def read(self, buf: Any, count: int) -> int:
        return _read_records(self, self.events, ffi.sizeof("struct gpio_v2_line_event"), buf, count)

    def release(self) -> None:
        if not self.released:
            self.released = True
            for offset in self.offsets:
                if self.chip.lines[offset].owner is self:
                    self.release_line(offset)
                    self.chip.notify(offset, lib.GPIO_V2_LINE_CHANGED_RELEASED)
            self.chip._tell_parts()
        super().release()


def _follow_wire(*ends: tuple[MockGpioChip, int]) -> None:
    """Bring both ends of a wire to one level: a held output's, else a requested pull's (the first end's
    first); with neither, both keep what they had (floating)."""
    lines = [chip.lines[offset] for chip, offset in ends]
    drivers = [line.level for line in lines if line.held and line.is_out]
    pulls = [_requested_pull(line.flags) for line in lines if line.held and not line.is_out]
    levels = drivers or [pull for pull in pulls if pull is not None]
    if not levels:
        return
    for (chip, offset), line in zip(ends, lines):
        if line.pull != levels[0]:
            chip._apply_pull(offset, levels[0])
