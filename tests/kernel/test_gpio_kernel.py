"""Kernel-only GPIO checks: things a single process's mock cannot show."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import DeviceBusyError, gpio
from linuxhw.sim import check_kernel_tier
from tests.conftest import DMA_HEAP_SYSTEM, UDMABUF, GpioSimulator, require_kernel_devices
from tests.waiting import child_process, read_line

pytestmark = pytest.mark.kernel


@pytest.fixture
def kernel_sim() -> Iterator[GpioSimulator]:
    simulator = GpioSimulator("real")
    try:
        with linuxhw.use_backend(simulator.backend):
            yield simulator
    finally:
        simulator.close()


def test_line_held_by_another_process_is_busy(kernel_sim: GpioSimulator) -> None:
    chip = kernel_sim.add_chip(4, names={2: "SHARED"})
    holder_code = textwrap.dedent(f"""
        import sys
        from linuxhw import gpio
        req = gpio.request_lines("{kernel_sim.path(chip)}", {{2: None}}, consumer="other-proc")
        print("held", flush=True)
        sys.stdin.readline()
        req.close()
    """)
    with child_process([sys.executable, "-c", holder_code], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        assert read_line(holder.stdout, "the holder's 'held' line").strip() == "held"
        with pytest.raises(DeviceBusyError, match="in use by consumer 'other-proc'"):
            gpio.request_lines(kernel_sim.path(chip), {"SHARED": None})
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(10) == 0
    with gpio.request_lines(kernel_sim.path(chip), {"SHARED": None}, consumer="after"):
        pass


def test_dma_heap_and_udmabuf_are_reachable() -> None:
    require_kernel_devices(DMA_HEAP_SYSTEM, UDMABUF)
    report = check_kernel_tier()
    names = {check.name for check in report.checks if check.ok}
    assert any("dma_heap/system" in name for name in names), report
    assert any("udmabuf" in name for name in names), report
