"""What a PWM channel puts out: period, duty, polarity and whether it runs, in the kernel's nanoseconds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from linuxhw._args import check_int

__all__ = ["Polarity", "Waveform"]

U64_MAX = 2**64 - 1  # the sysfs period and duty_cycle attributes are u64 nanoseconds (kstrtou64)
NS_PER_S = 1_000_000_000


class Polarity(Enum):
    """The level during the duty part of each period: NORMAL is high, INVERSED low (sysfs spells them so)."""

    NORMAL = "normal"
    INVERSED = "inversed"


@dataclass(frozen=True)
class Waveform:
    """One PWM setting: every ``period_ns`` the output is active for ``duty_ns`` (high, or low when
    ``polarity`` is INVERSED), and it runs while ``enabled``. ``duty_ns`` may equal ``period_ns``
    (always active) or be 0 (never active); ``period_ns`` may be 0 in a disabled waveform only (a
    channel never set up reads so). Checked when made: a bad value is a ValueError naming the field
    and what is allowed, before anything reaches the kernel.

    >>> Waveform.from_frequency(50, 0.075)
    Waveform(period_ns=20000000, duty_ns=1500000, polarity=<Polarity.NORMAL: 'normal'>, enabled=True)
    """

    period_ns: int
    duty_ns: int
    polarity: Polarity = Polarity.NORMAL
    enabled: bool = True

    def __post_init__(self) -> None:
        period = check_int(self.period_ns, "period_ns")
        duty = check_int(self.duty_ns, "duty_ns")
        if not (1 if self.enabled else 0) <= period <= U64_MAX:
            low = "1" if self.enabled else "0"
            raise ValueError(
                f"period_ns must be {low}..{U64_MAX} nanoseconds{' when enabled' * self.enabled}, not {period}"
            )
        if not 0 <= duty <= period:
            raise ValueError(f"duty_ns must be 0..period_ns ({period}) nanoseconds, not {duty}")
        if not isinstance(self.polarity, Polarity):
            raise TypeError(f"polarity must be a pwm.Polarity (NORMAL or INVERSED), not {self.polarity!r}")
        if not isinstance(self.enabled, bool):
            raise TypeError(f"enabled must be True or False, not {self.enabled!r}")

    @classmethod
    def reported(cls, period_ns: int, duty_ns: int, polarity: Polarity, enabled: bool) -> Waveform:
        """The state a kernel reports, unchecked: from 6.12 a disabled channel may hold any period and duty
        (a program may leave duty > period there), which no waveform made to be applied may have."""
        waveform = object.__new__(cls)
        for field, value in (
            ("period_ns", period_ns),
            ("duty_ns", duty_ns),
            ("polarity", polarity),
            ("enabled", enabled),
        ):
            object.__setattr__(waveform, field, value)
        return waveform

    @classmethod
    def from_frequency(
        cls, frequency_hz: float, duty_cycle: float, polarity: Polarity = Polarity.NORMAL, enabled: bool = True
    ) -> Waveform:
        """The waveform of ``frequency_hz`` whose active part is ``duty_cycle`` (0.0..1.0) of each period,
        both rounded to the nearest nanosecond (a servo: ``from_frequency(50, 0.075)`` is 1.5 ms in 20 ms)."""
        if isinstance(frequency_hz, bool) or not isinstance(frequency_hz, (int, float)):
            raise TypeError(f"frequency_hz must be a number of hertz, not {frequency_hz!r}")
        if isinstance(duty_cycle, bool) or not isinstance(duty_cycle, (int, float)):
            raise TypeError(f"duty_cycle must be a fraction 0.0..1.0, not {duty_cycle!r}")
        if not 0 < frequency_hz <= NS_PER_S:
            raise ValueError(f"frequency_hz must be > 0 and at most {NS_PER_S} (a 1 ns period), not {frequency_hz}")
        if not 0.0 <= duty_cycle <= 1.0:
            raise ValueError(f"duty_cycle must be a fraction 0.0..1.0, not {duty_cycle}")
        period = round(NS_PER_S / frequency_hz)
        if period > U64_MAX:
            raise ValueError(f"frequency_hz {frequency_hz} gives a period longer than {U64_MAX} ns")
        return cls(period, round(period * duty_cycle), polarity, enabled)

    @property
    def frequency_hz(self) -> float:
        """Periods per second (0.0 for a waveform with no period)."""
        return NS_PER_S / self.period_ns if self.period_ns else 0.0

    @property
    def duty_cycle(self) -> float:
        """The active part of each period, 0.0..1.0 (0.0 for a waveform with no period)."""
        return self.duty_ns / self.period_ns if self.period_ns else 0.0
