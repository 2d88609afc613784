"""Drive the kernel's own simulators for tests: gpio-sim chips (configfs), i2c-stub, the project's pwm-sim,
the kernel's iio_simple_dummy, environment checks.

Unlike :mod:`linuxhw.mock`, which imitates the kernel in Python, these create
real kernel devices (``/dev/gpiochipN``, ``/dev/i2c-N``) so that the code
under test goes through the kernel's character-device interfaces.  They need
root and a kernel with the simulators loaded: ``scripts/vmtest`` boots one.
Pure Python standard library; no compiled extension needed.
"""

from __future__ import annotations

from ._files import SimulatorUnavailableError
from .environment import Check, EnvironmentReport, check_kernel_tier
from .gpiosim import (
    Bank,
    DeviceSymlinkError,
    GpioSim,
    GpioSimBankInfo,
    GpioSimInfo,
    HogDirection,
    chip_device_path,
    cleanup_stale_gpio_sims,
    list_gpio_sims,
)
from .i2cstub import (
    I2cAdapter,
    I2cStub,
    I2cStubBank,
    I2cStubParams,
    find_stub_adapter,
    i2c_stub_params,
    list_i2c_adapters,
    load_i2c_stub,
    unload_i2c_stub,
)
from .iiodummy import IioDummy
from .pwmsim import PWM_SIM_DEVICE, PwmOutput, PwmSimChip

__all__ = [
    "PWM_SIM_DEVICE",
    "Bank",
    "Check",
    "DeviceSymlinkError",
    "EnvironmentReport",
    "GpioSim",
    "GpioSimBankInfo",
    "GpioSimInfo",
    "HogDirection",
    "I2cAdapter",
    "I2cStub",
    "I2cStubBank",
    "I2cStubParams",
    "IioDummy",
    "PwmOutput",
    "PwmSimChip",
    "SimulatorUnavailableError",
    "check_kernel_tier",
    "chip_device_path",
    "cleanup_stale_gpio_sims",
    "find_stub_adapter",
    "i2c_stub_params",
    "list_gpio_sims",
    "list_i2c_adapters",
    "load_i2c_stub",
    "unload_i2c_stub",
]
