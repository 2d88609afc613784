"""linuxhw.sim.environment on the kernel tier: all present, and a missing piece is reported."""

from __future__ import annotations

import pytest

from linuxhw.sim import SimulatorUnavailableError, check_kernel_tier, load_i2c_stub, unload_i2c_stub
from linuxhw.sim.i2cstub import i2c_stub_params

pytestmark = pytest.mark.kernel


def test_everything_is_present() -> None:
    report = check_kernel_tier()
    assert report.ok, str(report)
    assert [c.name for c in report.checks] == [
        "configfs",
        "gpio-sim",
        "i2c-dev",
        "i2c-stub",
        "/dev/dma_heap/system",
        "/dev/udmabuf",
    ]
    assert "[ok] gpio-sim" in str(report)
    report.require()


def test_missing_stub_is_reported_with_a_hint() -> None:
    before = i2c_stub_params()
    assert before is not None
    unload_i2c_stub()
    try:
        report = check_kernel_tier()
    finally:
        load_i2c_stub(before)
    assert [c.name for c in report.missing] == ["i2c-stub"]
    assert "[MISSING] i2c-stub" in str(report)
    assert "hint: modprobe i2c-stub" in str(report)
    with pytest.raises(SimulatorUnavailableError, match="i2c-stub"):
        report.require()
