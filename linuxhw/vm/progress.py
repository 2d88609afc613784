"""What the guest's test runner tells the host as it goes, and how the host tells a stuck guest from a slow one.

The runner (tests/conftest.py does it; any test runner may) writes, in the run directory, ``current-test``
when a test starts — its node id, and on a second line the seconds its own timeout allows — and empties it
when the test ends; and appends the node id of each failed test to ``failed-tests``. The host then kills a
guest whose test has outlived its own timeout by :data:`GRACE` (the test's timeout could not stop it: the
guest is stuck) however long the whole run takes, and names the failures so far when it kills one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

CURRENT_TEST = "current-test"  # in the run dir: the test the guest is running, and its own timeout
FAILED_TESTS = "failed-tests"  # in the run dir: the node ids of the tests that failed so far, one per line
GRACE = 120.0  # seconds past a test's own timeout before the guest counts as stuck


@dataclasses.dataclass(frozen=True)
class RunningTest:
    """The test the guest said it is running, since when (the record's mtime), and its own timeout."""

    nodeid: str
    started: float
    timeout: float | None

    def stuck(self, now: float) -> bool:
        """Whether the test has outlived its own timeout by GRACE: nothing in the guest could stop it."""
        return self.timeout is not None and now - self.started > self.timeout + GRACE


def running_test(run_dir: Path) -> RunningTest | None:
    """The test the guest is running, or None between tests (or when its runner tells nothing)."""
    record = run_dir / CURRENT_TEST
    try:
        text, started = record.read_text(), record.stat().st_mtime
    except OSError:
        return None
    nodeid, _, limit = text.partition("\n")
    if not nodeid:
        return None
    try:
        timeout: float | None = float(limit) if limit.strip() else None
    except ValueError:
        timeout = None
    return RunningTest(nodeid, started, timeout)


def failed_tests(run_dir: Path) -> list[str]:
    """The node ids of the tests the guest reported failed so far."""
    try:
        return [line for line in (run_dir / FAILED_TESTS).read_text().splitlines() if line]
    except OSError:
        return []
