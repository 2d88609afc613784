"""TI ADS1015 / ADS1115 ADCs (12 / 16 bits, four inputs, a PGA, single-shot and continuous conversion,
a comparator on the ALERT/RDY pin), as their data sheet's register map and timing describe them."""

from __future__ import annotations

import math
import time
from typing import ClassVar

from linuxhw.mock.i2c_models import RegisterDevice
from linuxhw.mock.peripherals import GpioPeripheral, Scheduled

__all__ = ["Ads1015", "Ads1115"]

CONVERSION, CONFIG, LO_THRESH, HI_THRESH = range(4)
OS = 0x8000
MODE_SINGLE = 0x0100
FULL_SCALE = (6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256)  # volts, by PGA[11:9]
MUX_INPUTS = ((0, 1), (0, 3), (1, 3), (2, 3), (0, None), (1, None), (2, None), (3, None))  # AINp, AINn (None: GND)
QUEUE_LENGTH = (1, 2, 4)  # conversions beyond a threshold before ALERT asserts, by COMP_QUE 00, 01, 10
RDY_PULSE_NS = 8_000  # continuous conversion-ready: ALERT/RDY pulses about 8 µs per conversion


def _signed(value: int) -> int:
    return value - 0x10000 if value & 0x8000 else value


class _Ads1x15(RegisterDevice, GpioPeripheral):
    """Pointer register values 0 conversion, 1 config (0x8583 at power-on), 2 Lo_thresh (0x8000),
    3 Hi_thresh (0x7FFF), each 16 bits MSB first; the pointer does not auto-increment.

    Writing config with OS=1 in single-shot mode (MODE=1, the power-on state) starts one conversion
    of 1/DR seconds; OS reads 0 until it is done, then 1, and the conversion register holds the
    result. Continuous mode (MODE=0) converts every 1/DR from the write that selected it (OS reads
    0). A conversion reads the inputs (``set_voltage``) as they are when it completes: the PGA's
    full scale clamps it. Wire ``alert`` (``chip.attach(adc, alert=...)``, open drain: give the
    line a pull-up) for the comparator (traditional or window, latching or not, queue of 1, 2 or 4)
    or, with Hi_thresh's MSB 1 and Lo_thresh's 0, conversion ready: asserted at the end of a
    single-shot conversion, an 8 µs pulse per continuous one (so, wired, continuous conversions keep
    the board's timeline busy, one wake-up per conversion). ``COMP_QUE`` 11 (power-on) leaves the
    pin released.
    """

    drives = ("alert",)
    RATES: ClassVar[tuple[int, ...]]
    BITS: ClassVar[int]

    def __init__(self) -> None:
        super().__init__(4, width=2, auto_increment=False,
                         defaults={CONFIG: 0x8583, LO_THRESH: 0x8000, HI_THRESH: 0x7FFF})  # fmt: skip
        self.voltages = [0.0] * 4
        self.conversions = 0  # how many conversions completed
        self._run_start: int | None = None  # when the running single or continuous conversion began
        self._run_done = 0  # conversions completed in this run
        self._beyond = 0  # consecutive conversions beyond the thresholds
        self._alert_active = False
        self._completion: Scheduled | None = None

    # -- what a test sets ---------------------------------------------------------------------------

    def set_voltage(self, channel: int, volts: float) -> None:
        """The voltage on AIN``channel`` (0..3) against GND; conversions after now see it."""
        if channel not in range(4):
            raise ValueError(f"channel must be 0..3 (AIN0..AIN3), not {channel!r}")
        if not math.isfinite(volts):
            raise ValueError(f"volts must be a finite number, not {volts!r}")
        self._advance(time.monotonic_ns())
        self.voltages[channel] = float(volts)

    # -- the chip -----------------------------------------------------------------------------------

    @property
    def config(self) -> int:
        """The config register without OS."""
        return self.registers[CONFIG] & ~OS

    def period_ns(self) -> int:
        """One conversion at the configured data rate."""
        return round(1e9 / self.RATES[self.config >> 5 & 0x7])

    def code(self) -> int:
        """What a conversion of the inputs gives now: the MUX's difference over the PGA's full
        scale, rounded down, clamped, as the register holds it (12-bit parts left-justified)."""
        config = self.config
        positive, negative = MUX_INPUTS[config >> 12 & 0x7]
        volts = self.voltages[positive] - (0.0 if negative is None else self.voltages[negative])
        steps = 1 << (self.BITS - 1)
        code = max(-steps, min(steps - 1, math.floor(volts / FULL_SCALE[config >> 9 & 0x7] * steps)))
        return (code << (16 - self.BITS)) & 0xFFFF

    def _converting(self) -> bool:
        return self._run_start is not None

    def _advance(self, now: int) -> None:
        """Latch the conversions completed by ``now``; a single-shot run ends after one."""
        start = self._run_start
        if start is None:
            return
        done = (now - start) // self.period_ns()
        single = bool(self.config & MODE_SINGLE)
        if single:
            done = min(done, 1)
        if done > self._run_done:
            self.conversions += done - self._run_done
            self._run_done = done
            self.registers[CONVERSION] = self.code()
            if single:
                self._run_start = None

    def read_register(self, address: int) -> int:
        self._advance(time.monotonic_ns())
        if address == CONFIG:
            return self.config | (0 if self._converting() else OS)
        if address == CONVERSION and self._alert_active and self.config & 0x4:
            self._set_alert(False, time.monotonic_ns())  # a latched alert clears when data are read
        return self.registers[address]

    def write_register(self, address: int, value: int) -> None:
        now = time.monotonic_ns()
        self._advance(now)
        if address == CONVERSION:
            return  # read-only
        if address != CONFIG:
            self.registers[address] = value
            return
        was = self.config
        self.registers[CONFIG] = value & ~OS
        if value & MODE_SINGLE:
            if value & OS and not self._converting():
                self._begin(now)
            elif not was & MODE_SINGLE:
                self._run_start = None  # from continuous to single-shot: power down
        elif was & MODE_SINGLE or (was ^ value) & 0x7FE0:
            self._begin(now)  # continuous conversions start (again) with the new settings
        if self.config & 0x3 == 0x3:
            self._set_alert(False, now)  # comparator off: ALERT/RDY released

    def _begin(self, now: int) -> None:
        self._run_start, self._run_done = now, 0
        if self._ready_mode() and self.config & MODE_SINGLE:
            self._set_alert(False, now)
        self._schedule()

    # -- ALERT/RDY ----------------------------------------------------------------------------------

    def _ready_mode(self) -> bool:
        return bool(self.registers[HI_THRESH] & 0x8000) and not self.registers[LO_THRESH] & 0x8000

    def _schedule(self) -> None:
        """With ALERT/RDY wired, be told when the next conversion completes."""
        if self._completion is not None:
            self._completion.cancel()
            self._completion = None
        if self.pins is None or self._run_start is None:
            return
        due = self._run_start + (self._run_done + 1) * self.period_ns()
        self._completion = self.pins.call_at(due, self._completed)

    def _completed(self, due: int) -> None:
        self._completion = None
        self._advance(due)
        self._compare(due)
        self._schedule()

    def _compare(self, due: int) -> None:
        config = self.config
        if config & 0x3 == 0x3:
            return
        if self._ready_mode():
            self._set_alert(True, due)
            if not config & MODE_SINGLE:
                self._set_alert(False, due + RDY_PULSE_NS)
            return
        code = _signed(self.registers[CONVERSION])
        high, low = _signed(self.registers[HI_THRESH]), _signed(self.registers[LO_THRESH])
        window = bool(config & 0x10)
        self._beyond = self._beyond + 1 if code > high or (window and code < low) else 0
        if self._beyond >= QUEUE_LENGTH[config & 0x3]:
            self._set_alert(True, due)
        elif not config & 0x4 and (low <= code <= high if window else code < low):
            self._set_alert(False, due)

    def _set_alert(self, active: bool, at_ns: int) -> None:
        self._alert_active = active
        active_high = bool(self.config & 0x8)
        driven_low = active != active_high  # open drain: low, or let go to the pull-up
        self.drive("alert", 0 if driven_low else None, at_ns)


class Ads1115(_Ads1x15):
    """A TI ADS1115: 16 bits, 8 to 860 samples/s (128 at power-on)."""

    RATES = (8, 16, 32, 64, 128, 250, 475, 860)
    BITS = 16


class Ads1015(_Ads1x15):
    """A TI ADS1015: 12 bits left-justified (the 4 low bits read 0), 128 to 3300 samples/s (1600 at
    power-on)."""

    RATES = (128, 250, 490, 920, 1600, 2400, 3300, 3300)
    BITS = 12
