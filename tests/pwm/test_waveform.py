"""Waveform values and the order of sysfs writes, checked without any backend."""

from __future__ import annotations

import pytest

from linuxhw.pwm import Polarity, Waveform
from linuxhw.pwm._sysfs import plan


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"period_ns": 0, "duty_ns": 0},
            r"period_ns must be 1\.\.18446744073709551615 nanoseconds when enabled, not 0",
        ),
        ({"period_ns": 2**64, "duty_ns": 0}, "period_ns must be"),
        ({"period_ns": 100, "duty_ns": 101}, r"duty_ns must be 0\.\.period_ns \(100\) nanoseconds, not 101"),
        ({"period_ns": 100, "duty_ns": -1}, "duty_ns must be"),
    ],
)
def test_bad_values_name_the_field_and_the_range(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Waveform(kwargs["period_ns"], kwargs["duty_ns"])


def test_bad_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="period_ns must be an int"):
        Waveform(1.5, 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"polarity must be a pwm\.Polarity"):
        Waveform(10, 5, "inversed")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="enabled must be True or False"):
        Waveform(10, 5, enabled=1)  # type: ignore[arg-type]


def test_a_disabled_waveform_may_have_no_period() -> None:
    assert Waveform(0, 0, enabled=False).frequency_hz == 0.0


def test_from_frequency_rounds_to_nanoseconds() -> None:
    servo = Waveform.from_frequency(50, 0.075)
    assert (servo.period_ns, servo.duty_ns, servo.frequency_hz, servo.duty_cycle) == (
        20_000_000,
        1_500_000,
        50.0,
        0.075,
    )
    assert Waveform.from_frequency(3, 1 / 3).period_ns == 333_333_333
    with pytest.raises(ValueError, match="frequency_hz must be > 0"):
        Waveform.from_frequency(0, 0.5)
    with pytest.raises(ValueError, match=r"duty_cycle must be a fraction 0\.0\.\.1\.0, not 1.5"):
        Waveform.from_frequency(50, 1.5)


OFF = Waveform(0, 0, enabled=False)


@pytest.mark.parametrize(
    ("current", "target", "steps"),
    [
        (OFF, Waveform(1000, 500), [("period", "1000"), ("duty_cycle", "500"), ("enable", "1")]),
        (Waveform(1000, 900), Waveform(100, 50), [("duty_cycle", "50"), ("period", "100")]),
        (Waveform(100, 50), Waveform(1000, 900), [("period", "1000"), ("duty_cycle", "900")]),
        (Waveform(1000, 500), Waveform(1000, 500, Polarity.INVERSED),
         [("enable", "0"), ("polarity", "inversed"), ("enable", "1")]),
        (Waveform(1000, 500), Waveform(1000, 500, enabled=False), [("enable", "0")]),
        (Waveform(1000, 500), Waveform(1000, 500), []),
    ],
)  # fmt: skip
def test_the_writes_keep_every_step_valid(current: Waveform, target: Waveform, steps: list[tuple[str, str]]) -> None:
    assert plan(current, target) == steps
