"""How the host reads the guest's progress (linuxhw.vm.progress) as tests/conftest.py writes it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from linuxhw.vm import boot, progress
from linuxhw.vm._host import EXIT_TIMEOUT, Failure
from linuxhw.vm.progress import CURRENT_TEST, FAILED_TESTS, GRACE, RunningTest, failed_tests, running_test

REPO = Path(__file__).resolve().parents[2]


def test_a_test_is_stuck_only_past_its_own_timeout_and_the_grace() -> None:
    test = RunningTest("tests/x.py::test_y", started=1000.0, timeout=180.0)
    assert not test.stuck(1000.0 + 180 + GRACE)
    assert test.stuck(1000.0 + 180 + GRACE + 1)
    assert not RunningTest("tests/x.py::test_y", started=0.0, timeout=None).stuck(10**9)


def test_nothing_running_when_the_record_is_absent_or_empty(tmp_path: Path) -> None:
    assert running_test(tmp_path) is None
    (tmp_path / CURRENT_TEST).write_text("")
    assert running_test(tmp_path) is None
    (tmp_path / CURRENT_TEST).write_text("tests/x.py::test_y\nnot a number")
    assert running_test(tmp_path) == RunningTest("tests/x.py::test_y", (tmp_path / CURRENT_TEST).stat().st_mtime, None)
    assert failed_tests(tmp_path) == []


def test_the_suites_conftest_reports_each_test_its_timeout_and_each_failure(tmp_path: Path) -> None:
    """Run a small suite under this repository's tests/conftest.py hooks, as the guest does."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (suite / "test_progress.py").write_text(
        textwrap.dedent(
            f"""
            import pathlib, pytest

            RECORD = pathlib.Path({str(tmp_path / CURRENT_TEST)!r})

            @pytest.mark.timeout(42)
            def test_sees_itself_named_with_its_timeout(request):
                assert RECORD.read_text() == request.node.nodeid + "\\n42"

            def test_sees_the_command_lines_timeout(request):
                assert RECORD.read_text() == request.node.nodeid + "\\n77"

            def test_fails():
                assert False
            """
        )
    )
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        LINUXHW_CURRENT_TEST_FILE=str(tmp_path / CURRENT_TEST),
        LINUXHW_FAILED_TESTS_FILE=str(tmp_path / FAILED_TESTS),
    )
    env.pop("LINUXHW_TEST_TIER", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "timeout=180",
         "--timeout=77", str(suite)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert "1 failed, 2 passed" in proc.stdout, proc.stdout + proc.stderr
    assert running_test(tmp_path) is None, "the record is emptied when a test ends"
    assert failed_tests(tmp_path) == ["suite/test_progress.py::test_fails (call)"]


def test_a_guest_stuck_past_its_tests_own_timeout_is_killed_long_before_the_run_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "GRACE", 0.0)
    monkeypatch.setattr(boot, "POLL", 0.05)
    # A stand-in guest: it says a test with a 0.1 s timeout started, then never finishes (until killed).
    guest = ["bash", "-c", f"printf 'tests/x.py::test_hangs\\n0.1' > {tmp_path / CURRENT_TEST}; exec sleep 600"]
    with pytest.raises(
        Failure,
        match=r"the guest is stuck: tests/x.py::test_hangs has run \d+ s, more than its own "
        r"timeout of 0.1 s \+ 0 s \(its timeout could not stop it\); killed it",
    ) as stuck:
        boot.run_guest(guest, dict(os.environ), timeout=600, run_dir=tmp_path)
    assert stuck.value.status == EXIT_TIMEOUT
