"""envsense: a driver for a small register-based temperature sensor and a reader woken by its DRDY interrupt."""

from envsense.reader import InterruptReader
from envsense.sensor import Sensor, SensorError

__all__ = ["InterruptReader", "Sensor", "SensorError"]
