"""gpiozero's own tests/test_real_pins.py, unmodified from its sdist, on the linuxhw pin factory over
gpio-sim: a bank named GPIO0..GPIO27, the wire between GPIO22 and GPIO27 emulated by the harness."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compat.test_gpiozero_real_pins import check_suite

pytestmark = pytest.mark.kernel
pytest.importorskip("gpiozero")


def test_gpiozero_real_pins_on_gpio_sim(tmp_path: Path) -> None:
    check_suite("kernel", tmp_path)
