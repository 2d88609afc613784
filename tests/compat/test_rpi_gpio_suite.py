"""RPi.GPIO 0.7.1's own test/test.py --non_interactive, unmodified from its sdist, against the RPi.GPIO face:
on a mock Raspberry Pi 4 with its loop pins jumpered (BOARD 16 - 22), and on gpio-sim in the kernel tier
with the wire emulated. Each test that does not pass fails for a reason the README names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compat.rpi_gpio_suite import RUN_TIMEOUT, SuiteRun, run_suite

# They write to /sys/class/gpio (the "already in use" warnings) or look for its exports (test_cleanone):
# linuxhw uses the GPIO character device only. TestAAASetup's steps after its sysfs one are covered by
# tests/compat/test_rpi_gpio.py.
SYSFS = {"TestAAASetup.runTest", "TestSetWarnings.test_alreadyinuse", "TestCleanup.test_cleanone"}
# test_cleanone stops at its sysfs check with LOOP_IN's edge detection on, and TestCleanup has no tearDown:
# the next test's add_event_detect(LOOP_IN, ...) then conflicts. Run after a passing test_cleanone (or
# alone) it passes; each run checks that.
AFTER_CLEANONE = {"TestEdgeDetection.testAddEventCallback"}
INTERACTIVE = {"TestSoftPWM.runTest", "TestSwitchBounce.test_switchbounce", "TestSwitchBounce.test_event_detected"}
# They time a wait_for_edge() against a threading.Timer by the wall clock, to within 20 ms (150 times) and
# 100 ms: on a loaded machine the timer's thread itself comes late. Their outcomes are reported, never
# asserted (as gpiozero's test_duty_cycles); one that fails is run again alone, up to RETRIES times.
TIMED = {"TestEdgeDetection.testWaitForEdgeInLoop", "TestEdgeDetection.testShellCmdWithWaitForEdge"}
RETRIES = 3
RUNS = 1 + len(TIMED) * RETRIES + len(AFTER_CLEANONE)  # the most runs of the suite one test makes


def suite_timeout(tier: str) -> float:
    """The test's own deadline: every run it may make at its longest (each run has its own, see run_suite)."""
    return RUNS * RUN_TIMEOUT[tier]


def check_suite(tier: str, work: Path) -> SuiteRun:
    """Run the suite on ``tier``: every test that does not pass fails for a reason named above."""
    run = run_suite(tier, work)
    print(f"RPi.GPIO 0.7.1 test/test.py ({tier}):", run.counts())
    for name in sorted(TIMED & not_passed(run)):
        tries: list[str] = []
        while len(tries) < RETRIES and "passed" not in tries:
            tries.append(run_suite(tier, work, name).outcomes[name])
        print(f"{name} failed in the run; alone: {tries}")
        if "passed" in tries:
            run.outcomes[name] = "passed"
    for name in SYSFS:
        assert run.outcomes[name] in ("failed", "error") and "/sys/class/gpio" in run.reports[name], name
    assert {name for name, outcome in run.outcomes.items() if outcome == "skipped"} == INTERACTIVE
    assert len(run.outcomes) == 36
    # TestVersions asks a person whether RPI_INFO and VERSION are right: the harness answered yes, so check them
    for told in ("P1_REVISION => 3", "TYPE => Pi 4 Model B", "PROCESSOR => BCM2711", "RPi.GPIO version 0.7.1"):
        assert told in run.stdout, told
    return run


def not_passed(run: SuiteRun) -> set[str]:
    return {name for name, outcome in run.outcomes.items() if outcome in ("failed", "error")}


@pytest.mark.timeout(suite_timeout("mock"))
def test_rpi_gpio_suite_on_the_mock(tmp_path: Path) -> None:
    run = check_suite("mock", tmp_path)
    assert not_passed(run) - TIMED == SYSFS | AFTER_CLEANONE, run.reports
    alone = run_suite("mock", tmp_path, *AFTER_CLEANONE)
    assert set(alone.outcomes.values()) == {"passed"}, alone.reports


@pytest.mark.kernel
@pytest.mark.timeout(suite_timeout("kernel"))
def test_rpi_gpio_suite_on_gpio_sim(tmp_path: Path) -> None:
    """As on the mock (whose run checks AFTER_CLEANONE alone); under emulation TIMED's margins measure the
    guest's speed."""
    run = check_suite("kernel", tmp_path)
    assert not_passed(run) - TIMED == SYSFS | AFTER_CLEANONE, run.reports
