"""tests/waiting.py's own promises: a child that does not end fails its test naming what, and says where it was."""

from __future__ import annotations

import sys

import pytest

from tests.waiting import run_to_end

STUCK = "import threading; threading.Event().wait()"  # a child that never ends


def test_a_child_that_ends_gives_its_output_and_status() -> None:
    done = run_to_end([sys.executable, "-c", "import sys; print(input()); sys.exit(3)"], "echo", 60, input="hi\n")
    assert (done.returncode, done.stdout, done.stderr) == (3, "hi\n", "")


def test_a_child_that_does_not_end_fails_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(AssertionError, match=r"^the stuck child did not end within 0\.5 s"):
        run_to_end([sys.executable, "-c", STUCK], "the stuck child", 0.5)
    err = capsys.readouterr().err
    assert "still running: State:" in err and "after SIGABRT" in err  # its state, then what SIGABRT made it print


def test_its_python_children_print_their_stacks_on_sigabrt() -> None:
    done = run_to_end([sys.executable, "-c", "import faulthandler; print(faulthandler.is_enabled())"], "a check", 60)
    assert done.stdout == "True\n"
