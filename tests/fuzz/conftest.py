"""The fuzz tests' summary: how many examples each group ran (the issue's note quotes it)."""

from __future__ import annotations

import pytest

from tests.fuzz.profiles import PROFILE, examples_run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not examples_run:
        return
    groups = ", ".join(f"{group} {count}" for group, count in sorted(examples_run.items()))
    total = sum(examples_run.values())
    terminalreporter.write_line(f"fuzz ({PROFILE} profile): {total} examples run: {groups}")
