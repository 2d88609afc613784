"""gpiozero's own tests/test_real_pins.py, unmodified from its sdist, on the linuxhw pin factory over
gpio-sim: a bank named GPIO0..GPIO27, the wire between GPIO22 and GPIO27 emulated by the harness."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.compat.gpiozero_suite import run_real_pins
from tests.compat.test_gpiozero_real_pins import EXPECTED_SKIPS, TIMING_DEPENDENT, ours

pytestmark = pytest.mark.kernel
pytest.importorskip("gpiozero")


def test_gpiozero_real_pins_on_gpio_sim(tmp_path: Path) -> None:
    outcomes, timed = ours(run_real_pins("kernel", tmp_path))
    print("gpiozero test_real_pins on gpio-sim:", dict(Counter(outcomes.values())))
    assert {name for name, outcome in outcomes.items() if outcome == "skipped"} == EXPECTED_SKIPS
    assert [name for name, outcome in outcomes.items() if outcome not in ("passed", "skipped")] == []
    print("timing-dependent, not asserted:", TIMING_DEPENDENT, timed)
