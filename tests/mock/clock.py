"""A CLOCK_MONOTONIC for device models that time their conversions, moved by the test itself."""

from __future__ import annotations

import pytest


class FakeClock:
    """Stands in for a model module's ``time``: ``monotonic_ns()`` is ``now``, which the test moves."""

    def __init__(self) -> None:
        self.now = 10**12

    def monotonic_ns(self) -> int:
        return self.now


def fake_clock(monkeypatch: pytest.MonkeyPatch, module: str) -> FakeClock:
    """Give the model module ``module`` (e.g. "linuxhw.mock.ads1x15") a clock of the test's."""
    fake = FakeClock()
    monkeypatch.setattr(f"{module}.time", fake)
    return fake
