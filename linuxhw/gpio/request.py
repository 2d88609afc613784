"""LineRequest: lines held by one kernel line request — values, reconfiguration, edge events."""

from __future__ import annotations

import errno
import warnings
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any, Union

from linuxhw import _fastpath
from linuxhw._args import check_bit, check_int, check_mapping
from linuxhw._events import EventReader, EventStream
from linuxhw._fastpath import GpioConfig
from linuxhw._handle import Handle
from linuxhw._kernel import Backend
from linuxhw._uapi import ffi, lib
from linuxhw.errors import EventsLostError, EventsLostWarning
from linuxhw.gpio._config import fill_line_config
from linuxhw.gpio._edge_events import EDGE_TYPES, RECORD, decode_edge_events
from linuxhw.gpio.enums import Direction
from linuxhw.gpio.info import EdgeEvent
from linuxhw.gpio.settings import LineSettings

__all__ = ["LineRequest"]

Line = Union[int, str]
ON_LOST_CHOICES = ("count", "warn", "raise")
MAX_KERNEL_EVENT_BUFFER = 64 * 16  # GPIO_V2_LINES_MAX * 16: the kernel clamps larger sizes to this
_SEQNO = itemgetter(EdgeEvent._fields.index("seqno"))
CONFIG_CACHE_SIZE = 8  # encoded configurations kept per request for reconfigure(), and steps kept per configuration
_OUTPUT = Direction.OUTPUT  # a module global: an enum member through its class costs an attribute lookup
_SET_CONFIG = lib.GPIO_V2_LINE_SET_CONFIG_IOCTL


