"""Every C method of the public classes (linuxhw/_ext/) against the Python/cffi path it stands in for, on
the same kernel device: the same values, the same exceptions with the same errno and message. A call with
keywords takes the class's Python method (the C methods make only the common positional call), so each
pair is one call made both ways."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from linuxhw import ClosedError, DeviceRemovedError, NoAckError, _fastpath, dmabuf, gpio, i2c, spi
from linuxhw._kernel.real import RealBackend
from linuxhw.sim import GpioSim
from tests.conftest import require_kernel_devices
from tests.i2c.conftest import STUB_NAME
from tests.spi.conftest import _sim_node

pytestmark = pytest.mark.kernel

Outcome = tuple[Any, ...]


def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """What ``call(*args, **kwargs)`` gave: its value, or its exception's type, errno and message."""
    try:
        return ("returned", call(*args, **kwargs))
    except Exception as exc:  # the comparison is the point: whatever it raised
        return (type(exc), getattr(exc, "errno", None), str(exc))


@pytest.fixture
def gpio_sim() -> Iterator[tuple[GpioSim, gpio.Chip]]:
    with GpioSim() as sim:
        sim.add_bank(4, label=f"lhw-c-paths-{os.getpid()}")
        sim.enable()
        with gpio.Chip(str(sim.banks[0].dev_path), backend=RealBackend()) as chip:
            yield sim, chip


def test_gpio_values_and_their_errors_are_the_python_methods(gpio_sim: tuple[GpioSim, gpio.Chip]) -> None:
    sim, chip = gpio_sim
    output = gpio.LineSettings(direction=gpio.Direction.OUTPUT)
    with chip.request_lines({0: output, 1: output}) as request:
        assert isinstance(request._c_values, _fastpath.GpioValues)
        for value in (1, 0):
            request.set_value(0, value)  # C
            request.set_value(line=1, value=value)  # Python
            assert outcome(request.get_value, 0) == outcome(request.get_value, line=0) == ("returned", value)
            assert request.get_value(1) == request.get_value(line=1) == value
        sim.disable()  # the chip goes: every call on the request fails with ENODEV
        removed = outcome(request.get_value, 0)
        assert removed[0] is DeviceRemovedError
        assert removed == outcome(request.get_value, line=0)
        assert outcome(request.set_value, 0, 1) == outcome(request.set_value, line=0, value=1)


def test_gpio_bulk_values_and_their_errors_are_the_python_methods(gpio_sim: tuple[GpioSim, gpio.Chip]) -> None:
    """get_values()/set_values() in C (a list or tuple of lines, a dict of values) against the Python
    methods (keywords): the same values in the same order, the same errors for what the C hands on."""
    sim, chip = gpio_sim
    output = gpio.LineSettings(direction=gpio.Direction.OUTPUT)
    inp = gpio.LineSettings(direction=gpio.Direction.INPUT)
    with chip.request_lines({(0, 1, 2): output, 3: inp}) as request:
        assert isinstance(request._c_values, _fastpath.GpioValues)
        for bits in (0b101, 0b010, 0b111, 0):
            values = {line: (bits >> line) & 1 for line in (0, 1, 2)}
            assert outcome(request.set_values, values) == ("returned", None)  # C
            assert request.get_values() == request.get_values(lines=None) == [(bits >> i) & 1 for i in range(3)] + [0]
            asked = [2, 0, 2, 1]
            assert outcome(request.get_values, asked) == outcome(request.get_values, lines=asked)
            assert outcome(request.get_values, tuple(asked)) == outcome(request.get_values, lines=tuple(asked))
            request.set_values(values=dict(values))  # Python: the same lines end the same
            assert request.get_bits() == bits
        request.set_values({0: True, 1: False})  # bools are values, as in the Python method
        assert request.get_values([0, 1]) == [1, 0]
        for bad in ({3: 1}, {0: 2}, {9: 1}, {}, {0: "1"}, {0: None}):  # each the Python method's error
            assert outcome(request.set_values, bad) == outcome(request.set_values, values=bad)
            assert outcome(request.set_values, bad)[0] in (ValueError, TypeError)
        assert outcome(request.set_values, {0.0: 1}) == outcome(request.set_values, values={0.0: 1})
        for bad_lines in ([], [9], ["nope"], "01", [0, None]):
            assert outcome(request.get_values, bad_lines) == outcome(request.get_values, lines=bad_lines)
            assert outcome(request.get_values, bad_lines)[0] in (ValueError, TypeError)
        sim.disable()  # the chip goes: every call on the request fails with ENODEV
        removed = outcome(request.get_values)
        assert removed[0] is DeviceRemovedError
        assert removed == outcome(request.get_values, lines=None)
        assert outcome(request.set_values, {0: 1}) == outcome(request.set_values, values={0: 1})
    assert outcome(request.get_values)[0] is ClosedError
    assert outcome(request.get_values) == outcome(request.get_values, lines=None)


