"""One PWM channel's sysfs files: reading its state, and the order of writes that reaches a new one.

sysfs changes one field per write, and each write applies the whole state, which the PWM core checks:
an enabled state needs period > 0 and duty <= period, and before 6.12 every state does (6.1). So
:func:`plan` orders the writes to keep every step valid: off first when the output must stop or change
polarity, the duty lowered before a period shrinks below it (else the period first), polarity once the
period is set, on last. Writes of a value the channel has already are left out.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from typing import TypeVar

from linuxhw._kernel import Backend
from linuxhw.pwm.waveform import Polarity, Waveform

__all__ = ["plan", "read_state", "settled"]

T = TypeVar("T")
SETTLE_S = 5.0  # how long a new pwmM/ may take to become usable: udev gives its files their group
Step = tuple[str, str]  # (attribute, text written)
ATTRIBUTES = ("period", "duty_cycle", "polarity", "enable")


def read_state(backend: Backend, directory: str) -> Waveform:
    """The state the kernel reports for the channel at ``directory`` (pwmchipN/pwmM)."""
    values = {name: backend.sysfs_read(f"{directory}/{name}").strip() for name in ATTRIBUTES}
    return Waveform.reported(
        int(values["period"]), int(values["duty_cycle"]), Polarity(values["polarity"]), values["enable"] == "1"
    )


def plan(current: Waveform, target: Waveform) -> list[Step]:
    """The writes taking a channel from ``current`` to ``target``, each leaving a state the core accepts."""
    steps: list[Step] = []
    enabled = current.enabled
    if enabled and (not target.enabled or target.polarity is not current.polarity):
        steps.append(("enable", "0"))
        enabled = False
    period = ("period", str(target.period_ns)) if target.period_ns != current.period_ns else None
    duty = ("duty_cycle", str(target.duty_ns)) if target.duty_ns != current.duty_ns else None
    order = (duty, period) if target.period_ns < current.duty_ns else (period, duty)
    steps.extend(step for step in order if step is not None)
    if target.polarity is not current.polarity:
        steps.append(("polarity", target.polarity.value))
    if target.enabled and not enabled:
        steps.append(("enable", "1"))
    return steps


def settled(call: Callable[[], T]) -> T:
    """``call()``, repeated while it fails with EACCES or ENOENT: the files of a
    freshly exported channel exist at once, but a user in the pwm group may write them only once udev
    has run its rule (peers such as python-periphery wait the same way) for up to SETTLE_S seconds."""
    deadline = time.monotonic() + SETTLE_S
    pause = 0.001
    while True:
        try:
            return call()
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.ENOENT) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
