"""The IIO ABI's attribute names: ``{in,out}_<channel>_<info>`` as industrialio-core.c builds them.

A channel is ``<type>[<index>][-<type><index2>][_<modifier>][_<extend_name>]`` (``voltage0``,
``voltage1-voltage2``, ``accel_x``, ``intensity0_ir``, ``voltage0_supply``); an info attribute of it is
per channel (``in_voltage0_scale``), shared by type (``in_voltage_scale``), by direction (``in_scale``)
or by all (``scale``). The type, modifier and info names are the kernel's tables (6.12), so a name is
split as the kernel joined it, not guessed at underscores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["INFOS", "UNITS", "ChannelId", "parse_attribute"]

TYPES = (
    "voltage", "current", "power", "accel", "anglvel", "magn", "illuminance", "intensity", "proximity", "temp",
    "incli", "rot", "angl", "timestamp", "capacitance", "altvoltage", "cct", "pressure", "humidityrelative",
    "activity", "steps", "energy", "distance", "velocity", "concentration", "resistance", "ph", "uvindex",
    "electricalconductivity", "count", "index", "gravity", "positionrelative", "phase", "massconcentration",
    "deltaangl", "deltavelocity", "colortemp", "chromaticity",
)  # fmt: skip
MODIFIERS = (
    "x", "y", "z", "x&y", "x&z", "y&z", "x&y&z", "x|y", "x|z", "y|z", "x|y|z", "sqrt(x^2+y^2)", "x^2+y^2+z^2",
    "both", "ir", "clear", "red", "green", "blue", "uv", "uva", "uvb", "duv", "quaternion", "ambient", "object",
    "from_north_magnetic", "from_north_true", "from_north_magnetic_tilt_comp", "from_north_true_tilt_comp",
    "running", "jogging", "walking", "still", "sqrt(x^2+y^2+z^2)", "i", "q", "co2", "voc", "pm1", "pm2p5", "pm4",
    "pm10", "ethanol", "h2", "o2", "linear_x", "linear_y", "linear_z", "pitch", "yaw", "roll",
)  # fmt: skip
INFOS = (
    "raw", "input", "scale", "offset", "calibscale", "calibbias", "peak_raw", "peak_scale",
    "quadrature_correction_raw", "mean_raw", "filter_low_pass_3db_frequency", "filter_high_pass_3db_frequency",
    "sampling_frequency", "frequency", "phase", "hardwaregain", "hysteresis", "hysteresis_relative",
    "integration_time", "en", "calibheight", "calibweight", "debounce_count", "debounce_time", "calibemissivity",
    "oversampling_ratio", "thermocouple_type", "calibambient", "zeropoint", "trough_raw",
    "label", "powerdown", "index", "type",  # a channel's label, a DAC's powerdown; scan_elements' index and type
)  # fmt: skip
"""The infos of iio_chan_info_postfix[], and the other per-channel attributes the core makes."""

UNITS = {
    "voltage": "mV", "altvoltage": "mV", "current": "mA", "power": "mW", "capacitance": "nF", "temp": "m°C",
    "accel": "m/s²", "gravity": "m/s²", "anglvel": "rad/s", "angl": "rad", "phase": "rad", "magn": "Gs",
    "pressure": "kPa", "humidityrelative": "m%", "positionrelative": "m%", "illuminance": "lx", "energy": "J",
    "distance": "m", "velocity": "m/s", "resistance": "Ω", "electricalconductivity": "S/m", "timestamp": "ns",
}  # fmt: skip
"""What (raw + offset) * scale (or ``_input``) is in, per channel type, as Documentation/ABI/testing/
sysfs-bus-iio says; types it gives no unit (intensity, proximity, counts...) are absent."""

OWN_ONLY = frozenset(("label", "powerdown", "en", "index", "type"))
"""Infos the core makes for one channel only (a device's ``label`` is not its channels')."""

_TYPE = "|".join(re.escape(t) for t in sorted(TYPES, key=len, reverse=True))
_CHANNEL = re.compile(rf"(?P<type>{_TYPE})(?P<index>\d+)?(?:-(?P<type2>{_TYPE})(?P<index2>\d+))?(?:_(?P<rest>.+))?")
_INFOS = sorted(INFOS, key=len, reverse=True)  # "peak_raw" before "raw"
_MODIFIER = sorted(MODIFIERS, key=len, reverse=True)


@dataclass(frozen=True)
class ChannelId:
    """Who a channel is, as its attribute names spell it: ``output``, ``type``, ``index`` (None for an
    unindexed channel), ``index2`` (the other input of a differential one), ``modifier`` (``x``, ``ir``...)
    and ``extend_name`` (a driver's own suffix, ``supply``)."""

    output: bool
    type: str
    index: int | None = None
    index2: int | None = None
    modifier: str | None = None
    extend_name: str | None = None

    @property
    def name(self) -> str:
        """The channel part of its attribute names: ``voltage0``, ``voltage1-voltage2``, ``accel_x``."""
        name = self.type if self.index is None else f"{self.type}{self.index}"
        if self.index2 is not None:
            name += f"-{self.type}{self.index2}"
        for part in (self.modifier, self.extend_name):
            if part is not None:
                name += f"_{part}"
        return name

    @property
    def direction(self) -> str:
        return "out" if self.output else "in"

    def lookup(self, info: str) -> tuple[str, ...]:
        """The attribute names that may carry ``info`` for this channel, most specific first: its own,
        shared by type, by direction, by all (IIO_SEPARATE, _SHARED_BY_TYPE, _BY_DIR, _BY_ALL; the first
        alone for the infos only a channel has)."""
        own = f"{self.direction}_{self.name}_{info}"
        if info in OWN_ONLY:
            return (own,)
        by_type = f"{self.direction}_{self.type}_{info}"
        if self.index2 is not None:  # a differential channel's type is shared as in_voltage-voltage_scale
            by_type = f"{self.direction}_{self.type}-{self.type}_{info}"
        return (own, by_type, f"{self.direction}_{info}", info)  # own == by type for an unindexed one


def parse_channel(output: bool, spec: str) -> ChannelId | None:
    """The ChannelId a channel spec names (``voltage0``, ``accel_x``...), None if it is not one."""
    match = _CHANNEL.fullmatch(spec)
    if match is None or (match["type2"] is not None and match["type2"] != match["type"]):
        return None
    modifier = extend = None
    rest = match["rest"]
    if rest is not None:
        modifier = next((m for m in _MODIFIER if rest == m or rest.startswith(m + "_")), None)
        extend = rest[len(modifier) + 1 :] or None if modifier is not None else rest
    index, index2 = match["index"], match["index2"]
    return ChannelId(
        output, match["type"], None if index is None else int(index), None if index2 is None else int(index2),
        modifier, extend,
    )  # fmt: skip


@dataclass(frozen=True)
class Attribute:
    """An info attribute's name split: the channel it is of (None when shared by direction or by all),
    the ``direction`` it is shared by (``in``/``out``; None when shared by all), its ``info`` and whether
    it is the ``_available`` list of that info."""

    channel: ChannelId | None
    direction: str | None
    info: str
    available: bool


def parse_attribute(name: str) -> Attribute | None:
    """What an attribute file's name says (None for an attribute of no channel and no known info)."""
    available = name.endswith("_available")
    base = name[: -len("_available")] if available else name
    for info in _INFOS:
        if base == info:
            return Attribute(None, None, info, available)
        if not base.endswith(f"_{info}"):
            continue
        head = base[: -len(info) - 1]
        if head in ("in", "out"):
            return Attribute(None, head, info, available)
        direction, _, spec = head.partition("_")
        channel = parse_channel(direction == "out", spec) if direction in ("in", "out") else None
        if channel is not None:
            return Attribute(channel, direction, info, available)
    return None
