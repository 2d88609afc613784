"""One IIO channel: its attributes found in the ABI's per-channel and shared forms, values in the
ABI's units: ``(raw + offset) * scale``, or the driver's own ``_input`` where it has one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linuxhw.iio._names import UNITS, ChannelId
from linuxhw.iio._values import Available, Number, format_value, parse_available, parse_int, parse_number

if TYPE_CHECKING:
    from linuxhw.iio.device import Device

__all__ = ["Channel"]


class Channel:
    """A channel of an IIO device (``device.channel("voltage0")``): ``name`` as its attributes spell it,
    ``type``, ``index``, ``modifier``, ``output``; ``unit`` what :meth:`read` returns values in."""

    def __init__(self, device: Device, cid: ChannelId, scannable: bool) -> None:
        self.device = device
        self.id = cid
        self.scannable = scannable  # it has scan_elements: it can be captured through the buffer

    @property
    def name(self) -> str:
        """``voltage0``, ``voltage1-voltage2``, ``accel_x``...: the channel part of its attribute names."""
        return self.id.name

    @property
    def type(self) -> str:
        """The channel type: ``voltage``, ``temp``, ``accel``..."""
        return self.id.type

    @property
    def index(self) -> int | None:
        """Its number among the channels of its type (None: an unindexed channel)."""
        return self.id.index

    @property
    def modifier(self) -> str | None:
        """``x``, ``ir``, ``running``... (None: unmodified)."""
        return self.id.modifier

    @property
    def output(self) -> bool:
        """True for an output channel (a DAC's ``out_voltage0``)."""
        return self.id.output

    @property
    def unit(self) -> str | None:
        """The unit of :meth:`read`'s values for this type, as the ABI defines it (``mV``, ``m°C``...)."""
        return UNITS.get(self.id.type)

    def __repr__(self) -> str:
        return f"<iio.Channel {self.device.name}:{self.id.direction}_{self.name}>"

    # -- attributes -----------------------------------------------------------------------------------

    def attribute_name(self, info: str) -> str | None:
        """The attribute file carrying ``info`` (``scale``, ``sampling_frequency``...) for this channel,
        its own or shared (by type, direction, all), None when the device has none."""
        if not isinstance(info, str):
            raise TypeError(f"info must be an attribute's info name such as 'scale' (a str), not {info!r}")
        return next((name for name in self.id.lookup(info) if name in self.device._attributes), None)

    @property
    def infos(self) -> tuple[str, ...]:
        """The infos this channel has an attribute for (``raw``, ``scale``, ``offset``, ``input``...)."""
        from linuxhw.iio._names import INFOS

        return tuple(info for info in INFOS if self.attribute_name(info) is not None)

    def _required(self, info: str) -> str:
        name = self.attribute_name(info)
        if name is None:
            raise ValueError(
                f"channel {self.name} of IIO device {self.device.name!r} has no {info!r} attribute "
                f"(tried {', '.join(dict.fromkeys(self.id.lookup(info)))}); it has {', '.join(self.infos) or 'none'}"
            )
        return name

    def read_attribute(self, info: str) -> str:
        """The text of this channel's ``info`` attribute (ValueError if it has none)."""
        return self.device.read_attribute(self._required(info))

    def write_attribute(self, info: str, value: Number | str) -> None:
        """Store ``value`` in this channel's ``info`` attribute; a number is checked against the
        ``_available`` list first (ValueError naming what is allowed)."""
        self.device.write_attribute(self._required(info), value)

    def available(self, info: str) -> Available | None:
        """What the driver takes for ``info`` (its ``_available`` list), None where it does not say."""
        self.attribute_name(info)  # a str, or TypeError
        for name in self.id.lookup(info):
            if f"{name}_available" in self.device._attributes:
                return parse_available(self.device.read_attribute(f"{name}_available"), f"{name}_available")
            if name in self.device._attributes:
                return None
        return None

    @property
    def label(self) -> str | None:
        """The channel's label (``in_voltage0_label``, 5.14+), None where the driver gives none."""
        name = f"{self.id.direction}_{self.name}_label"
        return self.device.read_attribute(name) if name in self.device._attributes else None

    # -- values ---------------------------------------------------------------------------------------

    def read_raw(self) -> int:
        """The channel's raw value (``_raw``), as the device measured it."""
        name = self._required("raw")
        return parse_int(self.device.read_attribute(name), name)

    def _number(self, info: str, default: float) -> float:
        name = self.attribute_name(info)
        return default if name is None else parse_number(self.device.read_attribute(name), name)

    def scale(self) -> float:
        """``_scale``: raw steps to :attr:`unit` (1.0 where the channel has none)."""
        return self._number("scale", 1.0)

    def offset(self) -> float:
        """``_offset``, added to raw before scaling (0.0 where the channel has none)."""
        return self._number("offset", 0.0)

    def read(self) -> float:
        """The value in :attr:`unit`: the driver's ``_input`` where it has one, else
        ``(raw + offset) * scale`` as the ABI defines it."""
        processed = self.attribute_name("input")
        if processed is not None:
            return parse_number(self.device.read_attribute(processed), processed)
        return (self.read_raw() + self.offset()) * self.scale()

    def write_raw(self, value: int) -> None:
        """Set an output channel's raw value (a DAC code)."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"value must be an int (a raw code), not {value!r}")
        self.device.write_attribute(self._required("raw"), value)

    def write(self, value: Number) -> None:
        """Set an output channel to ``value`` in :attr:`unit`: raw = value / scale - offset, rounded."""
        format_value(value, "value")  # type and finiteness first
        self.write_raw(round(value / self.scale() - self.offset()))
