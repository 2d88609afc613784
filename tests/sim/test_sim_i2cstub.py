"""linuxhw.sim.i2cstub against the real i2c-stub module (kernel tier)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from linuxhw.sim import (
    I2cStub,
    I2cStubBank,
    I2cStubParams,
    find_stub_adapter,
    i2c_stub_params,
    list_i2c_adapters,
    load_i2c_stub,
    unload_i2c_stub,
)

pytestmark = pytest.mark.kernel


@pytest.fixture
def restore_stub() -> Iterator[I2cStubParams | None]:
    """Put back whatever i2c-stub the guest had loaded, whatever the test did."""
    before = i2c_stub_params()
    yield before
    unload_i2c_stub()
    if before is not None:
        load_i2c_stub(before)


def test_guest_loads_the_stub_with_the_default_addresses() -> None:
    expected = os.environ.get("LINUXHW_I2C_STUB_ADDRS", "0x1c,0x50")
    params = i2c_stub_params()
    assert params is not None
    assert params.chip_addrs == tuple(int(a, 0) for a in expected.split(","))
    adapter = find_stub_adapter()
    assert adapter is not None
    assert adapter in list_i2c_adapters()
    assert adapter.dev_path.is_char_device()


def test_context_manager_swaps_and_restores(restore_stub: I2cStubParams | None) -> None:
    with I2cStub([0x20, 0x21, 0x77], functionality=0x0F7F0000) as stub:
        params = i2c_stub_params()
        assert params is not None
        assert params.chip_addrs == (0x20, 0x21, 0x77)
        assert params.functionality == 0x0F7F0000
        assert stub.adapter == find_stub_adapter()
        assert stub.dev_path.is_char_device()
    assert stub.adapter is None
    assert i2c_stub_params() == restore_stub
    stub.close()  # idempotent


def test_bank_parameters_reach_the_module(restore_stub: I2cStubParams | None) -> None:
    bank = I2cStubBank(reg=0x0E, mask=0x03, start=0x10, end=0x1F)
    with I2cStub([0x30, 0x31], banks=[None, bank]) as stub:
        assert stub.params.modprobe_args() == [
            "chip_addr=0x30,0x31",
            "bank_reg=0,0x0e",
            "bank_mask=0,0x03",
            "bank_start=0,0x10",
            "bank_end=0,0x1f",
        ]
        assert i2c_stub_params() == I2cStubParams((0x30, 0x31), 0x0C7F0000, (None, bank))


def test_unload_and_load(restore_stub: I2cStubParams | None) -> None:
    unload_i2c_stub()
    assert find_stub_adapter() is None
    assert i2c_stub_params() is None
    unload_i2c_stub()  # nothing loaded: no-op
    adapter = load_i2c_stub(I2cStubParams((0x40,)))
    assert adapter == find_stub_adapter()
    with pytest.raises(RuntimeError, match="already loaded"):
        load_i2c_stub(I2cStubParams((0x41,)))


def test_bad_parameters_fail_before_modprobe() -> None:
    with pytest.raises(ValueError, match=r"1\.\.10"):
        I2cStubParams(tuple(range(0x10, 0x1B)))
    for addr in (0x02, 0x78):
        with pytest.raises(ValueError, match=r"0x03\.\.0x77"):
            I2cStubParams((addr,))
    with pytest.raises(ValueError, match="2 banks given for 1 chips"):
        I2cStubParams((0x10,), banks=(None, None))
    with pytest.raises(ValueError, match="mask"):
        I2cStubBank(reg=0, mask=0, start=0, end=1)
    with pytest.raises(ValueError, match="start <= end"):
        I2cStubBank(reg=0, mask=1, start=2, end=1)
    with pytest.raises(ValueError, match="bank reg"):
        I2cStubBank(reg=0x100, mask=1, start=0, end=1)
