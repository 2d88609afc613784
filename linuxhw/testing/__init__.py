"""Test your own hardware code with linuxhw: the same test on the mock board and on the kernel's simulators.

The pytest plugin (:mod:`linuxhw.testing.plugin`, loaded automatically once linuxhw is installed)
gives tests these fixtures:

``linuxhw_mock``
    a :class:`MockHardware`: a fresh mock board, selected as the backend for the test, checked at
    teardown to have no fd left open;
``linuxhw_kernel``
    a :class:`KernelHardware`: the same shape on the running kernel (gpio-sim chips, i2c-stub, the
    project's i2c-sim and spi-sim modules), skipped with the reason where the kernel lacks them;
``linuxhw_hardware``
    either of the two, parametrised by ``@pytest.mark.linuxhw_backends("mock", "kernel")``
    (unmarked tests: the ``linuxhw_backends`` ini option, default ``mock``).

Both kinds of hardware are usable without pytest too (``with MockHardware() as hw: ...``).
"""

from __future__ import annotations

from linuxhw.testing.hardware import Hardware, I2cRegisters, SimulatedChip
from linuxhw.testing.kernel import KernelHardware
from linuxhw.testing.mock import MockHardware

__all__ = ["Hardware", "I2cRegisters", "KernelHardware", "MockHardware", "SimulatedChip"]
