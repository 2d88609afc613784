"""LineSettings validation and the encoding of per-line settings into the kernel's line config."""

from __future__ import annotations

from datetime import timedelta

import pytest

from linuxhw._uapi import ffi, lib
from linuxhw.gpio import Bias, Clock, Direction, Drive, Edge, LineSettings
from linuxhw.gpio._config import fill_line_config

IN = LineSettings(direction=Direction.INPUT)
OUT = LineSettings(direction=Direction.OUTPUT)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"edge": Edge.BOTH}, "edge=BOTH needs direction=INPUT"),
        ({"direction": Direction.OUTPUT, "edge": Edge.RISING}, "needs direction=INPUT"),
        ({"direction": Direction.OUTPUT, "debounce_period": 0.01}, "debounce_period needs direction=INPUT"),
        ({"direction": Direction.INPUT, "drive": Drive.OPEN_DRAIN}, "drive=OPEN_DRAIN needs direction=OUTPUT"),
        ({"bias": Bias.PULL_UP}, "bias=PULL_UP needs an explicit direction"),
        ({"direction": Direction.INPUT, "output_value": 1}, "output_value applies to direction=OUTPUT"),
        ({"direction": Direction.OUTPUT, "output_value": 2}, "output_value must be 0, 1 or None"),
        ({"direction": Direction.INPUT, "debounce_period": -1.0}, "debounce_period must be between"),
        ({"direction": Direction.INPUT, "debounce_period": 5000.0}, "debounce_period must be between"),
        ({"direction": Direction.INPUT, "bias": Bias.UNKNOWN}, "only describes line info"),
    ],
)
def test_kernel_rules_are_explained(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LineSettings(**changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"direction": "input"}, "direction must be one of Direction.AS_IS"),
        ({"edge": True}, "edge must be one of"),
        ({"active_low": 1}, "active_low must be a bool"),
        ({"debounce_period": "1ms"}, "debounce_period must be seconds"),
    ],
)
def test_wrong_types_are_type_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        LineSettings(**changes)  # type: ignore[arg-type]


def test_debounce_accepts_timedelta_and_rounds_to_microseconds() -> None:
    settings = IN.replace(debounce_period=timedelta(milliseconds=1.5))
    assert settings.debounce_period == pytest.approx(0.0015)
    assert settings.debounce_us == 1500


def test_flags() -> None:
    flags = IN.replace(edge=Edge.BOTH, bias=Bias.PULL_UP, active_low=True, event_clock=Clock.REALTIME).to_flags()
    assert flags == (
        lib.GPIO_V2_LINE_FLAG_INPUT
        | lib.GPIO_V2_LINE_FLAG_EDGE_RISING
        | lib.GPIO_V2_LINE_FLAG_EDGE_FALLING
        | lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP
        | lib.GPIO_V2_LINE_FLAG_ACTIVE_LOW
        | lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME
    )
    assert OUT.replace(drive=Drive.OPEN_SOURCE).to_flags() == (
        lib.GPIO_V2_LINE_FLAG_OUTPUT | lib.GPIO_V2_LINE_FLAG_OPEN_SOURCE
    )
    assert LineSettings().to_flags() == 0


def _attrs(config: object) -> list[tuple[int, int, int]]:
    out = []
    for i in range(config.num_attrs):  # type: ignore[attr-defined]
        slot = config.attrs[i]  # type: ignore[attr-defined]
        value = {
            lib.GPIO_V2_LINE_ATTR_ID_FLAGS: slot.attr.flags,
            lib.GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES: slot.attr.values,
            lib.GPIO_V2_LINE_ATTR_ID_DEBOUNCE: slot.attr.debounce_period_us,
        }[slot.attr.id]
        out.append((slot.attr.id, value, slot.mask))
    return out


def test_config_uses_the_most_common_flags_as_default() -> None:
    config = ffi.new("struct gpio_v2_line_config *")
    config.padding[0] = 7  # stale data must be cleared
    settings = [IN, OUT, IN, IN.replace(debounce_period=0.001), OUT.replace(active_low=True)]
    fill_line_config(config, settings, [0, 1, 0, 0, 1])
    assert config.flags == IN.to_flags()
    assert list(config.padding) == [0] * 5
    assert _attrs(config) == [
        (lib.GPIO_V2_LINE_ATTR_ID_FLAGS, OUT.to_flags(), 0b00010),
        (lib.GPIO_V2_LINE_ATTR_ID_FLAGS, OUT.replace(active_low=True).to_flags(), 0b10000),
        (lib.GPIO_V2_LINE_ATTR_ID_DEBOUNCE, 1000, 0b01000),
        (lib.GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES, 0b10010, 0b10010),
    ]


def test_config_with_too_many_distinct_settings_is_refused() -> None:
    config = ffi.new("struct gpio_v2_line_config *")
    settings = [IN.replace(debounce_period=(i + 1) / 1000) for i in range(11)]
    with pytest.raises(ValueError, match="need 11 kernel attributes but the GPIO uAPI allows 10"):
        fill_line_config(config, settings, [0] * 11)
