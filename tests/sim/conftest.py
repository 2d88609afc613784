"""Kernel-tier gate for tests/sim: skip kernel tests off the tier, fail them loudly on a broken tier."""

from __future__ import annotations

import os

import pytest

from linuxhw.sim import EnvironmentReport, check_kernel_tier

KERNEL_TIER = os.environ.get("LINUXHW_TEST_TIER") == "kernel"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if KERNEL_TIER:
        return
    skip = pytest.mark.skip(reason="kernel tier only: run scripts/vmtest (sets LINUXHW_TEST_TIER=kernel)")
    for item in items:
        if item.get_closest_marker("kernel"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def kernel_tier_report() -> EnvironmentReport:
    return check_kernel_tier()


@pytest.fixture(autouse=True)
def _require_kernel_tier(request: pytest.FixtureRequest) -> None:
    """On the kernel tier a missing simulator is a failure, never a skip."""
    if KERNEL_TIER and request.node.get_closest_marker("kernel"):
        report: EnvironmentReport = request.getfixturevalue("kernel_tier_report")
        if not report.ok:
            pytest.fail(f"LINUXHW_TEST_TIER=kernel, but:\n{report}", pytrace=False)