def test_gpio_reconfigure_steps_and_their_errors_are_the_python_method(
    gpio_sim: tuple[GpioSim, gpio.Chip], monkeypatch: pytest.MonkeyPatch
) -> None:
    """reconfigure(config) seen before from the same configuration is one SET_CONFIG in C (no Python
    runs: LineRequest._set_config is never called); request a (lines 0, 1) takes it, request b (2, 3)
    the Python method (keywords) for the same steps: the lines end the same, errors are the same."""
    sim, chip = gpio_sim
    bank = sim.banks[0]
    python_steps: list[int] = []
    set_config = gpio.LineRequest._set_config

    def counted(request: gpio.LineRequest, config: Any) -> None:
        python_steps.append(1)
        set_config(request, config)

    monkeypatch.setattr(gpio.LineRequest, "_set_config", counted)
    high = gpio.LineSettings(direction=gpio.Direction.OUTPUT, output_value=1)
    pulled = gpio.LineSettings(direction=gpio.Direction.INPUT, bias=gpio.Bias.PULL_UP)
    low = gpio.LineSettings(direction=gpio.Direction.OUTPUT)
    script: list[tuple[dict[Any, Any], dict[Any, Any]]] = [
        ({0: high}, {2: high}),
        ({0: pulled, 1: high}, {2: pulled, 3: high}),
        ({(0, 1): low}, {(2, 3): low}),  # line 1 stays an output: never a step (its value is read)
        ({1: None, 0: pulled}, {3: None, 2: pulled}),
    ]
    with chip.request_lines({(0, 1): pulled}) as a, chip.request_lines({(2, 3): pulled}) as b:
        for round_ in range(3):
            for step, (a_config, b_config) in enumerate(script):
                python_steps.clear()
                a.reconfigure(a_config)
                b.reconfigure(config=b_config)  # keywords: always the Python method's
                a_in_c = len(python_steps) == 1
                if round_ == 0:
                    assert not a_in_c  # nothing seen yet
                elif round_ == 2:
                    assert a_in_c == (step != 2)  # every step seen in round 1 from the same configuration
                assert list(a.settings.values()) == list(b.settings.values())
                assert [bank.get_value(i) for i in (0, 1)] == [bank.get_value(i) for i in (2, 3)]
                assert a.get_values() == b.get_values()
        a.reconfigure({0: high})  # a step seen: made in C ...
        b.reconfigure(config={2: high})
        sim.disable()  # ... and once the chip is gone, a step in C fails as the Python method does
        python_steps.clear()
        removed = outcome(a.reconfigure, {0: pulled, 1: high})
        assert not python_steps, "the C reconfigure() did not make the call"
        assert removed[0] is DeviceRemovedError
        assert removed == outcome(a.reconfigure, config={0: pulled, 1: high})


def test_gpio_edge_reads_and_their_errors_are_the_python_method(gpio_sim: tuple[GpioSim, gpio.Chip]) -> None:
    sim, chip = gpio_sim
    bank = sim.banks[0]
    edges = gpio.LineSettings(direction=gpio.Direction.INPUT, edge=gpio.Edge.BOTH)
    with chip.request_lines({2: edges}) as request:
        assert isinstance(request._c_events, _fastpath.EdgeReads)
        bank.set_pull(2, 1)
        (c_event,) = request.read_edge_events()  # C: the event is queued (see tests/gpio/test_events.py)
        bank.set_pull(2, 0)
        (python_event,) = request.read_edge_events(max_events=16)  # Python
        assert (c_event.type, c_event.line_offset, c_event.seqno) == (gpio.EdgeType.RISING, 2, 1)
        assert (python_event.type, python_event.line_offset, python_event.seqno) == (gpio.EdgeType.FALLING, 2, 2)
        assert request.lost_events == 0
        sim.disable()
        removed = outcome(request.read_edge_events)
        assert removed[0] is DeviceRemovedError
        assert removed == outcome(request.read_edge_events, max_events=16)


def test_smbus_reads_and_their_errors_are_the_python_methods() -> None:
    with i2c.Bus(STUB_NAME, backend=RealBackend()) as bus:
        chip, absent = bus.device(0x1C), bus.device(0x1D)
        assert isinstance(chip._c_reads, _fastpath.SmbusReads)
        chip.write_word_data(0x40, 0xBEEF)
        for register in (0x40, 0x41):
            python = outcome(chip.read_byte_data, register=register)  # Python: it selects the device
            assert python == outcome(chip.read_byte_data, register)  # C
        assert outcome(chip.read_word_data, register=0x40) == outcome(chip.read_word_data, 0x40)
        assert chip.read_word_data(0x40) == 0xBEEF
        python = outcome(absent.read_byte_data, register=0)  # nothing acknowledges 0x1d on i2c-stub
        assert python[0] is NoAckError
        assert python == outcome(absent.read_byte_data, 0)
        assert outcome(absent.read_word_data, register=0) == outcome(absent.read_word_data, 0)


def test_spi_write_and_transfer_are_the_python_methods() -> None:
    with spi.Device(_sim_node(0), max_speed_hz=1_000_000, backend=RealBackend()) as loopback:
        assert type(loopback.write).__name__ == type(loopback.transfer).__name__ == "SpiWriter"
        probe = bytes(range(1, 33))
        assert loopback.transfer(probe) == loopback.transfer(what=probe) == probe  # the simulator loops MOSI back
        assert outcome(loopback.write, probe) == outcome(loopback.write, data=probe) == ("returned", None)


def test_heap_allocate_and_its_errors_are_the_python_method() -> None:
    require_kernel_devices("/dev/dma_heap/system")
    with dmabuf.Heap("system", backend=RealBackend()) as heap:
        assert isinstance(heap._c_alloc, _fastpath.HeapAlloc)
        with heap.allocate(5000) as c_buffer, heap.allocate(size=5000) as python_buffer:
            assert (c_buffer.size, c_buffer.exporter, c_buffer.path) == (
                python_buffer.size,
                python_buffer.exporter,
                python_buffer.path,
            )
            with c_buffer.cpu_access(write=True) as view:
                view[:4] = b"\x01\x02\x03\x04"
            assert bytes(c_buffer.map()[:4]) == b"\x01\x02\x03\x04"
        heap.close()  # the C allocate still runs, on the closed gate: EBADF, which the heap's helper names
        closed = outcome(heap.allocate, 5000)
        assert closed[0] is ClosedError
        assert closed == outcome(heap.allocate, size=5000)