class LineRequest(Handle):
    """Lines requested together from one chip. Lines are addressed by offset or by name.

    Values are logical (active-low aware) 0/1. ``lost_events`` counts edge events the
    kernel dropped because its buffer overflowed (found from gaps in ``seqno``).
    """

    # The C methods' state (see the end of this module), and the lines' configuration, which the C
    # reconfigure() reads and replaces as the Python one does.
    __slots__ = ("_c_events", "_c_values", "_config")

    def __init__(
        self,
        backend: Backend,
        fd: int,
        chip_path: str,
        offsets: Sequence[int],
        names: Mapping[str, int],
        settings: Sequence[LineSettings],
        consumer: str,
        event_buffer_size: int,
        on_lost: str,
    ) -> None:
        super().__init__(backend, fd, chip_path, f"GPIO line request {list(offsets)} on {chip_path}")
        self.chip_path = chip_path
        self.offsets: tuple[int, ...] = tuple(offsets)
        self.consumer = consumer
        self.on_lost = on_lost
        self._sequence = _fastpath.EdgeSequence()  # counts events and lost ones, for the Python and the C read
        self._index: dict[Line, int] = {offset: i for i, offset in enumerate(self.offsets)}
        self._index.update((name, self._index[offset]) for name, offset in names.items())
        self._names = {offset: name for name, offset in names.items()}
        self._all_mask = (1 << len(self.offsets)) - 1
        # The lines' configuration (settings, output lines, encoded struct, and the reconfigure()
        # calls seen from it: _fastpath.GpioConfig), replaced whole by reconfigure().
        outputs = sum(1 << i for i, s in enumerate(settings) if s.direction is _OUTPUT)
        self._config = GpioConfig(list(settings), outputs, None, None)
        self._get_values = backend.gpio_get_values
        self._set_values = backend.gpio_set_values
        # get_value/set_value/get_values/set_values in C (see the end of this module), or None: the
        # Python methods.
        self._c_values = backend.gpio_values(self._gate, self._index, outputs, len(self.offsets))
        # Encoded configurations by the identities of their settings and their values (each holds its
        # settings, so an id cannot be reused while it is kept).
        self._configs: dict[tuple[tuple[int, ...], tuple[int, ...]], GpioConfig] = {}
        self._ioctl = backend.ioctl
        capacity = min(event_buffer_size or 16 * len(self.offsets), MAX_KERNEL_EVENT_BUFFER)
        self._events: EventReader[EdgeEvent] = EventReader(
            self, RECORD, capacity, decode_edge_events, LineRequest._check_sequence
        )
        # read_edge_events in C (see the end of this module), or None: the Python method.
        self._c_events = backend.gpio_edge_reads(
            self._gate, capacity, self._events.pending, self._events.read_lock, EdgeEvent, EDGE_TYPES, self._sequence
        )

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"fd={self._fd}"
        return f"<LineRequest {self.chip_path} offsets={list(self.offsets)} {state}>"

    def close(self) -> None:
        for state in (self._c_values, self._c_events):
            if state is not None:
                state.close()  # before the fd goes: never a call on a number reused by another file
        super().close()

    def _idx(self, line: Line) -> int:
        try:
            return self._index[line]
        except (KeyError, TypeError):
            raise ValueError(f"line {line!r} is not in this request; requested: {self._describe_lines()}") from None

    def _describe_lines(self) -> str:
        return ", ".join(
            f"{offset} ({self._names[offset]!r})" if offset in self._names else str(offset) for offset in self.offsets
        )

    # -- values -------------------------------------------------------------------------------------

    def get_value(self, line: Line) -> int:
        """The logical value of one line (0 or 1)."""
        try:
            idx = self._index[line]
        except (KeyError, TypeError):
            idx = self._idx(line)  # raises ValueError naming the lines of this request
        gate = self._gate
        fd = gate.enter()  # the fd stays ours until leave(); -1 once closed: EBADF, then ClosedError
        try:
            return (self._get_values(fd, 1 << idx) >> idx) & 1
        except OSError as exc:
            self._raise_kernel_error(exc.errno or errno.EIO, "get line values")
        finally:
            gate.leave()

    def set_value(self, line: Line, value: int) -> None:
        """Drive one output line to a logical value (0 or 1)."""
        try:
            mask, bits = self._config.cells[line][value]
        except (KeyError, TypeError):
            mask, bits = self._set_cell(line, value)
        gate = self._gate
        fd = gate.enter()
        try:
            self._set_values(fd, mask, bits)
        except OSError as exc:
            self._raise_kernel_error(exc.errno or errno.EIO, "set line values")
        finally:
            gate.leave()

    def _set_cell(self, line: Line, value: int) -> tuple[int, int]:
        idx = self._idx(line)
        bit = 1 << idx
        if not self._config.outputs & bit:
            raise ValueError(f"line {line!r} is not an output: only outputs can be set")
        if value not in (0, 1):
            raise ValueError(f"value must be 0 or 1, not {value!r}")
        cells = {0: (bit, 0), 1: (bit, bit)}
        self._config.cells[line] = cells  # the configuration's: its outputs are the ones checked
        return cells[int(value)]

    def get_bits(self, mask: int | None = None) -> int:
        """Values of many lines in one ioctl as a bitmap: bit i is the line at ``offsets[i]``.

        ``mask`` selects lines by the same bit positions (default all).
        """
        if mask is None:
            mask = self._all_mask
        elif not 0 < check_int(mask, "mask") <= self._all_mask:
            raise ValueError(f"mask must select lines of this request (1..{self._all_mask:#x}), not {mask:#x}")
        gate = self._gate
        fd = gate.enter()
        try:
            return self._get_values(fd, mask) & mask
        except OSError as exc:
            self._raise_kernel_error(exc.errno or errno.EIO, "get line values")
        finally:
            gate.leave()

    def set_bits(self, bits: int, mask: int | None = None) -> None:
        """Set many outputs in one ioctl from a bitmap (bit i is ``offsets[i]``); ``mask`` defaults to
        every output line of the request."""
        check_int(bits, "bits")
        outputs = self._config.outputs
        if mask is None:
            mask = outputs
        if not check_int(mask, "mask") or mask & ~outputs:
            raise ValueError(f"mask must select output lines of this request (outputs: {outputs:#x}), not {mask:#x}")
        gate = self._gate
        fd = gate.enter()
        try:
            self._set_values(fd, mask, bits & mask)
        except OSError as exc:
            self._raise_kernel_error(exc.errno or errno.EIO, "set line values")
        finally:
            gate.leave()

    def get_values(self, lines: Iterable[Line] | None = None) -> list[int]:
        """Values of ``lines`` (default: all, in request order), read in one ioctl."""
        if isinstance(lines, (str, bytes)) or not isinstance(lines, (Iterable, type(None))):
            raise TypeError(f"lines must be an iterable of lines (offsets or names) or None, not {lines!r}")
        indexes = list(range(len(self.offsets))) if lines is None else [self._idx(line) for line in lines]
        if not indexes:
            raise ValueError("lines must name at least one line")
        bits = self.get_bits(sum(1 << i for i in set(indexes)))
        return [(bits >> i) & 1 for i in indexes]

    def set_values(self, values: Mapping[Any, int]) -> None:
        """Set several outputs in one ioctl: ``{line: value}``."""
        mask = bits = 0
        outputs = self._config.outputs
        for line, value in check_mapping(values, "values").items():
            idx = self._idx(line)
            if not outputs & (1 << idx):
                raise ValueError(f"line {line!r} is not an output: only outputs can be set")
            mask |= 1 << idx
            bits |= check_bit(value, "value for line {}", line) << idx
        if not mask:
            raise ValueError("values must name at least one line")
        self.set_bits(bits, mask)

    # -- configuration ------------------------------------------------------------------------------

    @property
    def settings(self) -> dict[int, LineSettings]:
        """The current settings of each line, by offset."""
        return dict(zip(self.offsets, self._config.settings))

    def reconfigure(
        self,
        config: Mapping[Any, LineSettings | None],
        output_values: Mapping[Any, int] | None = None,
    ) -> None:
        """Change the settings of the lines named in ``config`` without releasing the request.

        Lines not named keep their settings, and outputs that stay outputs keep their
        current values unless ``output_values`` says otherwise (the kernel itself
        replaces the whole configuration; this does the bookkeeping for you).
        """
        step = None
        if output_values is None and config.__class__ is dict:  # a call seen before from here: no work
            step = (tuple(config), tuple(map(id, config.values())))
            seen = self._config.steps.get(step)
            if seen is not None:
                self._set_config(seen[0])
                return
        new_settings = list(self._config.settings)
        for key, settings in check_mapping(config, "config").items():
            if settings is not None and not isinstance(settings, LineSettings):
                raise TypeError(f"settings for {key!r} must be LineSettings or None, not {settings!r}")
            chosen = LineSettings() if settings is None else settings
            for line in key if isinstance(key, tuple) else (key,):
                new_settings[self._idx(line)] = chosen
        output_values = check_mapping(output_values or {}, "output_values")
        explicit = {self._idx(line): value for line, value in output_values.items()}
        # One pass: each line's value, the new outputs, and the outputs that stay outputs with the
        # value they have now (read back below) unless output_values names them.
        values = []
        outputs = kept = 0
        was_output = self._config.outputs
        for i, line_settings in enumerate(new_settings):
            values.append(line_settings.output_value or 0)
            if line_settings.direction is _OUTPUT:
                outputs |= 1 << i
                if was_output >> i & 1 and i not in explicit:
                    kept |= 1 << i
        if kept:
            current = self.get_bits(kept)
            for i in range(len(values)):
                if kept >> i & 1:
                    values[i] = (current >> i) & 1
        for idx, value in explicit.items():
            if new_settings[idx].direction is not _OUTPUT:
                raise ValueError(f"output_values names line {self.offsets[idx]}, which is not an output")
            values[idx] = check_bit(value, "output value for line {}", self.offsets[idx])
        # Encoding a configuration costs more than its ioctl: keep the last few, keyed by the settings
        # objects' identities (the cache holds them, so an id cannot be reused meanwhile) and values.
        key = (tuple(map(id, new_settings)), tuple(values))
        reached = self._configs.get(key)
        if reached is None:
            config_struct = ffi.new("struct gpio_v2_line_config *")
            fill_line_config(config_struct, new_settings, values)
            if len(self._configs) >= CONFIG_CACHE_SIZE:
                self._configs.clear()
            reached = self._configs[key] = GpioConfig(new_settings, outputs, config_struct, ffi.buffer(config_struct))
        start = self._config
        self._set_config(reached)
        if step is not None and not kept:  # the same call from the same configuration: the same ioctl
            if len(start.steps) >= CONFIG_CACHE_SIZE:
                start.steps.clear()
            start.steps[step] = (reached, tuple(config.values()))

    def _set_config(self, config: GpioConfig) -> None:
        """Make ``config`` the lines' configuration: its one ioctl, then the request's (and its C
        state's) output lines."""
        gate = self._gate
        try:
            ret = self._ioctl(gate.enter(), _SET_CONFIG, config.encoded)
        finally:
            gate.leave()
        if ret < 0:
            self._raise_kernel_error(-ret, "reconfigure lines")
        self._config = config
        if self._c_values is not None:
            self._c_values.outputs = config.outputs

    # -- edge events --------------------------------------------------------------------------------

    @property
    def lost_events(self) -> int:
        """Edge events the kernel dropped because its buffer overflowed (found from gaps in ``seqno``)."""
        return self._sequence.lost

    @lost_events.setter
    def lost_events(self, value: int) -> None:
        self._sequence.lost = value

    def _check_sequence(self, events: list[EdgeEvent], lost: int | None = None) -> None:
        """Count a batch read, from the request-wide seqno (EdgeSequence), and warn or raise as
        ``on_lost`` says when the kernel dropped events before it. The C read counts its batches
        itself and calls this only when it lost some (``lost``)."""
        if lost is None:
            lost = self._sequence.count(len(events), max(map(_SEQNO, events)))
        if lost > 0:
            if self.on_lost == "raise":
                raise EventsLostError(lost, list(events))
            if self.on_lost == "warn":
                warnings.warn(
                    f"{lost} edge event(s) lost on {self.chip_path}: the kernel event buffer "
                    "overflowed; read events faster or raise event_buffer_size",
                    EventsLostWarning,
                    stacklevel=4,
                )

    def wait_edge_events(self, timeout: float | None = None) -> bool:
        """True when an edge event can be read without blocking; False after ``timeout`` seconds."""
        return self._events.wait(timeout)

    def read_edge_events(self, max_events: int | None = None, timeout: float | None = None) -> list[EdgeEvent]:
        """Events in kernel order, as many as one read() returns (up to ``max_events``).

        Blocks until at least one arrives; with ``timeout``, returns [] when it passes.
        """
        return self._events.read(max_events, timeout)

    def edge_events(self, timeout: float | None = None) -> EventStream[EdgeEvent]:
        """Iterate edge events (``for`` or ``async for``); ends after ``timeout`` seconds without one."""
        return self._events.stream(timeout)

    async def wait_edge_event(self, timeout: float | None = None) -> EdgeEvent | None:
        """Await the next edge event; None after ``timeout`` seconds without one."""
        return await self._events.next_async(timeout)

    def __enter__(self) -> LineRequest:
        return self

    def release(self) -> None:
        """Release the lines (same as close())."""
        self.close()


# The common value calls and edge reads in C, as plain methods of the class: one syscall with no
# Python frame on the kernel backend; every other call (and every call on the mock) runs the Python
# methods above, the reference the kernel tier checks the C against.
(
    LineRequest.get_value,  # type: ignore[method-assign]
    LineRequest.set_value,  # type: ignore[method-assign]
    LineRequest.get_values,  # type: ignore[method-assign]
    LineRequest.set_values,  # type: ignore[method-assign]
    LineRequest.reconfigure,  # type: ignore[method-assign]
) = _fastpath.c_methods(
    LineRequest,
    "gpio",
    LineRequest.get_value,
    LineRequest.set_value,
    LineRequest.get_values,
    LineRequest.set_values,
    LineRequest.reconfigure,
)
(LineRequest.read_edge_events,) = _fastpath.c_methods(  # type: ignore[method-assign]
    LineRequest, "edge", LineRequest.read_edge_events
)
