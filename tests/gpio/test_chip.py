"""Conformance: chips and line info, on the mock and on gpio-sim."""

from __future__ import annotations

import os
import select

import pytest

from linuxhw import ClosedError, DeviceBusyError, DeviceNotFoundError, gpio
from tests.conftest import GpioSimulator
from tests.waiting import DEADLINE


def test_chip_info_and_every_way_to_open(sim: GpioSimulator) -> None:
    chip = sim.add_chip(8, names={0: "A"})
    path = sim.path(chip)
    number = int(chip.chip_name[len("gpiochip") :])
    for spec in (path, number, chip.chip_name, chip.label):
        with gpio.Chip(spec) as handle:
            assert handle.path == path
            assert handle.info == gpio.ChipInfo(chip.chip_name, chip.label, 8)


def test_chips_lists_each_chip(sim: GpioSimulator) -> None:
    first, second = sim.add_chip(4), sim.add_chip(6)
    infos = {info.label: info for info in gpio.chips()}
    assert infos[first.label].num_lines == 4
    assert infos[second.label].num_lines == 6


def test_unknown_chip_is_not_found(sim: GpioSimulator) -> None:
    sim.add_chip(4)
    with pytest.raises(DeviceNotFoundError, match="no GPIO chip named 'no-such-label'"):
        gpio.Chip("no-such-label")
    with pytest.raises(DeviceNotFoundError) as info:
        gpio.Chip("/dev/gpiochip999")
    assert info.value.filename == "/dev/gpiochip999"
    assert info.value.operation == "open"


def test_line_info_of_fresh_lines_and_hogs(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4, names={0: "LED", 2: "BTN"}, hogs={3: ("hogger", "output-high")})
    with gpio.Chip(sim.path(chip)) as handle:
        infos = handle.line_infos()
    assert [i.name for i in infos] == ["LED", "", "BTN", ""]
    fresh = infos[0]
    assert (fresh.used, fresh.consumer, fresh.direction) == (False, "", gpio.Direction.INPUT)
    assert (fresh.edge, fresh.drive, fresh.debounce_period) == (gpio.Edge.NONE, gpio.Drive.PUSH_PULL, 0.0)
    hog = infos[3]
    assert (hog.used, hog.consumer, hog.direction) == (True, "hogger", gpio.Direction.OUTPUT)
    assert chip.get_value(3) == 1


def test_line_by_name_on_chip_and_across_chips(sim: GpioSimulator) -> None:
    sim.add_chip(4, names={1: "lhw-ALPHA"})
    other = sim.add_chip(4, names={2: "lhw-BETA", 3: "lhw-TWICE", 0: "lhw-TWICE"})
    location = gpio.find_line("lhw-BETA")
    assert (location.chip_path, location.offset, location.chip_label) == (sim.path(other), 2, other.label)
    with gpio.Chip(sim.path(other)) as handle:
        assert handle.line_offset("lhw-BETA") == 2
        with pytest.raises(ValueError, match="not unique"):
            handle.line_offset("lhw-TWICE")
        with pytest.raises(ValueError, match="no line named 'lhw-ALPHA'"):
            handle.line_info("lhw-ALPHA")
    with pytest.raises(LookupError, match="not unique"):
        gpio.find_line("lhw-TWICE")
    with pytest.raises(LookupError, match="no GPIO line named"):
        gpio.find_line("lhw-NOWHERE")


def test_duplicate_name_across_chips_is_reported(sim: GpioSimulator) -> None:
    first, second = sim.add_chip(2, names={0: "lhw-DUP"}), sim.add_chip(2, names={1: "lhw-DUP"})
    with pytest.raises(LookupError) as info:
        gpio.find_line("lhw-DUP")
    assert sim.path(first) in str(info.value) and sim.path(second) in str(info.value)


def test_bad_line_arguments_fail_before_the_kernel(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4)
    with gpio.Chip(sim.path(chip)) as handle:
        with pytest.raises(ValueError, match=r"out of range .*\(0\.\.3\)"):
            handle.line_info(4)
        with pytest.raises(TypeError, match=r"offset \(int\) or a name"):
            handle.line_info(1.5)  # type: ignore[arg-type]


def test_chip_handle_lifecycle(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    handle = gpio.Chip(sim.path(chip))
    assert isinstance(handle.fileno(), int)
    handle.close()
    handle.close()
    assert handle.closed
    with pytest.raises(ClosedError, match="closed"):
        handle.line_info(0)
    with pytest.raises(ClosedError):
        handle.fileno()


def test_forgotten_chip_is_closed_with_a_warning(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    handle = gpio.Chip(sim.path(chip))
    fd = handle.fileno()
    with pytest.warns(ResourceWarning, match="unclosed GPIO chip"):
        del handle
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.fstat(fd)


def test_watch_and_info_events(sim: GpioSimulator) -> None:
    chip = sim.add_chip(4, names={1: "W"})
    with gpio.Chip(sim.path(chip)) as handle:
        info = handle.watch_line_info("W")
        assert info.offset == 1 and not info.used
        assert not handle.wait_info_event(0.05)
        with handle.request_lines({1: gpio.LineSettings(direction=gpio.Direction.INPUT)}, consumer="watcher"):
            pass
        with handle.request_lines({1: gpio.LineSettings(direction=gpio.Direction.OUTPUT)}) as req:
            req.reconfigure({1: gpio.LineSettings(direction=gpio.Direction.INPUT, bias=gpio.Bias.PULL_UP)})
        assert select.select([handle], [], [], DEADLINE)[0] == [handle]
        events = list(handle.info_events(timeout=0.2))
        kinds = [e.type for e in events]
        assert kinds == [
            gpio.InfoChangeType.REQUESTED,
            gpio.InfoChangeType.RELEASED,
            gpio.InfoChangeType.REQUESTED,
            gpio.InfoChangeType.RECONFIGURED,
            gpio.InfoChangeType.RELEASED,
        ]
        assert events[0].info.consumer == "watcher" and events[0].info.used
        assert events[3].info.bias is gpio.Bias.PULL_UP
        assert not events[4].info.used
        stamps = [e.timestamp_ns for e in events]
        assert stamps == sorted(stamps)
        handle.unwatch_line_info(1)
        with handle.request_lines({1: None}):
            pass
        assert handle.read_info_event(timeout=0.1) is None


def test_double_watch_and_stray_unwatch_are_busy(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.Chip(sim.path(chip)) as handle:
        handle.watch_line_info(0)
        with pytest.raises(DeviceBusyError):
            handle.watch_line_info(0)
        with pytest.raises(OSError, match="not watched"):
            handle.unwatch_line_info(1)


def test_watches_are_per_open_chip(sim: GpioSimulator) -> None:
    chip = sim.add_chip(2)
    with gpio.Chip(sim.path(chip)) as watcher, gpio.Chip(sim.path(chip)) as other:
        watcher.watch_line_info(0)
        with other.request_lines({0: None}):
            pass
        assert watcher.read_info_event(timeout=DEADLINE) is not None
        assert other.read_info_event(timeout=0.05) is None
