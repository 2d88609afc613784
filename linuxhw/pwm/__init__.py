"""PWM through the kernel's sysfs interface (/sys/class/pwm): chips found by device name, channels
requested and released, whole waveforms applied in the order sysfs needs and read back.

>>> from linuxhw import pwm
>>> with pwm.Chip("fe20c000.pwm") as chip, chip.request(0) as servo:   # doctest: +SKIP
...     servo.apply(pwm.Waveform.from_frequency(50, 0.075))
"""

from __future__ import annotations

import os

from linuxhw._kernel import Backend
from linuxhw.pwm.channel import Channel
from linuxhw.pwm.chip import Chip, ChipInfo, chips
from linuxhw.pwm.waveform import Polarity, Waveform

__all__ = ["Channel", "Chip", "ChipInfo", "Polarity", "Waveform", "chips", "request"]


def request(
    chip: str | os.PathLike[str], channel: int, *, adopt: bool = False, backend: Backend | None = None
) -> Channel:
    """Find ``chip`` by its device name and request ``channel`` of it, as :meth:`Chip.request` does."""
    with Chip(chip, backend=backend) as found:
        return found.request(channel, adopt=adopt)
