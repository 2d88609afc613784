"""The software PWM's schedule on a virtual clock: its duty cycle and period are right on average even
when its wake-ups come late, which no measurement on a busy machine's real clock can show every time."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from linuxhw.compat import _soft_pwm
from linuxhw.compat._soft_pwm import SoftwarePwm


class VirtualClock:
    """time.monotonic() for the PWM thread: each pause moves it on by what was asked plus the next
    lateness, and the run stops after ``until`` virtual seconds."""

    def __init__(self, lateness: Iterator[float], until: float) -> None:
        self.now, self._lateness, self._until = 0.0, lateness, until

    def monotonic(self) -> float:
        return self.now

    def pause(self, pwm: SoftwarePwm, seconds: float) -> bool:
        self.now += max(0.0, seconds) + next(self._lateness)
        if self.now >= self._until:
            pwm._stopped = True
            return True
        return False


def run(duty: float, frequency: float, lateness: list[float], periods: int,
        monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, int]]:  # fmt: skip
    """The (virtual time, level) of every drive of a PWM run for ``periods`` periods."""
    clock = VirtualClock(itertools.cycle(lateness), periods / frequency)
    monkeypatch.setattr(_soft_pwm, "time", clock)

    def pause(pwm: SoftwarePwm, seconds: float) -> bool:
        return clock.pause(pwm, seconds)

    monkeypatch.setattr(SoftwarePwm, "_pause", pause)
    drives: list[tuple[float, int]] = []
    pwm = SoftwarePwm(lambda level: drives.append((clock.now, level)), frequency, "test", duty)
    pwm._thread.join(timeout=60)
    assert not pwm._thread.is_alive(), "the PWM thread did not end when the virtual clock ran out"
    return drives


def share_and_period(drives: list[tuple[float, int]]) -> tuple[float, float]:
    """The high share and the mean period from the first rise to the last."""
    edges = [(t, level) for (t, level), (_, before) in zip(drives[1:], drives) if level != before]
    rises = [t for t, level in edges if level == 1]
    window = [(t, level) for t, level in edges if rises[0] <= t <= rises[-1]]
    high = sum(b - a for (a, level), (b, _) in zip(window, window[1:]) if level == 1)
    return high / (rises[-1] - rises[0]), (rises[-1] - rises[0]) / (len(rises) - 1)


@pytest.mark.parametrize("duty", [0.1, 0.25, 0.5, 0.75, 0.9])
def test_on_time_wake_ups_give_the_duty_cycle_and_period_exactly(duty: float, monkeypatch: pytest.MonkeyPatch) -> None:
    high, period = share_and_period(run(duty, 100, [0.0], 400, monkeypatch))
    assert high == pytest.approx(duty, abs=1e-6) and period == pytest.approx(1 / 100, rel=1e-6)


@pytest.mark.parametrize("duty", [0.1, 0.25, 0.5, 0.75, 0.9])
@pytest.mark.parametrize(
    "lateness",
    [pytest.param([0.0, 0.0, 0.002], id="every-third-wake-2ms-late"),
     pytest.param([0.0005, 0.0, 0.001, 0.0, 0.004], id="gil-waits")],
)  # fmt: skip
def test_high_time_a_late_wake_up_added_is_paid_back(
    duty: float, lateness: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    high, _ = share_and_period(run(duty, 100, lateness, 400, monkeypatch))
    assert high == pytest.approx(duty, abs=0.01)


def test_the_period_follows_the_frequency(monkeypatch: pytest.MonkeyPatch) -> None:
    assert share_and_period(run(0.5, 40, [0.0], 40, monkeypatch))[1] == pytest.approx(1 / 40)
