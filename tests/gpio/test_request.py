"""Conformance: line requests — values, per-line settings, reconfiguration, busy lines, lifecycle."""

from __future__ import annotations

from typing import Any

import pytest

from linuxhw import ClosedError, DeviceBusyError, UnsupportedError, _fastpath, gpio
from linuxhw.gpio import Bias, Direction, Drive, Edge, LineSettings
from tests.conftest import GpioSimulator

OUT = LineSettings(direction=Direction.OUTPUT)
IN = LineSettings(direction=Direction.INPUT)


def test_output_drives_the_line(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4, names={2: "LED"})
    with gpio.request_lines(sim.path(chip), {"LED": OUT}, consumer="blinker") as req:
        assert chip.get_value(2) == 0
        req.set_value("LED", 1)
        assert chip.get_value(2) == 1
        assert req.get_value(2) == 1
        req.set_value(2, 0)
        assert (chip.get_value(2), req.get_value("LED")) == (0, 0)


def test_output_value_at_request_time(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    config = {0: OUT.replace(output_value=1), (1, 2): OUT}
    with gpio.request_lines(sim.path(chip), config, output_values={2: 1}) as req:
        assert [chip.get_value(i) for i in range(3)] == [1, 0, 1]
        assert req.get_values() == [1, 0, 1]


def test_input_follows_the_pull(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    with gpio.request_lines(sim.path(chip), {1: IN}) as req:
        assert req.get_value(1) == 0
        chip.set_pull(1, 1)
        assert req.get_value(1) == 1
        chip.set_pull(1, 0)
        assert req.get_value(1) == 0


def test_active_low_inverts_both_ways(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    config = {0: OUT.replace(active_low=True), 1: IN.replace(active_low=True)}
    with gpio.request_lines(sim.path(chip), config) as req:
        assert chip.get_value(0) == 1  # logical 0 on an active-low output is a high level
        req.set_value(0, 1)
        assert chip.get_value(0) == 0
        chip.set_pull(1, 1)
        assert req.get_value(1) == 0


def test_bias_is_applied_to_the_line(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    config = {0: IN.replace(bias=Bias.PULL_UP), 1: IN.replace(bias=Bias.PULL_DOWN)}
    with gpio.request_lines(sim.path(chip), config) as req:
        assert req.get_values() == [1, 0]


def test_bulk_values_on_64_lines(sim: GpioSimulator) -> None:
    chip = sim.add_chip(64)
    outputs = tuple(range(0, 64, 2))
    inputs = tuple(range(1, 64, 2))
    with gpio.request_lines(sim.path(chip), {outputs: OUT, inputs: IN}) as req:
        assert req.offsets == outputs + inputs
        pattern = 0b1011_0110_1110_0101_1100_0011_1010_0110
        req.set_bits(pattern)
        assert [chip.get_value(o) for o in outputs] == [(pattern >> i) & 1 for i in range(32)]
        for i, offset in enumerate(inputs):
            if i % 3 == 0:
                chip.set_pull(offset, 1)
        bits = req.get_bits()
        assert bits & 0xFFFF_FFFF == pattern
        assert [(bits >> (32 + i)) & 1 for i in range(32)] == [int(i % 3 == 0) for i in range(32)]
        req.set_values({0: 0, 2: 1})
        assert req.get_values([0, 2, 1, 3]) == [0, 1, 1, 0]
        assert req.get_bits(0b11) == 0b10  # index 0 is line 0 (now 0), index 1 is line 2 (now 1)


def test_per_line_settings_show_in_line_info(sim: GpioSimulator) -> None:
    chip = sim.add_chip(6)
    config = {
        0: OUT.replace(drive=Drive.OPEN_DRAIN),
        1: OUT.replace(drive=Drive.OPEN_SOURCE, active_low=True),
        2: IN.replace(bias=Bias.PULL_UP, edge=Edge.RISING),
        3: IN.replace(bias=Bias.PULL_DOWN, edge=Edge.BOTH, debounce_period=0.01),
        4: IN.replace(bias=Bias.DISABLED, edge=Edge.FALLING, event_clock=gpio.Clock.REALTIME),
    }
    with gpio.Chip(sim.path(chip)) as handle, handle.request_lines(config, consumer="settings") as req:
        infos = [handle.line_info(i) for i in range(5)]
        assert all(i.used and i.consumer == "settings" for i in infos)
        assert [i.direction for i in infos] == [Direction.OUTPUT] * 2 + [Direction.INPUT] * 3
        assert [i.drive for i in infos[:2]] == [Drive.OPEN_DRAIN, Drive.OPEN_SOURCE]
        assert [i.active_low for i in infos] == [False, True, False, False, False]
        assert [i.bias for i in infos[2:]] == [Bias.PULL_UP, Bias.PULL_DOWN, Bias.DISABLED]
        assert [i.edge for i in infos[2:]] == [Edge.RISING, Edge.BOTH, Edge.FALLING]
        assert infos[3].debounce_period == pytest.approx(0.01) and infos[3].debounced
        assert infos[4].event_clock is gpio.Clock.REALTIME
        assert req.settings[3].debounce_period == pytest.approx(0.01)
    with gpio.Chip(sim.path(chip)) as handle:
        released = handle.line_info(3)
        assert (released.used, released.consumer, released.debounce_period) == (False, "", 0.0)


def test_reconfigure_changes_only_named_lines_and_keeps_values(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    with gpio.Chip(sim.path(chip)) as handle, handle.request_lines({(0, 1): OUT, 2: IN}) as req:
        req.set_values({0: 1, 1: 1})
        req.reconfigure({2: OUT.replace(output_value=1)})
        assert [chip.get_value(i) for i in range(3)] == [1, 1, 1]
        req.reconfigure({1: IN.replace(bias=Bias.PULL_DOWN)}, output_values={0: 0})
        assert [chip.get_value(0), req.get_value(1), chip.get_value(2)] == [0, 0, 1]
        assert handle.line_info(1).direction is Direction.INPUT
        assert handle.line_info(0).direction is Direction.OUTPUT
        assert req.settings[1].bias is Bias.PULL_DOWN
        with pytest.raises(ValueError, match="not an output"):
            req.set_value(1, 1)


def test_a_reconfigure_seen_before_ends_as_the_full_computation(sim: GpioSimulator) -> None:
    """A reconfigure() call made before from the same configuration reuses its result (a lookup and
    the ioctl): the lines end as after the full computation, which output_values={} forces, step by
    step, on request A (lines 0, 1) and request B (lines 2, 3). A step that keeps an output's value
    reads the line each time: it is never reused."""
    chip = sim.add_chip(4)
    high = OUT.replace(output_value=1)
    pulled = IN.replace(bias=Bias.PULL_UP)
    script: list[tuple[dict[Any, LineSettings | None], dict[Any, LineSettings | None]]] = [  # as A, then B
        ({0: high}, {2: high}),
        ({0: pulled, 1: high}, {2: pulled, 3: high}),
        ({(0, 1): OUT}, {(2, 3): OUT}),  # line 1 stays an output: its value is read, not reused
        ({1: None}, {3: None}),
    ]
    with (
        gpio.Chip(sim.path(chip)) as handle,
        handle.request_lines({(0, 1): IN}) as a,
        handle.request_lines({(2, 3): IN}) as b,
    ):
        for a_config, b_config in script * 3:
            a.reconfigure(a_config)
            b.reconfigure(b_config, {})
            assert list(a.settings.values()) == list(b.settings.values())
            assert [chip.get_value(i) for i in (0, 1)] == [chip.get_value(i) for i in (2, 3)]
            assert a.get_values() == b.get_values()
            directions = [handle.line_info(i).direction for i in range(4)]
            assert directions[:2] == directions[2:]
        reused = [step for config in a._configs.values() for step in config.steps]
        assert reused and not any(config.steps for config in b._configs.values())
        assert (((0, 1),), (id(OUT),)) not in reused  # the step that reads line 1


def test_second_request_of_a_line_is_busy_and_names_the_holder(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4, names={1: "MOTOR"})
    with gpio.Chip(sim.path(chip)) as handle, handle.request_lines({1: OUT}, consumer="motor-app"):
        with pytest.raises(DeviceBusyError, match=r"line 1 \('MOTOR'\) is in use by consumer 'motor-app'") as info:
            handle.request_lines({1: IN})
        assert info.value.errno == 16 and info.value.filename == sim.path(chip)


def test_failed_request_leaves_no_line_requested(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4, hogs={2: ("hog", "input")})
    with gpio.Chip(sim.path(chip)) as handle:
        with pytest.raises(DeviceBusyError, match="consumer 'hog'"):
            handle.request_lines({(0, 1, 2): IN})
        assert not handle.line_info(0).used and not handle.line_info(1).used
        with handle.request_lines({(0, 1): IN}):
            pass


def test_bad_requests_are_refused_before_the_kernel(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    with gpio.Chip(sim.path(chip)) as handle:
        with pytest.raises(ValueError, match="appears twice"):
            handle.request_lines({0: IN, (1, 0): IN})
        with pytest.raises(ValueError, match="consumer must be at most 31 bytes"):
            handle.request_lines({0: IN}, consumer="x" * 32)
        with pytest.raises(ValueError, match="1 to 64 lines"):
            handle.request_lines({})
        with pytest.raises(ValueError, match="on_lost must be one of"):
            handle.request_lines({0: IN}, on_lost="ignore")
        with pytest.raises(ValueError, match="event_buffer_size"):
            handle.request_lines({0: IN}, event_buffer_size=-1)
        with pytest.raises(ValueError, match="not an output line"):
            handle.request_lines({0: IN}, output_values={0: 1})
        with pytest.raises(TypeError, match="LineSettings or None"):
            handle.request_lines({0: "input"})  # type: ignore[dict-item]
        with pytest.raises(ValueError, match="out of range"):
            handle.request_lines({7: IN})
        assert not any(info.used for info in handle.line_infos())


def test_value_arguments_are_checked(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    with gpio.request_lines(sim.path(chip), {0: OUT, 1: IN}) as req:
        with pytest.raises(ValueError, match="0 or 1"):
            req.set_value(0, 2)
        with pytest.raises(ValueError, match="not an output"):
            req.set_value(1, 1)
        with pytest.raises(ValueError, match=r"line 3 is not in this request; requested: 0, 1"):
            req.get_value(3)
        with pytest.raises(ValueError, match="mask must select output lines"):
            req.set_bits(0b11, 0b11)
        with pytest.raises(ValueError, match="mask must select lines"):
            req.get_bits(0b100)
        with pytest.raises(ValueError, match="at least one line"):
            req.set_values({})


def test_request_lifecycle_and_finalizer(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.Chip(sim.path(chip)) as handle:
        req = handle.request_lines({0: OUT})
        req.close()
        req.release()
        with pytest.raises(ClosedError, match="closed"):
            req.set_value(0, 1)
        with pytest.raises(ClosedError):
            req.get_value(0)
        assert not handle.line_info(0).used
        forgotten = handle.request_lines({1: OUT})
        with pytest.warns(ResourceWarning, match="unclosed GPIO line request"):
            del forgotten
        assert not handle.line_info(1).used


def test_request_outlives_its_chip_handle(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    req = gpio.request_lines(chip.label, {0: OUT})
    with req:
        req.set_value(0, 1)
        assert chip.get_value(0) == 1
    assert chip.get_value(0) == 0  # released: gpio-sim's line follows its pull again


def test_request_line_by_global_name(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4, names={3: "lhw-RELAY"})
    with gpio.request_line("lhw-RELAY", OUT, consumer="relay") as req:
        req.set_value("lhw-RELAY", 1)
        assert chip.get_value(3) == 1


def test_hte_clock_without_kernel_support_is_unsupported(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with pytest.raises(UnsupportedError, match="CONFIG_HTE"):
        gpio.request_lines(sim.path(chip), {0: IN.replace(edge=Edge.BOTH, event_clock=gpio.Clock.HTE)})


def test_get_and_set_value_are_c_calls_on_the_kernel_that_defer_everything_else(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    req = gpio.request_lines(sim.path(chip), {(0, 2): OUT, 1: IN})
    get, put = req.get_value, req.set_value
    assert isinstance(req._c_values, _fastpath.GpioValues) == (sim.board is None)  # the kernel backend
    put(0, 1)
    put(2, True)
    assert (get(0), get(1), get(2)) == (1, 0, 1)
    put(line=0, value=0)  # keywords: the Python methods
    assert req.get_value(line=0) == 0
    put(2, 0)
    assert get(2) == 0
    with pytest.raises(ValueError, match="0 or 1"):
        put(0, 2)
    with pytest.raises(ValueError, match="not an output"):
        put(1, 1)
    with pytest.raises(ValueError, match="line 3 is not in this request"):
        get(3)
    req.reconfigure({1: OUT, 0: IN})  # the outputs change: so do the calls
    req.set_value(1, 1)
    assert req.get_value(1) == 1
    with pytest.raises(ValueError, match="not an output"):
        req.set_value(0, 1)
    for config in ({1: IN, 0: OUT}, {1: OUT, 0: IN}, {1: IN, 0: OUT}):  # the last one a step seen (C on the kernel)
        req.reconfigure(config)
    req.set_values({0: 1, 2: 0})
    assert req.get_values([0, 2]) == [1, 0]
    with pytest.raises(ValueError, match="line 1 is not an output"):
        req.set_values({1: 1})
    with pytest.raises(ValueError, match="not an output"):
        put(1, 1)
    req.close()
    with pytest.raises(ClosedError):
        get(0)
    with pytest.raises(ClosedError):
        put(2, 1)
