"""The project's PWM simulator module (lhw-pwm-sim.ko): a pwm_chip whose hardware state a test reads back.

Debian's kernel has the PWM core (``CONFIG_PWM=y``) but no software PWM chip, so ``linuxhw vm`` builds
linuxhw/vm/kmod/pwm-sim: it registers the platform device ``pwm-sim.0`` and a chip on it with
``npwm`` channels (module parameter, default 4) counting in ``tick_ns`` steps (default 10: it rounds
period and duty down to them, as a 100 MHz counter would) and supporting both polarities.

- ``/sys/devices/platform/pwm-sim.0/outputs``: one line per channel, ``<M> <enabled> <period> <duty>
  <polarity>``: what the "hardware" does, which sysfs' own attributes do not show (they report the
  state the PWM core applied).
- ``/sys/module/lhw_pwm_sim/parameters/claimed``: a bit mask of channels whose ``request`` the driver
  refuses with EBUSY, as when a kernel consumer holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._files import SimulatorUnavailableError

__all__ = ["PWM_SIM_DEVICE", "PwmOutput", "PwmSimChip"]

PWM_SIM_DEVICE = "pwm-sim.0"
DEVICE_DIR = Path("/sys/devices/platform") / PWM_SIM_DEVICE
PARAMETERS = Path("/sys/module/lhw_pwm_sim/parameters")


@dataclass(frozen=True)
class PwmOutput:
    """What one channel of the simulated hardware does."""

    period_ns: int
    duty_ns: int
    polarity: str
    enabled: bool


class PwmSimChip:
    """The loaded simulator's chip: its hardware outputs and the channels its driver refuses."""

    def __init__(self) -> None:
        if not (DEVICE_DIR / "outputs").exists():
            raise SimulatorUnavailableError(
                f"{DEVICE_DIR}/outputs is missing: load the project's lhw-pwm-sim.ko (linuxhw vm builds it)"
            )
        self.name = PWM_SIM_DEVICE
        self.tick_ns = int((PARAMETERS / "tick_ns").read_text())
        self.npwm = int((PARAMETERS / "npwm").read_text())

    def outputs(self) -> list[PwmOutput]:
        """Every channel's hardware state, by channel."""
        found = []
        for line in (DEVICE_DIR / "outputs").read_text().splitlines():
            _, enabled, period, duty, polarity = line.split()
            found.append(PwmOutput(int(period), int(duty), polarity, enabled == "1"))
        return found

    def output(self, channel: int) -> PwmOutput:
        """One channel's hardware state."""
        return self.outputs()[channel]

    def set_claimed(self, mask: int) -> None:
        """Make the driver refuse to hand out the channels in ``mask`` (EBUSY on export)."""
        (PARAMETERS / "claimed").write_text(str(mask))
