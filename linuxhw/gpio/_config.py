"""Encode per-line settings into the kernel's ``struct gpio_v2_line_config``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from linuxhw._uapi import ffi, lib
from linuxhw.gpio.enums import Direction
from linuxhw.gpio.settings import LineSettings

MAX_ATTRS = 10


def fill_line_config(config: Any, settings: Sequence[LineSettings], values: Sequence[int]) -> None:
    """Write ``settings`` (one per requested line, in request order) into the struct ``config`` points to.

    The most common flags become the default; other flags, debounce periods and the
    output values of output lines go into attributes with line masks. ``values`` are
    the logical output values per line (ignored for inputs).
    """
    flags = [s.to_flags() for s in settings]
    default_flags = Counter(flags).most_common(1)[0][0]
    attrs: list[tuple[int, str, int, int]] = []  # (attr id, union field, value, mask)
    masks: dict[int, int] = {}
    for idx, line_flags in enumerate(flags):
        if line_flags != default_flags:
            masks[line_flags] = masks.get(line_flags, 0) | (1 << idx)
    attrs.extend((lib.GPIO_V2_LINE_ATTR_ID_FLAGS, "flags", f, m) for f, m in masks.items())
    periods: dict[int, int] = {}
    for idx, line in enumerate(settings):
        if line.debounce_us:
            periods[line.debounce_us] = periods.get(line.debounce_us, 0) | (1 << idx)
    attrs.extend((lib.GPIO_V2_LINE_ATTR_ID_DEBOUNCE, "debounce_period_us", p, m) for p, m in periods.items())
    output_mask = output_bits = 0
    for idx, line in enumerate(settings):
        if line.direction is Direction.OUTPUT:
            output_mask |= 1 << idx
            if values[idx]:
                output_bits |= 1 << idx
    if output_mask:
        attrs.append((lib.GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES, "values", output_bits, output_mask))
    if len(attrs) > MAX_ATTRS:
        raise ValueError(
            f"these line settings need {len(attrs)} kernel attributes but the GPIO uAPI allows "
            f"{MAX_ATTRS}: use fewer distinct settings or debounce periods in one request"
        )
    size = ffi.sizeof("struct gpio_v2_line_config")
    ffi.memmove(config, bytes(size), size)
    config.flags = default_flags
    config.num_attrs = len(attrs)
    for slot, (attr_id, field, value, mask) in enumerate(attrs):
        config.attrs[slot].attr.id = attr_id
        setattr(config.attrs[slot].attr, field, value)
        config.attrs[slot].mask = mask
