"""Fuzzing linuxhw.gpio: every public constructor and call with hostile arguments on a checked mock board."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linuxhw import gpio
from tests.fuzz.harness import Fuzzed, Op, anything, close_result, either, either_key, fuzzed, method_op
from tests.fuzz.profiles import FUZZ
from tests.fuzz.strategies import line_configs, line_settings, lines, small_ints, timeouts, values

chips = either(
    st.sampled_from([0, 1, 2, -1, "gpiochip0", "/dev/gpiochip1", "pinctrl-bcm2711", "mock-expander", "nope"])
)
on_lost = either(st.sampled_from(["count", "warn", "raise", "nope"]))


def _chip(world: Fuzzed, data: st.DataObject) -> None:
    close_result(world.call(gpio.Chip, data.draw(chips)))


def _line_settings(world: Fuzzed, data: st.DataObject) -> None:
    names = ["direction", "edge", "bias", "drive", "active_low", "debounce_period", "event_clock", "output_value"]
    kwargs = data.draw(st.fixed_dictionaries({}, optional={name: anything for name in names}))
    world.call(gpio.LineSettings, **kwargs)


def _request_lines(world: Fuzzed, data: st.DataObject) -> None:
    kwargs = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "consumer": either(st.text(max_size=40)),
                "event_buffer_size": either(small_ints),
                "output_values": either(st.dictionaries(either_key(lines), values, max_size=3)),
                "on_lost": on_lost,
            },
        )
    )
    close_result(world.call(gpio.request_lines, data.draw(chips), data.draw(line_configs), **kwargs))


def _request_line(world: Fuzzed, data: st.DataObject) -> None:
    settings = data.draw(st.one_of(st.none(), line_settings, anything))
    consumer = data.draw(anything)
    close_result(
        world.call_expecting((LookupError,), gpio.request_line, data.draw(either(lines)), settings, consumer=consumer)
    )


def _find_line(world: Fuzzed, data: st.DataObject) -> None:
    world.call_expecting((LookupError,), gpio.find_line, data.draw(either(lines)))


def _chip_call(method: str, *args: st.SearchStrategy[Any]) -> Op:
    return method_op(lambda: gpio.Chip(0), method, *args)


def _open_request() -> gpio.LineRequest:
    """Four lines: two outputs (0, 1), two inputs with edge detection (2, 3)."""
    out = gpio.LineSettings(direction=gpio.Direction.OUTPUT)
    edges = gpio.LineSettings(direction=gpio.Direction.INPUT, edge=gpio.Edge.BOTH)
    return gpio.request_lines(0, {(0, 1): out, ("GPIO2", 3): edges})


def _request_call(method: str, *args: st.SearchStrategy[Any]) -> Op:
    return method_op(_open_request, method, *args)


masks = either(st.one_of(st.none(), st.integers(-1, 0x1F)))
OPS: dict[str, Op] = {
    "Chip": _chip,
    "LineSettings": _line_settings,
    "request_lines": _request_lines,
    "request_line": _request_line,
    "find_line": _find_line,
    "Chip.line_offset": _chip_call("line_offset", either(lines)),
    "Chip.line_info": _chip_call("line_info", either(lines)),
    "Chip.watch_line_info": _chip_call("watch_line_info", either(lines)),
    "Chip.unwatch_line_info": _chip_call("unwatch_line_info", either(lines)),
    "Chip.wait_info_event": _chip_call("wait_info_event", timeouts),
    "Chip.read_info_event": _chip_call("read_info_event", timeouts),
    "Chip.request_lines": _chip_call("request_lines", line_configs),
    "LineRequest.get_value": _request_call("get_value", either(lines)),
    "LineRequest.set_value": _request_call("set_value", either(lines), values),
    "LineRequest.get_bits": _request_call("get_bits", masks),
    "LineRequest.set_bits": _request_call("set_bits", either(st.integers(-1, 0x1F)), masks),
    "LineRequest.get_values": _request_call("get_values", either(st.lists(either(lines), max_size=4))),
    "LineRequest.set_values": _request_call(
        "set_values", either(st.dictionaries(either_key(lines), values, max_size=4))
    ),
    "LineRequest.reconfigure": _request_call(
        "reconfigure",
        line_configs,
        either(st.one_of(st.none(), st.dictionaries(either_key(lines), values, max_size=3))),
    ),
    "LineRequest.wait_edge_events": _request_call("wait_edge_events", timeouts),
    "LineRequest.read_edge_events": _request_call(
        "read_edge_events", either(st.one_of(st.none(), small_ints)), timeouts
    ),
}


@pytest.mark.parametrize("name", list(OPS))
@FUZZ
@given(data=st.data())
def test_gpio_call(name: str, data: st.DataObject) -> None:
    with fuzzed("gpio") as world:
        OPS[name](world, data)
