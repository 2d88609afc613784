"""KernelHardware: the shape of MockHardware on the running kernel's simulators (gpio-sim, i2c-stub,
the project's i2c-sim and spi-sim modules).  Needs root and a kernel with them: ``linuxhw vm`` boots one."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from linuxhw._kernel.real import RealBackend
from linuxhw.sim import GpioSim, I2cStub, SimulatorUnavailableError, list_i2c_adapters
from linuxhw.sim.gpiosim import CONFIGFS_DIR
from linuxhw.testing.hardware import Hardware, I2cRegisters, LineControl

__all__ = ["I2C_SIM_NAME", "SPI_SIM_DEVICE", "KernelHardware", "device_fds"]

I2C_SIM_NAME = "linuxhw i2c simulator"
SPI_SIM_DEVICE = Path("/sys/devices/platform/lhw-spi-sim")
RUN_UNDER_VM = "run the tests under `linuxhw vm -- pytest`, which boots a kernel that has them"
_DEVICE_PREFIXES = ("/dev/gpiochip", "/dev/i2c-", "/dev/spidev", "anon_inode:gpio-line")


def device_fds() -> set[int]:
    """This process's fds on GPIO chips, line requests, I2C buses and spidev devices."""
    found = set()
    for entry in os.scandir("/proc/self/fd"):
        try:
            target = os.readlink(entry.path)
        except OSError:
            continue  # closed meanwhile (the fd of the scan itself)
        if target.startswith(_DEVICE_PREFIXES):
            found.add(int(entry.name))
    return found


def _raise(message: str) -> NoReturn:
    raise SimulatorUnavailableError(message)


class KernelHardware(Hardware):
    """Simulated hardware on the running kernel, removed again by :meth:`close`.

    Where the kernel lacks a simulator, ``on_unavailable(reason)`` is called (it must raise; default:
    :class:`linuxhw.sim.SimulatorUnavailableError`; the pytest plugin skips the test instead).
    """

    name = "kernel"

    def __init__(self, on_unavailable: Callable[[str], NoReturn] = _raise) -> None:
        super().__init__(RealBackend())
        self.on_unavailable = on_unavailable
        self._sims: list[GpioSim] = []
        self._stub: I2cStub | None = None
        self._baseline: set[int] = set()

    def open(self) -> None:
        self._baseline = device_fds()
        super().open()

    def close(self) -> None:
        super().close()
        sims, self._sims = self._sims, []
        stub, self._stub = self._stub, None
        try:
            for sim in sims:
                sim.close()
        finally:
            if stub is not None:
                stub.close()

    def require_gpio_sim(self) -> None:
        """Call ``on_unavailable`` unless gpio-sim chips can be made here."""
        if not CONFIGFS_DIR.is_dir():
            self.on_unavailable(f"this kernel has no gpio-sim ({CONFIGFS_DIR} is missing): {RUN_UNDER_VM}")
        if not os.access(CONFIGFS_DIR, os.W_OK):
            self.on_unavailable(f"gpio-sim needs root ({CONFIGFS_DIR} is not writable): {RUN_UNDER_VM}")

    def _make_chip(
        self, num_lines: int, label: str, names: dict[int, str], hogs: dict[int, tuple[str, str]]
    ) -> LineControl:
        self.require_gpio_sim()
        sim = GpioSim()
        self._sims.append(sim)
        bank = sim.add_bank(num_lines, label=label, names=names, hogs=hogs)  # type: ignore[arg-type]
        sim.enable()
        return bank

    def add_i2c_registers(self, addresses: Sequence[int]) -> I2cRegisters:
        if self._stub is not None:
            raise RuntimeError("the kernel has one i2c-stub: give all addresses to one add_i2c_registers() call")
        if os.geteuid() != 0:
            self.on_unavailable(f"loading i2c-stub needs root: {RUN_UNDER_VM}")
        stub = I2cStub(addresses)
        try:
            stub.open()
            path = str(stub.dev_path)
        except SimulatorUnavailableError as exc:
            stub.close()
            self.on_unavailable(f"{exc}: {RUN_UNDER_VM}")
        except OSError as exc:
            stub.close()
            self.on_unavailable(f"this kernel cannot load i2c-stub ({exc}): {RUN_UNDER_VM}")
        self._stub = stub
        return I2cRegisters(self.backend, path, addresses)

    def i2c_sim(self) -> str:
        for adapter in list_i2c_adapters():
            if adapter.name == I2C_SIM_NAME and adapter.dev_path.exists():
                return str(adapter.dev_path)
        self.on_unavailable(f"the project's i2c-sim module is not loaded (no adapter {I2C_SIM_NAME!r}): {RUN_UNDER_VM}")

    def spi_sim(self) -> tuple[str, str]:
        controllers = sorted((SPI_SIM_DEVICE / "spi_master").glob("spi*"))
        if not controllers:
            self.on_unavailable(f"the project's spi-sim module is not loaded ({SPI_SIM_DEVICE}): {RUN_UNDER_VM}")
        bus = controllers[0].name[len("spi") :]
        return f"/dev/spidev{bus}.0", f"/dev/spidev{bus}.1"

    def open_handles(self) -> int:
        return len(device_fds() - self._baseline)
