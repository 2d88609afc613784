"""Chip: one /dev/gpiochipN — info, line info, line-info watches and line requests."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Optional

from linuxhw._args import check_bit, check_mapping
from linuxhw._events import EventReader, EventStream, each_record
from linuxhw._handle import Handle, open_device
from linuxhw._kernel import Backend, get_backend
from linuxhw._nodes import node_path, unique_by_name
from linuxhw._uapi import ffi, lib
from linuxhw.errors import DeviceError, device_error
from linuxhw.gpio._config import fill_line_config
from linuxhw.gpio.enums import Direction
from linuxhw.gpio.info import ChipInfo, InfoEvent, LineInfo, decode_info_event, decode_line_info, text
from linuxhw.gpio.request import ON_LOST_CHOICES, Line, LineRequest
from linuxhw.gpio.settings import LineSettings

__all__ = ["Chip", "LineConfig"]

# Keys: an offset, a name, or a tuple of them (Any: Mapping keys are invariant, so dict[int, ...] must fit).
LineConfig = Mapping[Any, Optional[LineSettings]]
MAX_CONSUMER_BYTES = 31
V2_HINT = "the GPIO character device uAPI v2 needs Linux 5.10 or newer"


class Chip(Handle):
    """An open GPIO chip.

    ``chip`` may be a path (``"/dev/gpiochip0"``), a number (``0``), a kernel name
    (``"gpiochip0"``) or the chip's label (``"pinctrl-bcm2711"``).
    """

    def __init__(self, chip: int | str | os.PathLike[str], *, backend: Backend | None = None) -> None:
        backend = backend or get_backend()
        path = resolve_chip_path(backend, chip)
        fd = open_device(backend, path, os.O_RDWR | os.O_NONBLOCK, "gpio")
        super().__init__(backend, fd, path, f"GPIO chip {path}")
        struct = ffi.new("struct gpiochip_info *")
        ret = backend.ioctl(fd, lib.GPIO_GET_CHIPINFO_IOCTL, struct)
        if ret < 0:
            self.close()
            hint = "not a GPIO chip" if -ret in (errno.ENOTTY, errno.EINVAL) else ""
            raise device_error(-ret, path, "get chip info", hint)
        self.info = ChipInfo(text(struct.name), text(struct.label), struct.lines)
        self._names: dict[str, list[int]] | None = None
        self._info_events: EventReader[InfoEvent] = EventReader(
            self, "struct gpio_v2_line_info_changed", 32, each_record(decode_info_event)
        )

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"label={self.info.label!r} lines={self.info.num_lines}"
        return f"<Chip {self.path} {state}>"

    def __enter__(self) -> Chip:
        return self

    @property
    def name(self) -> str:
        """Kernel name, e.g. ``gpiochip0``."""
        return self.info.name

    @property
    def label(self) -> str:
        """The driver's label, e.g. ``pinctrl-bcm2711``."""
        return self.info.label

    @property
    def num_lines(self) -> int:
        """How many lines the chip has."""
        return self.info.num_lines

    # -- lines --------------------------------------------------------------------------------------

    def _line_info_ioctl(self, offset: int, request: int, operation: str) -> LineInfo:
        info = ffi.new("struct gpio_v2_line_info *", {"offset": offset})  # per call: threads may share the chip
        with self._gate as fd:  # closed: fd -1, EBADF, then ClosedError
            ret = self._backend.ioctl(fd, request, info)
        if ret < 0:
            self._raise_kernel_error(-ret, operation, V2_HINT if -ret == errno.ENOTTY else "")
        return decode_line_info(info)

    def line_offset(self, line: Line) -> int:
        """The offset of a line given by offset or name (names must be unique on the chip)."""
        if isinstance(line, bool) or not isinstance(line, (int, str)):
            raise TypeError(f"a line is an offset (int) or a name (str), not {line!r}")
        if isinstance(line, int):
            if not 0 <= line < self.num_lines:
                raise ValueError(f"line offset {line} is out of range for {self.path} (0..{self.num_lines - 1})")
            return line
        offsets = self._name_map().get(line)
        if not offsets:
            raise ValueError(f"no line named {line!r} on {self.path} ({self.label})")
        if len(offsets) > 1:
            raise ValueError(f"line name {line!r} is not unique on {self.path}: offsets {offsets}; use an offset")
        return offsets[0]

    def _name_map(self) -> dict[str, list[int]]:
        """Line name -> offsets, read once per handle (names are fixed while a chip exists)."""
        if self._names is None:
            names: dict[str, list[int]] = {}
            for offset in range(self.num_lines):
                name = self._line_info_ioctl(offset, lib.GPIO_V2_GET_LINEINFO_IOCTL, "get line info").name
                if name:
                    names.setdefault(name, []).append(offset)
            self._names = names
        return self._names

    def line_info(self, line: Line) -> LineInfo:
        """Current info of one line."""
        return self._line_info_ioctl(self.line_offset(line), lib.GPIO_V2_GET_LINEINFO_IOCTL, "get line info")

    def line_infos(self) -> list[LineInfo]:
        """Info of every line, in offset order."""
        return [self.line_info(offset) for offset in range(self.num_lines)]

    # -- line info watches --------------------------------------------------------------------------

    def watch_line_info(self, line: Line) -> LineInfo:
        """Start reporting changes of a line's info as InfoEvents; returns its current info."""
        return self._line_info_ioctl(self.line_offset(line), lib.GPIO_V2_GET_LINEINFO_WATCH_IOCTL, "watch line info")

    def unwatch_line_info(self, line: Line) -> None:
        """Stop reporting changes of a line's info."""
        offset = ffi.new("__u32 *", self.line_offset(line))
        with self._gate as fd:
            ret = self._backend.ioctl(fd, lib.GPIO_GET_LINEINFO_UNWATCH_IOCTL, offset)
        if ret < 0:
            self._raise_kernel_error(
                -ret, "unwatch line info", "the line is not watched" if -ret == errno.EBUSY else ""
            )

    def wait_info_event(self, timeout: float | None = None) -> bool:
        """True when an info event can be read without blocking; False after ``timeout`` seconds."""
        return self._info_events.wait(timeout)

    def read_info_event(self, timeout: float | None = None) -> InfoEvent | None:
        """The next info event (blocking); None if ``timeout`` passes first."""
        return self._info_events.next(timeout)

    def info_events(self, timeout: float | None = None) -> EventStream[InfoEvent]:
        """Iterate info events (``for`` or ``async for``); ends after ``timeout`` seconds without one."""
        return self._info_events.stream(timeout)

    async def wait_info_event_async(self, timeout: float | None = None) -> InfoEvent | None:
        """Await the next info event; None after ``timeout`` seconds without one."""
        return await self._info_events.next_async(timeout)

    # -- requests -----------------------------------------------------------------------------------

    def request_lines(
        self,
        config: LineConfig,
        *,
        consumer: str = "",
        event_buffer_size: int = 0,
        output_values: Mapping[Any, int] | None = None,
        on_lost: str = "count",
    ) -> LineRequest:
        """Request lines with per-line settings: ``{17: LineSettings(...), ("LED", 5): LineSettings(...)}``.

        ``None`` as settings means the defaults (as-is). ``output_values`` overrides each
        output's ``output_value``. ``event_buffer_size`` is in events (0: 16 per line;
        the kernel caps it at 1024). ``on_lost`` says what a detected buffer overflow
        does besides counting: ``"count"``, ``"warn"`` (EventsLostWarning) or ``"raise"``.
        """
        offsets: list[int] = []
        settings: list[LineSettings] = []
        for key, line_settings in check_mapping(config, "config").items():
            keys: Iterable[Line] = key if isinstance(key, tuple) else (key,)
            if line_settings is not None and not isinstance(line_settings, LineSettings):
                raise TypeError(f"settings for {key!r} must be LineSettings or None, not {line_settings!r}")
            for line in keys:
                offset = self.line_offset(line)
                if offset in offsets:
                    raise ValueError(f"line {line!r} (offset {offset}) appears twice in config")
                offsets.append(offset)
                settings.append(line_settings or LineSettings())
        if not 1 <= len(offsets) <= lib.GPIO_V2_LINES_MAX:
            raise ValueError(f"config must name 1 to {lib.GPIO_V2_LINES_MAX} lines, not {len(offsets)}")
        if not isinstance(consumer, str):
            raise TypeError(f"consumer must be a str, not {consumer!r}")
        consumer_bytes = consumer.encode()
        if len(consumer_bytes) > MAX_CONSUMER_BYTES:
            raise ValueError(f"consumer must be at most {MAX_CONSUMER_BYTES} bytes, not {len(consumer_bytes)}")
        if (
            isinstance(event_buffer_size, bool)
            or not isinstance(event_buffer_size, int)
            or not 0 <= event_buffer_size <= 0xFFFFFFFF
        ):
            raise ValueError(f"event_buffer_size must be an int from 0 to 2**32-1, not {event_buffer_size!r}")
        if on_lost not in ON_LOST_CHOICES:
            raise ValueError(f"on_lost must be one of {ON_LOST_CHOICES}, not {on_lost!r}")
        values = [s.output_value or 0 for s in settings]
        for line, value in check_mapping(output_values or {}, "output_values").items():
            offset = self.line_offset(line)
            if offset not in offsets or settings[offsets.index(offset)].direction is not Direction.OUTPUT:
                raise ValueError(f"output_values names line {line!r}, which is not an output line of this request")
            values[offsets.index(offset)] = check_bit(value, "output value for line {}", line)

        request = ffi.new("struct gpio_v2_line_request *")
        request.offsets[0 : len(offsets)] = offsets
        request.consumer = consumer_bytes
        fill_line_config(ffi.addressof(request, "config"), settings, values)
        request.num_lines = len(offsets)
        request.event_buffer_size = event_buffer_size
        with self._gate as fd:
            ret = self._backend.ioctl(fd, lib.GPIO_V2_GET_LINE_IOCTL, request)
        if ret < 0:
            self._raise_request_error(-ret, offsets)
        fd = request.fd
        try:
            self._backend.set_blocking(fd, False)
            names = {name: offs[0] for name, offs in self._name_map().items() if len(offs) == 1 and offs[0] in offsets}
            return LineRequest(
                self._backend, fd, self.path, offsets, names, settings, consumer, event_buffer_size, on_lost
            )
        except BaseException:
            self._backend.close(fd)
            raise

    def _raise_request_error(self, err: int, offsets: list[int]) -> None:
        if err == errno.EBUSY:
            holders = []
            for offset in offsets:
                info = self.line_info(offset)
                if info.used:
                    who = f"consumer {info.consumer!r}" if info.consumer else "the kernel or an unnamed consumer"
                    label = f" ({info.name!r})" if info.name else ""
                    holders.append(f"line {offset}{label} is in use by {who}")
            hint = "; ".join(holders) or "a line is requested twice or in use"
            self._raise_kernel_error(err, "request lines", hint)
        if err == errno.ENOTTY:
            self._raise_kernel_error(err, "request lines", V2_HINT)
        if err == errno.EOPNOTSUPP:
            self._raise_kernel_error(
                err, "request lines", "the kernel lacks a requested feature (HTE timestamps need CONFIG_HTE)"
            )
        self._raise_kernel_error(err, "request lines")


