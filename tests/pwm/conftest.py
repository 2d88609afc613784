"""PWM fixtures: a PWM chip on the backend under test, the mock's or the project's pwm-sim module's
(``pwm-sim.0``, 4 channels counting in 10 ns steps on both), with its hardware state readable."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import linuxhw
from linuxhw import mock, pwm
from linuxhw._kernel.real import RealBackend
from linuxhw.sim.pwmsim import PwmOutput, PwmSimChip
from tests.conftest import kernel_version

NAME = "pwm-sim.0"
NPWM = 4
TICK_NS = 10
DRIVER = Path("/sys/bus/platform/drivers/pwm-sim")


class PwmWorld:
    """The chip under test and what its hardware does, on one backend."""

    def __init__(self, backend_name: str) -> None:
        self.board: mock.Board | None = None
        self._sim: PwmSimChip | None = None
        if backend_name == "mock":
            self.board = mock.Board()
            self._chip = self.board.add_pwm_chip(NPWM, NAME, tick_ns=TICK_NS)
            self.backend: linuxhw.Backend = self.board
            self.strict = False
        else:
            self._sim = PwmSimChip()
            self.backend = RealBackend()
            # Debian's 6.1 checks period > 0 and duty <= period on every write; 6.12's core only while
            # enabled (pwm_state_valid); no kernel between them is in the tier.
            self.strict = kernel_version() < (6, 12)
        self.path = next(info.path for info in pwm.chips(self.backend) if info.name == NAME)

    def output(self, channel: int) -> PwmOutput:
        """The hardware's state of ``channel``: rounded down to the 10 ns step."""
        if self._sim is not None:
            return self._sim.output(channel)
        state = self._chip.output(channel)
        return PwmOutput(state.period_ns, state.duty_ns, state.polarity, state.enabled)

    def exported(self) -> list[str]:
        """The pwmM directories of the chip now."""
        return [name for name in self.backend.sysfs_list(self.path) if name.startswith("pwm")]

    def export_elsewhere(self, channel: int) -> None:
        """What another program does: ``echo M > export``."""
        self.backend.sysfs_write(f"{self.path}/export", str(channel))

    def claim(self, channel: int) -> None:
        """A kernel consumer takes ``channel`` (the mock's claim; the module's driver refuses its request)."""
        if self._sim is not None:
            self._sim.set_claimed(1 << channel)
        else:
            self._chip.claim(channel, "pwm-fan")

    @contextlib.contextmanager
    def unbound(self) -> Iterator[None]:
        """The chip's driver unbound (the mock: its chip removed) inside the block, bound again after it."""
        if self._sim is not None:
            DRIVER.joinpath("unbind").write_text(NAME)
            try:
                yield
            finally:
                DRIVER.joinpath("bind").write_text(NAME)
        else:
            self._chip.remove()
            try:
                yield
            finally:
                assert self.board is not None
                self._chip = self.board.add_pwm_chip(NPWM, NAME, tick_ns=TICK_NS)
        self.path = next(info.path for info in pwm.chips(self.backend) if info.name == NAME)

    def reset(self) -> None:
        """Unexport what a test left, and let every channel be requested again."""
        if self._sim is not None:
            self._sim.set_claimed(0)
        for name in self.exported():
            with contextlib.suppress(OSError):
                self.backend.sysfs_write(f"{self.path}/unexport", name[3:])


@pytest.fixture
def world(backend_name: str) -> Iterator[PwmWorld]:
    env = PwmWorld(backend_name)
    env.reset()  # a kernel run's earlier test file may have left one exported
    try:
        with linuxhw.use_backend(env.backend):
            yield env
    finally:
        left = env.exported()
        env.reset()
    assert left == [], f"a test left PWM channels exported: {left}"


@pytest.fixture
def chip(world: PwmWorld) -> Iterator[pwm.Chip]:
    with pwm.Chip(NAME) as found:
        yield found
