"""gpiozero's DistanceSensor, unmodified, with GPIOZERO_PIN_FACTORY=linuxhw, against mock.Hcsr04 on the
mock board: the echo pulse it times from edge-event timestamps is the modelled round trip."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import mock
from tests.waiting import DEADLINE

gpiozero = pytest.importorskip("gpiozero")


@pytest.fixture
def ranger(monkeypatch: pytest.MonkeyPatch) -> Iterator[mock.Hcsr04]:
    """An HC-SR04 on GPIO23 (trigger) and GPIO24 (echo) of a Pi-like header bank."""
    board = mock.Board()
    soc = board.add_gpio_chip(28, label="pinctrl-mock", names=[f"GPIO{i}" for i in range(28)])
    part = soc.attach(mock.Hcsr04(distance=0.5), trigger="GPIO23", echo="GPIO24")
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "linuxhw")
    with linuxhw.use_backend(board):
        yield part
        gpiozero.Device.pin_factory.close()
        gpiozero.Device.pin_factory = None
    assert board.open_files() == 0


def _settles(sensor: object, metres: float) -> float:
    """The sensor's (smoothed) distance once it reads ``metres``; fails with the last reading."""
    pause = threading.Event()
    for _ in range(int(DEADLINE / 0.05)):
        reading = float(sensor.distance)  # type: ignore[attr-defined]
        if reading == pytest.approx(metres, rel=0.005):
            return reading
        pause.wait(0.05)
    raise AssertionError(f"DistanceSensor never read {metres} m; last reading {reading} m")


def test_distance_sensor_reads_the_ranger(ranger: mock.Hcsr04) -> None:
    with pytest.warns(gpiozero.PWMSoftwareFallback):  # gpiozero's advice for any factory but pigpio
        sensor = gpiozero.DistanceSensor(echo=24, trigger=23, max_distance=2)
    with sensor:
        assert sensor.distance == pytest.approx(0.5 * 343.26 / 343.2, rel=0.002)  # gpiozero takes 343.26 m/s
        assert type(sensor.pin_factory).__name__ == "LinuxhwFactory"
        ranger.distance = 1.25
        assert _settles(sensor, 1.25) == pytest.approx(1.25 * 343.26 / 343.2, rel=0.005)
        ranger.distance = None  # nothing in range: a 38 ms echo, past max_distance
        assert _settles(sensor, 2.0) == 2.0 and not sensor.in_range
    assert ranger.measurements >= 9
