"""pytest plugin for running gpiozero's own ``tests/test_real_pins.py`` on the linuxhw factory.

That suite needs GPIOZERO_TEST_PIN and GPIOZERO_TEST_INPUT_PIN wired together. On the mock
(``LINUXHW_GPIOZERO_WIRE=mock``) the demo board gets a jumper between GPIO22 and GPIO27
(``MockGpioChip.connect``). On the kernel (``=kernel``) a gpio-sim bank named like a Pi's header
stands in, and the wire is emulated in the harness: after every ioctl, write and close, the level
one line drives (or its requested pull) is written into the other line's simulated pull. The
plugin also provides the ``no_default_factory`` fixture of gpiozero's repository conftest, which
its sdist does not ship.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import linuxhw
from linuxhw import gpio, mock
from linuxhw._kernel.real import RealBackend
from linuxhw.gpio import Bias, Direction

TEST_OFFSET, INPUT_OFFSET = 22, 27
SIM_LABEL = "linuxhw-gpiozero-header"
_sims: list[Any] = []


class WiredBackend(RealBackend):
    """The real kernel, with two gpio-sim lines joined by a wire the harness keeps up to date."""

    def __init__(self, bank: Any, a: int, b: int) -> None:
        super().__init__()
        self._bank, self._ends = bank, (a, b)
        self._lock = threading.Lock()
        self._chip = gpio.Chip(bank.label, backend=RealBackend())  # an unwired view: no recursion
        for name in ("ioctl", "gpio_set_values", "close"):
            setattr(self, name, self._following(getattr(self, name)))

    def gpio_values(self, gate: Any, index: dict[Any, int], outputs: int, count: int) -> None:
        """No C fast path for line values: each set_value()/set_values() then passes through
        gpio_set_values(), which the wire follows."""
        return None

    def _following(self, call: Any) -> Any:
        def wired(*args: Any) -> Any:
            result = call(*args)
            self.follow()
            return result

        return wired

    def follow(self) -> None:
        """Carry the driven level (or else a requested pull) of one end to both."""
        with self._lock:
            infos = [self._chip.line_info(offset) for offset in self._ends]
            drivers = [self._bank.get_value(i.offset) for i in infos if i.used and i.direction is Direction.OUTPUT]
            pulls = [{Bias.PULL_UP: 1, Bias.PULL_DOWN: 0}.get(i.bias) for i in infos
                     if i.used and i.direction is Direction.INPUT]  # fmt: skip
            levels = drivers or [pull for pull in pulls if pull is not None]
            if levels:
                for offset in self._ends:
                    if self._bank.get_pull(offset) != levels[0]:
                        self._bank.set_pull(offset, levels[0])


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("LINUXHW_GPIOZERO_WIRE") == "kernel":
        from linuxhw.sim import GpioSim

        sim = GpioSim()
        _sims.append(sim)
        bank = sim.add_bank(28, label=SIM_LABEL, names={i: f"GPIO{i}" for i in range(28)})
        sim.enable()
        os.environ["LINUXHW_GPIOZERO_CHIP"] = SIM_LABEL
        linuxhw.set_backend(WiredBackend(bank, TEST_OFFSET, INPUT_OFFSET))
    else:
        board = mock.demo_board()
        header = board.devices("gpio")[0]
        assert isinstance(header, mock.MockGpioChip)
        header.connect(TEST_OFFSET, INPUT_OFFSET)
        linuxhw.set_backend(board)


def pytest_unconfigure(config: pytest.Config) -> None:
    from gpiozero import Device

    if Device.pin_factory is not None:  # before the simulated chip goes (gpiozero closes it at exit)
        Device.pin_factory.close()
        Device.pin_factory = None
    for sim in _sims:
        sim.close()


@pytest.fixture
def no_default_factory() -> Iterator[None]:
    """No pin factory selected while the test runs (and GPIOZERO_PIN_FACTORY restored after)."""
    from gpiozero import Device

    saved, saved_env = Device.pin_factory, os.environ.get("GPIOZERO_PIN_FACTORY")
    Device.pin_factory = None
    try:
        yield
    finally:
        Device.pin_factory = saved
        if saved_env is None:
            os.environ.pop("GPIOZERO_PIN_FACTORY", None)
        else:
            os.environ["GPIOZERO_PIN_FACTORY"] = saved_env
