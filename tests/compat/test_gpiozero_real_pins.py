"""gpiozero's own tests/test_real_pins.py, unmodified from its sdist, passes on the linuxhw pin
factory on the mock board (a jumper between GPIO22 and GPIO27)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.compat.gpiozero_suite import run_real_pins

pytest.importorskip("gpiozero")

# Skipped for reasons outside linuxhw: Pi-only internals (LocalPiFactory/LocalPiHardwareSPI mocks),
# a Pi's fixed pull-up on GPIO2, another factory's name, and no default factory off a Pi.
EXPECTED_SKIPS = {
    "test_pull_down_warning[linuxhw]", "test_spi_hardware_modes[linuxhw]", "test_spi_hardware_read[linuxhw]",
    "test_spi_hardware_same_port[linuxhw]", "test_spi_hardware_write[linuxhw]", "test_compatibility_names",
    "test_default_factory",
}  # fmt: skip


# Counts samples of a busy read loop against a software PWM thread (tolerance 0.1): on a loaded host a
# descheduled thread skews it either way, so its outcome is reported, never asserted (see the README).
TIMING_DEPENDENT = "test_duty_cycles[linuxhw]"


def ours(outcomes: dict[str, str]) -> tuple[dict[str, str], str]:
    """The outcomes of the tests run on the linuxhw factory and of those run on no factory, without
    the timing-dependent one; and that one's outcome."""
    mine = {name: outcome for name, outcome in outcomes.items() if "[" not in name or "[linuxhw]" in name}
    return mine, mine.pop(TIMING_DEPENDENT, "missing")


def check_suite(tier: str, work: Path) -> None:
    """Run the suite on ``tier``: everything passes but the expected skips; print the counts."""
    outcomes, timed = ours(run_real_pins(tier, work))
    print(f"gpiozero test_real_pins ({tier}):", dict(Counter(outcomes.values())), f"{TIMING_DEPENDENT}: {timed}")
    assert {name for name, outcome in outcomes.items() if outcome == "skipped"} == EXPECTED_SKIPS
    assert [name for name, outcome in outcomes.items() if outcome not in ("passed", "skipped")] == []
    assert len(outcomes) == 22


@pytest.mark.mock_only
def test_gpiozero_real_pins_on_the_mock(tmp_path: Path) -> None:
    check_suite("mock", tmp_path)
