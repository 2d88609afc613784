"""Mock PWM chips: /sys/class/pwm/pwmchipN as the kernel's PWM core and a simple driver answer it.

The core's rules (drivers/pwm/core.c): ``export`` requests a channel for "sysfs" (EBUSY if anyone holds
it, ENODEV past ``npwm``) and makes ``pwmM/`` at once, reading the hardware's state into it (the driver's
``get_state``); ``unexport`` of a channel not exported is ENODEV. Each write of ``period``,
``duty_cycle``, ``polarity`` or ``enable`` applies the whole state: from 6.12 an enabled state needs
period > 0 and duty <= period (EINVAL), a disabled one anything, and one invalid state may follow
another; before (``strict``, Debian's 6.1) every state needs them. A state equal to the current one
does not reach the driver. Reads give back the state the core applied, not the hardware's rounding.

The driver counts in ``tick_ns`` steps and rounds period and duty down to them (as
Documentation/driver-api/pwm.rst asks of drivers); an enabled period below one tick is EINVAL, and so is
a polarity it lacks. Tests read what the hardware does with :meth:`MockPwmChip.output`.
"""

from __future__ import annotations

import dataclasses
import errno
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linuxhw.mock.sysfs import kstrto, oserror

if TYPE_CHECKING:
    from linuxhw.mock.board import Board

__all__ = ["MockPwmChip", "PwmState"]

CLASS_DIR = "/sys/class/pwm"
DEBUGFS = "/sys/kernel/debug/pwm"
POLARITIES = ("normal", "inversed")
SYSFS_LABEL = "sysfs"  # the label export_store requests a channel with


@dataclass(frozen=True)
class PwmState:
    """A channel's state (``struct pwm_state``): the core's, or the hardware's (see MockPwmChip.output)."""

    period_ns: int = 0
    duty_ns: int = 0
    polarity: str = "normal"
    enabled: bool = False

    def valid(self) -> bool:
        """pwm_state_valid(): a disabled state is always valid; an enabled one needs a period >= duty."""
        return not self.enabled or (self.period_ns > 0 and self.duty_ns <= self.period_ns)


class _Channel:
    def __init__(self) -> None:
        self.state = PwmState()  # pwm->state: what the core last applied
        self.hardware = PwmState()  # what the driver programmed
        self.label: str | None = None  # who requested it (PWMF_REQUESTED)
        self.exported = False