def is_gpio_chip(backend: Backend, path: str) -> bool:
    """True if ``path`` is a GPIO character device (sysfs says so; a chip-info ioctl if sysfs can't)."""
    subsystem = backend.subsystem(path)
    if subsystem is not None:
        return subsystem == "gpio"
    try:
        fd = backend.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return backend.ioctl(fd, lib.GPIO_GET_CHIPINFO_IOCTL, ffi.new("struct gpiochip_info *")) == 0
    finally:
        backend.close(fd)


def chip_paths(backend: Backend | None = None) -> list[str]:
    """Paths of all GPIO chips, /dev/gpiochip0 first (other nodes named gpiochip* are skipped)."""
    backend = backend or get_backend()
    return [path for path in backend.device_nodes("gpiochip") if is_gpio_chip(backend, path)]


def resolve_chip_path(backend: Backend, chip: int | str | os.PathLike[str]) -> str:
    """Turn a chip number, path, kernel name (gpiochipN) or label into a device path."""
    path = node_path(chip, "gpiochip", "GPIO chip")
    if path is not None:
        return path
    name = str(chip)  # node_path() returned None: a plain name
    paths = chip_paths(backend)
    if any(os.path.basename(p) == name for p in paths):
        return f"/dev/{name}"
    return unique_by_name(name, _labels(backend, paths), "GPIO chip")


def _labels(backend: Backend, paths: list[str]) -> Iterator[tuple[str, str]]:
    for path in paths:
        try:
            with Chip(path, backend=backend) as candidate:
                yield path, candidate.label
        except DeviceError:
            continue
