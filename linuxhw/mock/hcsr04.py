"""An HC-SR04-class ultrasonic ranger on two mock GPIO lines: a trigger pulse in, an echo pulse out
whose width is the sound's round trip to the obstacle."""

from __future__ import annotations

import math

from linuxhw.mock.peripherals import GpioPeripheral

__all__ = ["Hcsr04"]

MIN_TRIGGER_NS = 10_000  # the data sheet's trigger pulse: at least 10 µs high
BURST_NS = 200_000  # 8 cycles of 40 kHz go out after the trigger falls, then echo rises
NO_ECHO_NS = 38_000_000  # nothing in range: the module gives up and ends echo after 38 ms
RANGE_M = (0.02, 4.0)  # what the module measures; outside it there is no echo


def speed_of_sound(celsius: float) -> float:
    """In dry air, m/s: 331.3 * sqrt(1 + T/273.15) (343.2 m/s at 20 °C)."""
    return 331.3 * math.sqrt(1 + celsius / 273.15)


class Hcsr04(GpioPeripheral):
    """An HC-SR04: wire it with ``chip.attach(ranger, trigger=..., echo=...)``. A trigger pulse of at
    least 10 µs starts a measurement when its falling edge comes: 200 µs later (the 8-cycle 40 kHz
    burst) echo rises, and it falls after the round trip to an obstacle ``distance`` metres away at
    the speed of sound in air at ``temperature`` °C. Nothing within 2 cm..4 m (``distance=None``
    too): echo stays high 38 ms. Triggers during a measurement, or shorter than 10 µs, are ignored.
    The echo edges carry the modelled times, so the pulse width read from edge-event timestamps is
    exact. ``measurements`` counts the measurements made.
    """

    watches = ("trigger",)
    drives = ("echo",)

    def __init__(self, distance: float | None = 1.0, temperature: float = 20.0) -> None:
        self.distance = distance
        self.temperature = temperature
        self.measurements = 0
        self._rose_at: int | None = None
        self._busy_until = 0

    def echo_width_ns(self) -> int:
        """How long echo stays high for the current distance and temperature."""
        distance = self.distance
        if distance is None or not RANGE_M[0] <= distance <= RANGE_M[1]:
            return NO_ECHO_NS
        return round(2 * distance / speed_of_sound(self.temperature) * 1e9)

    def wired(self) -> None:
        self.drive("echo", 0)

    def pin_changed(self, pin: str, level: int, time_ns: int) -> None:
        if level:
            self._rose_at = time_ns
            return
        rose_at, self._rose_at = self._rose_at, None
        if rose_at is None or time_ns - rose_at < MIN_TRIGGER_NS or time_ns < self._busy_until:
            return
        rises = time_ns + BURST_NS
        falls = rises + self.echo_width_ns()
        self._busy_until = falls
        self.measurements += 1
        self.drive("echo", 1, rises)
        self.drive("echo", 0, falls)
