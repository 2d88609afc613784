"""Finding the kernel line behind a header pin on the running system."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linuxhw._kernel import Backend, get_backend
from linuxhw.boards.model import LineRef
from linuxhw.errors import DeviceNotFoundError

if TYPE_CHECKING:
    from linuxhw import gpio

__all__ = ["locate"]


def locate(line: LineRef, backend: Backend | None = None) -> gpio.LineLocation:
    """Where ``line`` is on this system: offset ``line.offset`` of the chip labelled ``line.chip_label``
    (the offset is the SoC's GPIO number, whatever the kernel names the line); where no chip carries
    that label (another kernel's labels), the one line named ``line.line_name`` on any chip.
    LookupError naming both when neither is there."""
    from linuxhw import gpio  # only when asked: the board data (a mock board's too) needs no GPIO package
    from linuxhw.gpio.chip import chip_paths

    backend = backend or get_backend()
    try:
        with gpio.Chip(line.chip_label, backend=backend) as chip:
            if line.offset >= chip.num_lines:
                raise LookupError(
                    f"chip {chip.path} ({line.chip_label}) has {chip.num_lines} lines, not line {line.offset}"
                )
            return gpio.LineLocation(chip.path, chip.label, line.offset, chip.line_info(line.offset).name)
    except DeviceNotFoundError:
        pass
    matches = []
    for path in chip_paths(backend):
        with gpio.Chip(path, backend=backend) as chip:
            matches += [
                gpio.LineLocation(path, chip.label, info.offset, info.name)
                for info in chip.line_infos()
                if info.name == line.line_name
            ]
    if len(matches) == 1:
        return matches[0]
    found = f"{len(matches)} lines" if matches else "no line"
    raise LookupError(
        f"no GPIO chip labelled {line.chip_label!r} (for line {line.offset}) and {found} named {line.line_name!r}"
    )
