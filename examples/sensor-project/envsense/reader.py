"""Read the sensor when its DRDY pin rises: no polling over I2C, one read per interrupt."""

from __future__ import annotations

from envsense.sensor import Sensor
from linuxhw import gpio
from linuxhw.gpio import Direction, Edge, LineSettings


class InterruptReader:
    """Waits for rising edges on the DRDY line (``chip`` and ``line`` by name, label or path) and reads
    ``sensor`` on each; a context manager that releases the line."""

    def __init__(self, sensor: Sensor, chip: str, line: str | int) -> None:
        self.sensor = sensor
        self.line = line
        with gpio.Chip(chip) as handle:
            self._request = handle.request_lines(
                {line: LineSettings(direction=Direction.INPUT, edge=Edge.RISING)}, consumer="envsense"
            )

    def read(self, timeout: float) -> float | None:
        """The reading of the next data-ready interrupt, or None if none came within ``timeout`` s."""
        events = self._request.read_edge_events(max_events=1, timeout=timeout)
        return self.sensor.temperature() if events else None

    def close(self) -> None:
        self._request.release()

    def __enter__(self) -> InterruptReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
