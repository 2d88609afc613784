"""Software PWM on one line, for the faces whose peers have it (gpiozero's pins, RPi.GPIO's PWM)."""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable

__all__ = ["SoftwarePwm"]

LATE_LIMIT = 0.5  # seconds of excess high time a software PWM still pays back (a stalled thread)


class _SwitchInterval:
    """While any software PWM runs, the interpreter switches threads every 0.5 ms rather than 5:
    a PWM thread waiting for the GIL would otherwise stretch its phases by up to 5 ms."""

    PWM_INTERVAL = 0.0005

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = sys.getswitchinterval()

    def __enter__(self) -> None:
        with self._lock:
            if not self._users:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.PWM_INTERVAL))
            self._users += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._users -= 1
            if not self._users:
                sys.setswitchinterval(self._saved)


_SWITCHING = _SwitchInterval()


class SoftwarePwm:
    """Drives a line high for ``duty`` (0..1) of each period on a thread, through ``drive(level)``.

    Wake-ups come late when other threads hold the GIL, so each period's high time is corrected by
    the excess of the ones before: late wake-ups cost the duty cycle nothing on average (a stall
    longer than a period loses the high time of the periods it skips). A new duty cycle takes effect
    at once (0 and 1 are driven before the constructor or the setter returns); ``stop()`` ends the
    thread and drives the line low."""

    def __init__(self, drive: Callable[[int], None], frequency: float, name: str, duty: float = 0.0) -> None:
        self._drive = drive
        self.frequency = frequency
        self._duty = duty
        self._stopped = False
        self._wake = threading.Event()  # a new duty cycle, or stop
        if duty in (0, 1):
            drive(int(duty))  # before the thread starts: steady from the start
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"{name} PWM")
        self._thread.start()

    @property
    def duty(self) -> float:
        return self._duty

    @duty.setter
    def duty(self, value: float) -> None:
        self._duty = value
        if value in (0, 1):
            self._drive(int(value))
        self._wake.set()

    def _pause(self, seconds: float) -> bool:
        """Wait; True when woken early (new duty cycle or stop)."""
        return self._wake.wait(max(0.0, seconds))

    def _run(self) -> None:
        with _SWITCHING:
            self._cycle()

    def _cycle(self) -> None:
        while not self._stopped:
            self._wake.clear()
            owed = 0.0  # high time still due from earlier periods (negative: given too much)
            start = time.monotonic()
            while not self._stopped:
                period, duty = 1 / self.frequency, self._duty
                if duty in (0, 1):  # steady: driven here too, in case this thread drove over the setter
                    self._drive(int(duty))
                    self._wake.wait()
                    break
                owed = max(-LATE_LIMIT, min(period, owed + duty * period))
                if owed > 0:
                    self._drive(1)
                    high_from = time.monotonic()
                    if self._pause(owed):
                        break
                    owed -= time.monotonic() - high_from
                self._drive(0)
                start = max(start + period, time.monotonic() - period)
                if self._pause(start - time.monotonic()):
                    break

    def stop(self) -> None:
        """End the thread (from any other thread) and drive the line low."""
        self._stopped = True
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        self._drive(0)
