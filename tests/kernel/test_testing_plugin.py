"""The pytest plugin's kernel half (linuxhw.testing.KernelHardware): a user's suite on gpio-sim, i2c-stub,
i2c-sim and spi-sim, run by pytester; the same file the mock tier runs on the mock board."""

from __future__ import annotations

import pytest

from linuxhw.testing import KernelHardware
from tests.testing.user_tests import USER_TESTS

pytestmark = pytest.mark.kernel


def test_kernel_run_of_a_user_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "kernel or leak_is_closed", "-rA")
    result.assert_outcomes(passed=5, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_a_leak_fails_at_teardown?kernel?*", "after the test: 1 linuxhw handle(s) left*"]
    )


def test_kernel_hardware_removes_its_simulators() -> None:
    from linuxhw.sim import i2c_stub_params, list_gpio_sims

    before = i2c_stub_params()
    with KernelHardware() as hardware:
        chip = hardware.add_gpio_chip(2, label="lhw-plugin-teardown")
        hardware.add_i2c_registers([0x33])
        assert chip.label in {bank.label for sim in list_gpio_sims() for bank in sim.banks}
    assert "lhw-plugin-teardown" not in {bank.label for sim in list_gpio_sims() for bank in sim.banks}
    assert i2c_stub_params() == before
