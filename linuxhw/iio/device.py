"""IIO devices as /sys/bus/iio/devices lists them, found by name or label (never by number), and their
channels as their attribute names declare them."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linuxhw._kernel import Backend, get_backend
from linuxhw._nodes import unique_by_name
from linuxhw.errors import device_error
from linuxhw.iio._names import ChannelId, parse_attribute
from linuxhw.iio._sysfs import BUS_DIR, read_text, write_text
from linuxhw.iio._values import Available, Number, format_value, parse_available, parse_number
from linuxhw.iio.channel import Channel

if TYPE_CHECKING:
    from collections.abc import Sequence

    from linuxhw.iio.capture import Capture

__all__ = ["Device", "DeviceInfo", "devices"]

PREFIX = "iio:device"
CHANNEL_INFOS = ("raw", "input")  # an attribute of one of these makes a channel (its scan element too)


@dataclass(frozen=True)
class DeviceInfo:
    """An IIO device: ``name`` is its driver's name for the part (``ads1015``, ``bme280``), ``label`` what
    the device tree or firmware calls this one (5.9+; None where none is given), ``path`` its
    /sys/bus/iio/devices/iio:deviceN and ``dev_path`` its /dev/iio:deviceN (N: probe order only)."""

    name: str
    label: str | None
    path: str
    dev_path: str

    @property
    def number(self) -> int:
        """N of iio:deviceN: valid until the next boot or driver reload only."""
        return int(self.path.rsplit(PREFIX, 1)[1])


def _optional(backend: Backend, path: str) -> str | None:
    try:
        return backend.sysfs_read(path).rstrip("\n")
    except OSError:
        return None


def devices(backend: Backend | None = None) -> list[DeviceInfo]:
    """Every IIO device the kernel has (triggers, also under /sys/bus/iio/devices, are not devices)."""
    backend = backend or get_backend()
    try:
        entries = backend.sysfs_list(BUS_DIR)
    except FileNotFoundError:
        return []  # no IIO core loaded
    found = []
    for entry in entries:
        if entry.startswith(PREFIX) and entry[len(PREFIX) :].isdigit():
            path = f"{BUS_DIR}/{entry}"
            name = _optional(backend, f"{path}/name")
            if name is not None:  # gone meanwhile otherwise
                found.append(DeviceInfo(name, _optional(backend, f"{path}/label"), path, f"/dev/{entry}"))
    return found


def _find(backend: Backend, name: str | None, label: str | None) -> DeviceInfo:
    if (name is None) == (label is None):
        raise TypeError("give an IIO device's name or its label (label=...), not both or neither")
    key, value = ("name", name) if label is None else ("label", label)
    if not isinstance(value, str) or not value:
        raise TypeError(f"an IIO device's {key} is a non-empty str, not {value!r}")
    infos = devices(backend)
    candidates = [(i.path, getattr(i, key)) for i in infos if getattr(i, key) is not None]
    path = unique_by_name(value, candidates, "IIO device" if key == "name" else "IIO device label")
    return next(i for i in infos if i.path == path)


class Device:
    """An IIO device found by ``name`` (its driver's name for the part) or ``label``::

        adc = iio.Device("ads1015")          # or iio.Device(label="battery-monitor")
        adc.channel("voltage0").read()       # mV

    Its channels are what its attributes declare (``in_voltage0_raw``, scan elements); values are in
    the ABI's units. Reading needs no open file; :meth:`capture` opens /dev/iio:deviceN for buffered
    reads. A name two devices share is a ValueError naming both: give the label then."""

    def __init__(self, name: str | None = None, *, label: str | None = None, backend: Backend | None = None) -> None:
        self._backend = backend or get_backend()
        self.info = _find(self._backend, name, label)
        self.path = self.info.path
        self._attributes, self._scan = self._listing()
        self._channels = self._discover()

    def _listing(self) -> tuple[frozenset[str], frozenset[str]]:
        try:
            attributes = frozenset(self._backend.sysfs_list(self.path))
        except OSError as exc:
            raise device_error(exc.errno or errno.EIO, self.path, f"list IIO device {self.name!r}") from None
        try:
            scan = frozenset(self._backend.sysfs_list(f"{self.path}/scan_elements"))
        except OSError:
            scan = frozenset()  # a device with no buffer
        return attributes, scan

    def _discover(self) -> dict[str, Channel]:
        ids: dict[ChannelId, bool] = {}
        for name in sorted(self._attributes):
            parsed = parse_attribute(name)
            if parsed and parsed.channel and parsed.info in CHANNEL_INFOS and not parsed.available:
                ids.setdefault(parsed.channel, False)
        for name in self._scan:
            parsed = parse_attribute(name)
            if parsed and parsed.channel and parsed.info == "en":
                ids[parsed.channel] = True
        channels = [Channel(self, cid, scannable) for cid, scannable in ids.items()]
        order = {c.id: self._scan_index(c) for c in channels}
        channels.sort(key=lambda c: (c.output, order[c.id], c.type, c.index or 0, c.name))
        return {f"{c.id.direction}_{c.name}" if c.output else c.name: c for c in channels}

    def _scan_index(self, channel: Channel) -> int:
        name = f"{channel.id.direction}_{channel.name}_index"
        if name not in self._scan:
            return 1 << 30  # after the scannable ones, in name order
        return int(read_text(self._backend, f"{self.path}/scan_elements/{name}"))

    # -- who it is ------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def label(self) -> str | None:
        return self.info.label

    @property
    def dev_path(self) -> str:
        return self.info.dev_path

    @property
    def backend(self) -> Backend:
        return self._backend

    def __repr__(self) -> str:
        label = f" label={self.label!r}" if self.label else ""
        return f"<iio.Device {self.name!r}{label} at {self.path}>"

    # -- channels -------------------------------------------------------------------------------------

    @property
    def channels(self) -> tuple[Channel, ...]:
        """Its channels: inputs in scan order (then by name), outputs last."""
        return tuple(self._channels.values())

    def channel(self, name: str) -> Channel:
        """The channel named ``name``: ``voltage0``, ``accel_x``, ``voltage1-voltage2``, ``timestamp``;
        an output as ``out_voltage0`` (or ``voltage0`` where no input has that name)."""
        if not isinstance(name, str):
            raise TypeError(f"a channel name is a str such as 'voltage0', not {name!r}")
        found = self._channels.get(name) or self._channels.get(f"out_{name}")
        if found is None:
            raise ValueError(
                f"IIO device {self.name!r} has no channel {name!r}; it has {', '.join(self._channels) or 'none'}"
            )
        return found

    def __iter__(self) -> Iterator[Channel]:
        return iter(self.channels)

    # -- attributes -----------------------------------------------------------------------------------

    def read_attribute(self, name: str) -> str:
        """The text of the device attribute ``name`` (``in_voltage0_raw``, ``sampling_frequency``,
        ``buffer/length``...) without its newline."""
        return read_text(self._backend, self._attribute_path(name))

    def write_attribute(self, name: str, value: Number | str) -> None:
        """Store ``value`` in the attribute ``name``. A number is written as the core parses one and
        checked against ``<name>_available`` first where the driver lists one (ValueError naming it)."""
        path = self._attribute_path(name)
        available = self.available(name)
        if isinstance(value, str):
            text = value
        else:
            text = format_value(value, name)
            if available is not None and value not in available:
                raise ValueError(f"{name} of IIO device {self.name!r} takes {available}, not {value!r}")
        write_text(self._backend, path, text, str(available) if available is not None else "")

    def available(self, name: str) -> Available | None:
        """The ``<name>_available`` list of attribute ``name``, None where the driver has none."""
        listed = f"{name}_available"
        if listed not in self._attributes:
            return None
        return parse_available(self.read_attribute(listed), listed)

    def _attribute_path(self, name: str) -> str:
        if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"an attribute name is a relative path such as 'in_voltage0_raw', not {name!r}")
        return f"{self.path}/{name}"

    # -- sampling frequency ---------------------------------------------------------------------------

    def _frequency_attribute(self) -> str | None:
        return next((n for n in ("sampling_frequency", "in_sampling_frequency") if n in self._attributes), None)

    @property
    def sampling_frequency(self) -> float | None:
        """The device's sampling frequency in Hz (``sampling_frequency``, or the inputs'
        ``in_sampling_frequency``), None where it has neither; set it to change it."""
        name = self._frequency_attribute()
        return None if name is None else parse_number(self.read_attribute(name), name)

    @sampling_frequency.setter
    def sampling_frequency(self, hz: Number) -> None:
        name = self._frequency_attribute()
        if name is None:
            raise ValueError(f"IIO device {self.name!r} has no sampling_frequency attribute to set")
        if isinstance(hz, bool) or not isinstance(hz, (int, float)) or not hz > 0:
            raise ValueError(f"sampling_frequency must be a number of Hz > 0, not {hz!r}")
        self.write_attribute(name, hz)

    @property
    def sampling_frequency_available(self) -> Available | None:
        """The sampling frequencies the driver takes, None where it does not say."""
        name = self._frequency_attribute()
        return None if name is None else self.available(name)

    # -- trigger and capture --------------------------------------------------------------------------

    @property
    def trigger(self) -> str | None:
        """The name of the trigger that starts each buffered scan (``trigger/current_trigger``), None
        when none is set or the device takes no trigger; set it to a trigger's name (or None)."""
        path = f"{self.path}/trigger/current_trigger"
        try:
            text = self._backend.sysfs_read(path).rstrip("\n")
        except FileNotFoundError:
            return None
        except OSError:
            text = read_text(self._backend, path)  # raises the named error
        return text or None

    @trigger.setter
    def trigger(self, name: str | None) -> None:
        if name is not None and (not isinstance(name, str) or not name or "\n" in name):
            raise ValueError(f"a trigger is named by a non-empty str (or None for none), not {name!r}")
        from linuxhw.iio.trigger import trigger_names

        known = trigger_names(self._backend)
        if name is not None and name not in known:
            raise ValueError(f"no IIO trigger named {name!r}; the kernel has {', '.join(known) or 'none'}")
        # "\n" for none: sysfs hands an empty write to no store method; a name the kernel lacks clears it too
        write_text(self._backend, f"{self.path}/trigger/current_trigger", name or "\n", ", ".join(known))

    def capture(
        self,
        channels: Sequence[str] | None = None,
        *,
        timestamp: bool = True,
        length: int | None = None,
        watermark: int | None = None,
    ) -> Capture:
        """Start buffered capture (see :class:`linuxhw.iio.Capture`) of ``channels`` (default: every
        scannable input but the timestamp), with the ``timestamp`` of each scan where the device has one."""
        from linuxhw.iio.capture import Capture

        return Capture(self, channels, timestamp=timestamp, length=length, watermark=watermark)
