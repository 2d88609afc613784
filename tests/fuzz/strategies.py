"""Plausible values per kind of argument (mixed with anything at all by harness.either)."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from linuxhw import gpio
from tests.fuzz.harness import either, either_key

# Never a long wait: these are the timeouts a fuzzed blocking call gets (no None, no big positive value,
# which would block as asked), but with every wrong kind and sign.
timeouts: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([0, 0.0, 0.001, -1, -0.5, math.nan, -math.inf, False, "0", b"", [], 1j]),
    st.floats(max_value=0.001),
    st.integers(max_value=0),
)
small_ints = st.integers(-3, 300)


def _view(raw: bytes) -> memoryview:
    return memoryview(raw)


sizes = st.one_of(st.integers(-2, 70), st.sampled_from([255, 256, 4096, 4097, 8192, 8193, 65536]))
buffers: st.SearchStrategy[Any] = st.one_of(
    st.binary(max_size=40),
    st.binary(max_size=40).map(bytearray),
    st.binary(max_size=40).map(_view),
    st.sampled_from([0, 1, 31, 32, 33, 4096, 4097, 8193]).map(bytes),
)

# GPIO: lines of the demo board's first chip (GPIO0..GPIO27) and of the expander, by offset and name.
lines = st.one_of(st.integers(-2, 30), st.sampled_from(["GPIO0", "GPIO2", "GPIO27", "LED0", "IRQ", "nope", ""]))
values = either(st.sampled_from([0, 1]))
line_settings = (
    st.builds(
        gpio.LineSettings,
        direction=st.sampled_from(gpio.Direction),
        edge=st.just(gpio.Edge.NONE),
        output_value=st.sampled_from([None]),
    )
    | st.builds(
        gpio.LineSettings,
        direction=st.just(gpio.Direction.INPUT),
        edge=st.sampled_from(gpio.Edge),
        bias=st.sampled_from([gpio.Bias.AS_IS, gpio.Bias.DISABLED, gpio.Bias.PULL_UP, gpio.Bias.PULL_DOWN]),
        debounce_period=st.sampled_from([0.0, 0.001, timedelta(microseconds=5)]),
        event_clock=st.sampled_from([gpio.Clock.MONOTONIC, gpio.Clock.REALTIME]),
        active_low=st.booleans(),
    )
    | st.builds(
        gpio.LineSettings,
        direction=st.just(gpio.Direction.OUTPUT),
        drive=st.sampled_from(gpio.Drive),
        output_value=st.sampled_from([None, 0, 1]),
        active_low=st.booleans(),
    )
)
line_configs = either(st.dictionaries(either_key(lines), st.one_of(st.none(), line_settings), max_size=4))
