"""Exit codes, backend selection, --json placement and ``python -m linuxhw`` as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linuxhw._kernel.factory import ALLOWED
from linuxhw.cli import main
from tests.cli.conftest import REPO, Cli, linuxhw_process
from tests.waiting import DEADLINE, read_line


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli().status == 2
    assert cli("frobnicate").status == 2
    result = cli("spi", "transfer", "0.0", "xyz")
    assert result.status == 2
    assert "HEX must be bytes" in result.err


def test_usage_errors_of_commands_that_follow_a_peer_exit_1(cli: Cli) -> None:
    result = cli("gpio", "set", "GPIO17")  # libgpiod's tools and i2c-tools: 1
    assert result.status == 1
    assert "expected LINE=VALUE" in result.err
    assert cli("i2c", "get", "0", "0x03").status == 1
    assert [cli(*args).status for args in (["gpio"], ["gpio", "bogus"], ["i2c"], ["i2c", "bogus"])] == [1] * 4


def test_help_exits_0(cli: Cli) -> None:
    result = cli("i2c", "transfer", "--help")
    assert result.status == 0
    assert "w3@0x50" in result.out or "i2ctransfer" in result.out


def test_json_goes_before_or_after_the_command(cli: Cli) -> None:
    before = cli("--json", "gpio", "detect")
    after = cli("gpio", "detect", "--json")
    assert before.status == after.status == 0
    assert json.loads(before.out) == json.loads(after.out)
    assert json.loads(after.out)[0] == {"name": "gpiochip0", "label": "pinctrl-bcm2711", "num_lines": 58}


def test_failure_names_the_device_and_the_errno(cli: Cli) -> None:
    result = cli("i2c", "get", "1", "0x3d")
    assert result.status == 2  # i2cget's status for a failed read
    assert result.err.startswith("linuxhw i2c get: error: /dev/i2c-1: SMBus receive byte at 0x3d failed")
    assert "No such device or address" in result.err
    assert result.err.rstrip().endswith("[ENXIO]")
    assert "Traceback" not in result.err


def test_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LINUXHW_BACKEND", "mock")
    assert main(["gpio", "find", "BTN0"]) == 0
    assert capsys.readouterr().out == "gpiochip1 4\n"


def test_python_dash_m_runs_the_command() -> None:
    with linuxhw_process("--backend", "mock", "i2c", "detect", "1") as proc:
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.splitlines()[0] == "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f"
    assert out.splitlines()[2] == "10: -- -- -- -- -- -- -- -- -- -- -- -- 1c -- -- -- "


def test_python_dash_m_exit_codes_and_environment() -> None:
    with linuxhw_process("gpio", "get", "NO_SUCH_LINE", env={"LINUXHW_BACKEND": "mock"}) as proc:
        out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (1, "")
    assert err == "linuxhw gpio get: error: no GPIO line named 'NO_SUCH_LINE' on any chip\n"
    with linuxhw_process("--backend", "mock", "gpio", "set", "GPIO17=maybe") as proc:
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1  # gpioset's status for a usage error
    assert "must be 1/0" in err


def test_version(cli: Cli) -> None:
    assert cli("--version").status == 0


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    chips = ["0"] * 3000  # far more output than a pipe buffer holds
    with linuxhw_process("--backend", "mock", "gpio", "detect", *chips) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert read_line(proc.stdout, "the first line of gpio detect") == "gpiochip0 [pinctrl-bcm2711] (58 lines)\n"
        proc.stdout.close()
        err = proc.stderr.read()
        status = proc.wait(timeout=60)
    assert (status, err) == (141, "")


FACTORY = """
from linuxhw import mock

def make_board():
    board = mock.Board()
    board.add_gpio_chip(4, label="my-parts", names=["READY"])
    return board
"""
CONSOLE_SCRIPT = "import sys\nfrom linuxhw.cli import main\nsys.exit(main())\n"  # what pip's `linuxhw` script does


@pytest.mark.parametrize("where", ["--backend", "LINUXHW_BACKEND"])
def test_backend_names_a_factory_found_in_the_current_directory(tmp_path: Path, where: str) -> None:
    project, scripts = tmp_path / "project", tmp_path / "bin"
    project.mkdir()
    scripts.mkdir()
    (project / "myparts.py").write_text(FACTORY)
    (scripts / "linuxhw").write_text(CONSOLE_SCRIPT)  # sys.path[0] is the script's directory, not the cwd
    spec = "myparts:make_board"
    args, env = (["--backend", spec], {}) if where == "--backend" else ([], {"LINUXHW_BACKEND": spec})
    run = subprocess.run(
        [sys.executable, str(scripts / "linuxhw"), *args, "gpio", "detect"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": REPO, **env},
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "gpiochip0 [my-parts] (4 lines)\n", "")


def test_a_backend_that_cannot_be_made_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = list(sys.path)
    assert main(["--backend", "no_such_parts_x:make_board", "gpio", "detect"]) == 2
    assert capsys.readouterr().err == (
        "linuxhw: error: --backend='no_such_parts_x:make_board': no module named 'no_such_parts_x' on sys.path"
        f" (the current directory is on it); --backend must be {ALLOWED}\n"
    )
    assert sys.path == before  # the current directory, appended for the factory, is gone again
    assert main(["--backend", "fake", "gpio", "detect"]) == 2
    assert capsys.readouterr().err == f"linuxhw: error: --backend must be {ALLOWED}; not 'fake'\n"
    monkeypatch.setenv("LINUXHW_BACKEND", "linuxhw.mock:no_board")
    assert main(["gpio", "detect"]) == 2
    assert capsys.readouterr().err == (
        "linuxhw: error: LINUXHW_BACKEND='linuxhw.mock:no_board': linuxhw.mock has no attribute 'no_board'"
        " (did you mean 'demo_board'?)\n"
    )
