"""Finding chips and lines across the whole system."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from linuxhw._kernel import Backend, get_backend
from linuxhw.gpio.chip import Chip, LineConfig, chip_paths
from linuxhw.gpio.info import ChipInfo
from linuxhw.gpio.request import LineRequest
from linuxhw.gpio.settings import LineSettings

__all__ = ["LineLocation", "chips", "find_line", "request_line", "request_lines"]


@dataclass(frozen=True)
class LineLocation:
    """Where a named line lives."""

    chip_path: str
    chip_label: str
    offset: int
    name: str


def chips(backend: Backend | None = None) -> list[ChipInfo]:
    """Info of every GPIO chip on the system, in /dev/gpiochipN order."""
    backend = backend or get_backend()
    found = []
    for path in chip_paths(backend):
        with Chip(path, backend=backend) as chip:
            found.append(chip.info)
    return found


def find_line(name: str, backend: Backend | None = None) -> LineLocation:
    """Find a line by name on any chip, e.g. ``find_line("GPIO17")``; the name must be unique system-wide."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, not {name!r}")
    backend = backend or get_backend()
    matches: list[LineLocation] = []
    for path in chip_paths(backend):
        with Chip(path, backend=backend) as chip:
            matches.extend(
                LineLocation(path, chip.label, info.offset, name) for info in chip.line_infos() if info.name == name
            )
    if not matches:
        raise LookupError(f"no GPIO line named {name!r} on any chip")
    if len(matches) > 1:
        where = ", ".join(f"{m.chip_path} offset {m.offset}" for m in matches)
        raise LookupError(f"GPIO line name {name!r} is not unique: {where}")
    return matches[0]


def request_lines(
    chip: int | str | os.PathLike[str],
    config: LineConfig,
    *,
    consumer: str = "",
    event_buffer_size: int = 0,
    output_values: Mapping[Any, int] | None = None,
    on_lost: str = "count",
    backend: Backend | None = None,
) -> LineRequest:
    """Open ``chip``, request lines as :meth:`Chip.request_lines` does, and close the chip again
    (the request stays valid on its own)."""
    with Chip(chip, backend=backend) as handle:
        return handle.request_lines(
            config, consumer=consumer, event_buffer_size=event_buffer_size, output_values=output_values, on_lost=on_lost
        )


def request_line(
    name: str, settings: LineSettings | None = None, *, consumer: str = "", backend: Backend | None = None
) -> LineRequest:
    """Request one line by its system-wide unique name, wherever it lives."""
    location = find_line(name, backend)
    return request_lines(location.chip_path, {location.offset: settings}, consumer=consumer, backend=backend)