class MockPwmChip:
    """The control side of a mock PWM chip (made by ``Board.add_pwm_chip``)."""

    def __init__(self, board: Board, number: int, name: str, npwm: int, bus: str, driver: str, tick_ns: int,
                 polarities: Collection[str], strict: bool, udev_delay: int) -> None:  # fmt: skip
        if isinstance(npwm, bool) or not isinstance(npwm, int) or not 1 <= npwm <= 1024:
            raise ValueError(f"npwm must be 1..1024 channels, not {npwm!r}")
        if isinstance(tick_ns, bool) or not isinstance(tick_ns, int) or tick_ns < 1:
            raise ValueError(f"tick_ns must be an int >= 1 nanosecond, not {tick_ns!r}")
        unknown = set(polarities) - set(POLARITIES)
        if unknown or not polarities:
            raise ValueError(f"polarities must name some of {POLARITIES}, not {tuple(polarities)!r}")
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"name must be a device name such as 'pwm-sim.0' (no '/'), not {name!r}")
        if name in {chip.name for chip in board.pwm_chips()}:
            raise ValueError(f"a PWM chip's device is named {name!r} already on this board")
        self.board = board
        self.number = number
        self.name: str = name
        self.npwm = npwm
        self.bus = bus
        self.tick_ns = tick_ns
        self.polarities = frozenset(polarities)
        self.strict = strict
        self.udev_delay = udev_delay
        self.path = f"{CLASS_DIR}/pwmchip{number}"
        self._channels = [_Channel() for _ in range(npwm)]
        self._device_dir = f"/sys/devices/{bus}/{name}"
        tree = board.sysfs
        tree.add_attribute(f"{self.path}/npwm", show=lambda: f"{self.npwm}\n")
        tree.add_attribute(f"{self.path}/export", store=self._export)
        tree.add_attribute(f"{self.path}/unexport", store=self._unexport)
        tree.add_link(f"{self.path}/device", self._device_dir)
        tree.add_link(f"{self._device_dir}/subsystem", f"/sys/bus/{bus}")
        tree.add_link(f"{self._device_dir}/driver", f"/sys/bus/{bus}/drivers/{driver}")
        if not tree.exists(DEBUGFS):
            tree.add_attribute(DEBUGFS, show=lambda: debugfs_text(board))

    def __repr__(self) -> str:
        return f"<MockPwmChip pwmchip{self.number} {self.name!r} npwm={self.npwm}>"

    # -- the test's side -----------------------------------------------------------------------------

    def output(self, channel: int) -> PwmState:
        """What the hardware of ``channel`` does: the driver's rounded period and duty, its polarity, and
        whether it runs."""
        with self.board.lock:
            return self._channel(channel).hardware

    def exported(self, channel: int) -> bool:
        """Whether ``channel`` is exported through sysfs (``pwmM/`` exists)."""
        with self.board.lock:
            return self._channel(channel).exported

    def holder(self, channel: int) -> str | None:
        """Who holds ``channel``: "sysfs" once exported, a kernel consumer's label, None when free."""
        with self.board.lock:
            return self._channel(channel).label

    def claim(self, channel: int, label: str) -> None:
        """A kernel driver (pwm-fan, leds-pwm, a backlight) takes ``channel`` as ``label``: export answers EBUSY."""
        with self.board.lock:
            slot = self._channel(channel)
            if slot.label is not None:
                raise ValueError(f"channel {channel} of {self.name} is held by {slot.label!r} already")
            slot.label = label
            self.board._state_changed()

    def unclaim(self, channel: int) -> None:
        """That kernel driver lets ``channel`` go (pwm_put)."""
        with self.board.lock:
            slot = self._channel(channel)
            if slot.label is None or slot.exported:
                raise ValueError(f"channel {channel} of {self.name} is not held by a kernel driver")
            slot.label = None
            self.board._state_changed()

    def remove(self) -> None:
        """The chip goes away (its driver unbound): every channel is unexported and pwmchipN leaves sysfs."""
        with self.board.lock:
            tree = self.board.sysfs
            tree.remove(self.path)
            tree.remove(self._device_dir)
            self.board._forget_pwm_chip(self.number)
            if not self.board.pwm_chips():
                tree.remove(DEBUGFS)

    def _channel(self, channel: int) -> _Channel:
        if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel < self.npwm:
            raise ValueError(f"channel must be 0..{self.npwm - 1} on {self.name}, not {channel!r}")
        return self._channels[channel]

    # -- the kernel's side: pwmchipN/export and unexport -----------------------------------------------

    def _export(self, text: str) -> None:
        hwpwm = kstrto(text, 32)
        if hwpwm >= self.npwm:
            raise oserror(errno.ENODEV)
        slot = self._channels[hwpwm]
        if slot.label is not None:  # pwm_device_request(): PWMF_REQUESTED
            raise oserror(errno.EBUSY)
        slot.state = slot.hardware  # .get_state(): the core starts from what the hardware does
        slot.label, slot.exported = SYSFS_LABEL, True
        base = f"{self.path}/pwm{hwpwm}"
        tree = self.board.sysfs
        delay = self.udev_delay
        tree.add_attribute(f"{base}/period", lambda: f"{slot.state.period_ns}\n",
                           lambda t: self._store(slot, period_ns=kstrto(t, 64)), denied_opens=delay)  # fmt: skip
        tree.add_attribute(f"{base}/duty_cycle", lambda: f"{slot.state.duty_ns}\n",
                           lambda t: self._store(slot, duty_ns=kstrto(t, 64)), denied_opens=delay)  # fmt: skip
        tree.add_attribute(f"{base}/enable", lambda: f"{int(slot.state.enabled)}\n",
                           lambda t: self._store(slot, enabled=_enable(t)), denied_opens=delay)  # fmt: skip
        tree.add_attribute(f"{base}/polarity", lambda: f"{slot.state.polarity}\n",
                           lambda t: self._store(slot, polarity=_polarity(t)), denied_opens=delay)  # fmt: skip
        tree.add_attribute(f"{base}/capture", _no_capture, denied_opens=delay)

    def _unexport(self, text: str) -> None:
        hwpwm = kstrto(text, 32)
        if hwpwm >= self.npwm:
            raise oserror(errno.ENODEV)
        slot = self._channels[hwpwm]
        if not slot.exported:
            raise oserror(errno.ENODEV)
        self.board.sysfs.remove(f"{self.path}/pwm{hwpwm}")
        slot.label, slot.exported = None, False  # pwm_put(): the output keeps running as it was

    # -- the kernel's side: one attribute of pwmM/ ------------------------------------------------------

    def _store(self, slot: _Channel, **change: object) -> None:
        """period_store() and its siblings: the current state with one field changed, applied."""
        state = dataclasses.replace(slot.state, **change)  # type: ignore[arg-type]
        if self.strict:  # pwm_apply_state() before pwm_state_valid() came
            if not state.period_ns or state.duty_ns > state.period_ns:
                raise oserror(errno.EINVAL)
        elif not state.valid():
            if slot.state.valid():
                raise oserror(errno.EINVAL)
            slot.state = state  # from one invalid state to another: stored, the driver not asked
            return
        if state == slot.state:
            return
        slot.hardware = self._apply(slot.hardware, state)
        slot.state = state

    def _apply(self, hardware: PwmState, state: PwmState) -> PwmState:
        """The driver's .apply(): what the hardware does afterwards (EINVAL for what it cannot do)."""
        if state.polarity not in self.polarities:
            raise oserror(errno.EINVAL)
        if not state.enabled:
            return dataclasses.replace(hardware, enabled=False)
        period = state.period_ns // self.tick_ns * self.tick_ns
        if period == 0:
            raise oserror(errno.EINVAL)  # shorter than the counter can count
        return PwmState(period, state.duty_ns // self.tick_ns * self.tick_ns, state.polarity, True)


def _enable(text: str) -> bool:
    value = kstrto(text, 32, signed=True)
    if value not in (0, 1):
        raise oserror(errno.EINVAL)
    return bool(value)


def _polarity(text: str) -> str:
    value = text[:-1] if text.endswith("\n") else text  # sysfs_streq()
    if value not in POLARITIES:
        raise oserror(errno.EINVAL)
    return value


def _no_capture() -> str:
    raise oserror(errno.ENOSYS)  # pwm_capture() of a driver with no .capture


def debugfs_text(board: Board) -> str:
    """/sys/kernel/debug/pwm as pwm_seq_show() writes it: a header per chip, a line per channel."""
    blocks = []
    for chip in board.pwm_chips():
        lines = [f"{chip.number}: {chip.bus}/{chip.name}, {chip.npwm} PWM device{'s' if chip.npwm != 1 else ''}"]
        for index, slot in enumerate(chip._channels):
            state = slot.state
            line = f" pwm-{index:<3d} ({(slot.label or '(null)')[:20]:<20s}):"
            line += " requested" if slot.label is not None else ""
            line += " enabled" if state.enabled else ""
            line += f" period: {state.period_ns} ns duty: {state.duty_ns} ns"
            line += f" polarity: {'inverse' if state.polarity == 'inversed' else 'normal'}"
            lines.append(line)
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
