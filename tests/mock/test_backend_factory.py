"""A backend named from outside the program, ``package.module:factory``: LINUXHW_BACKEND, set_backend, use_backend.

The CLI's ``--backend`` is tested in tests/cli/test_main.py, the pytest plugin's options in
tests/testing/test_plugin.py.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import linuxhw
from linuxhw import gpio, i2c, mock
from linuxhw._kernel import resolve_backend
from tests.waiting import DEADLINE

REPO = Path(__file__).resolve().parents[2]
_names = itertools.count()

PARTS = """
from linuxhw import mock

calls = []

def make_board():
    calls.append(1)
    board = mock.Board()
    bus = board.add_i2c_bus("parts")
    bus.attach(0x48, mock.RegisterDevice(defaults={0x0F: 0xA1}))
    return board

class Boards:
    @staticmethod
    def small():
        board = mock.Board()
        board.add_gpio_chip(4, label="small")
        return board

READY = mock.Board()
SIZE = 3

def not_a_board():
    return {"board": "no"}
"""


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of a fresh importable module holding the factories above (unique: no import cache between tests)."""
    name = f"user_parts_{os.getpid()}_{next(_names)}"
    (tmp_path / f"{name}.py").write_text(PARTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_a_factory_makes_a_fresh_board_each_time(parts: str) -> None:
    first, second = resolve_backend(f"{parts}:make_board"), resolve_backend(f"{parts}:make_board")
    assert isinstance(first, mock.Board) and isinstance(second, mock.Board) and first is not second
    assert len(sys.modules[parts].calls) == 2
    with linuxhw.use_backend(f"{parts}:make_board") as board, i2c.Bus("parts") as bus:
        assert isinstance(board, mock.Board) and len(sys.modules[parts].calls) == 3
        assert bus.device(0x48).read_byte_data(0x0F) == 0xA1


def test_set_backend_takes_a_factory_a_dotted_attribute_or_a_backend_object(parts: str) -> None:
    previous = linuxhw.get_backend()
    try:
        board = linuxhw.set_backend(f"{parts}:Boards.small")
        assert linuxhw.get_backend() is board and isinstance(board, mock.Board)
        assert [chip.label for chip in gpio.chips()] == ["small"]
        assert linuxhw.set_backend(f"{parts}:READY") is sys.modules[parts].READY
        assert isinstance(linuxhw.set_backend("linuxhw.mock:Board"), mock.Board)  # a class is a factory too
    finally:
        linuxhw.set_backend(previous)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (":make_board", r"backend=':make_board': a factory is named 'package.module:factory'; backend must be 'real'"),
        ("{parts}:", r"a factory is named 'package.module:factory'"),
        ("{parts}:make-board", r"a factory is named 'package.module:factory'"),
        ("no_such_module_x:make_board", r"no module named 'no_such_module_x' on sys.path .*; backend must be 'real'"),
        ("{parts}.sub:make_board", r"no module named '{parts}.sub' on sys.path"),
        ("{parts}:make_bord", r"{parts} has no attribute 'make_bord' \(did you mean 'make_board'\?\)"),
        ("{parts}:Boards.large", r"{parts}:Boards has no attribute 'large'"),
        ("{parts}:SIZE", r"{parts}:SIZE is an int \(3\), not a callable returning a Backend"),
        ("{parts}:not_a_board", r"{parts}:not_a_board\(\) returned a dict \(\{'board': 'no'\}\), not a linuxhw"),
        ("fake", r"backend must be 'real' \(the kernel\), 'mock' \(the demo board\), or 'package.module:factory'"),
    ],
)  # fmt: skip
def test_a_bad_spec_names_itself_and_what_is_allowed(parts: str, spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("{parts}", parts)):
        linuxhw.set_backend(spec.replace("{parts}", parts))


def test_errors_inside_the_users_module_or_factory_are_the_users(tmp_path: Path, parts: str) -> None:
    (tmp_path / f"{parts}_broken.py").write_text("import no_such_dependency_x\n")
    (tmp_path / f"{parts}_raises.py").write_text("def make():\n    raise RuntimeError('no parts today')\n")
    try:
        with pytest.raises(ModuleNotFoundError, match="no_such_dependency_x"):
            resolve_backend(f"{parts}_broken:make")
        with pytest.raises(RuntimeError, match="no parts today"):
            resolve_backend(f"{parts}_raises:make")
    finally:
        sys.modules.pop(f"{parts}_raises", None)


def test_the_current_directory_hint(parts: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if os.path.abspath(p or ".") != str(tmp_path)])
    with pytest.raises(ValueError, match=r"the current directory is not: PYTHONPATH=\. puts it there"):
        resolve_backend(f"{parts}_elsewhere:make_board", "LINUXHW_BACKEND")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match=r"LINUXHW_BACKEND='\w+:make_board': .*\(the current directory is on it\)"):
        resolve_backend(f"{parts}_elsewhere:make_board", "LINUXHW_BACKEND")


SCRIPT = """
from linuxhw.compat.smbus2 import SMBus
with SMBus("parts") as bus:
    print(hex(bus.read_byte_data(0x48, 0x0F)))
"""


def test_an_unchanged_script_runs_on_the_board_the_environment_names(tmp_path: Path) -> None:
    (tmp_path / "myparts.py").write_text(PARTS)
    (tmp_path / "script.py").write_text(SCRIPT)
    env = {**os.environ, "LINUXHW_BACKEND": "myparts:make_board", "PYTHONPATH": str(REPO)}
    run = _script(tmp_path, env)
    assert (run.returncode, run.stdout, run.stderr) == (0, "0xa1\n", "")
    env["LINUXHW_BACKEND"] = "myparts:make_bord"
    run = _script(tmp_path, env)
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1] == (
        "ValueError: LINUXHW_BACKEND='myparts:make_bord': myparts has no attribute 'make_bord'"
        " (did you mean 'make_board'?)"
    )


def _script(where: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "script.py"], cwd=where, env=env, capture_output=True, text=True, timeout=DEADLINE, check=False
    )


README_SCRIPT = """
import bme280
from linuxhw.compat.smbus2 import SMBus
from linuxhw import gpio
with SMBus("sensors") as bus:
    print(round(bme280.sample(bus, 0x76).temperature, 2), gpio.find_line("READY").chip_label)
"""


def test_the_readme_factory_runs_a_script_and_the_cli(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    (block,) = [b.split("```", 1)[0] for b in readme.split("```python\n") if b.startswith("# myparts.py\n")]
    (tmp_path / "myparts.py").write_text(block)
    (tmp_path / "script.py").write_text(README_SCRIPT)
    env = {**os.environ, "LINUXHW_BACKEND": "myparts:make_board", "PYTHONPATH": str(REPO)}
    run = _script(tmp_path, env)
    assert (run.returncode, run.stdout, run.stderr) == (0, "25.08 bench\n", "")
    cli = subprocess.run(
        [sys.executable, "-m", "linuxhw", "--backend", "myparts:make_board", "i2c", "detect", "1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=DEADLINE, check=False,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.splitlines()[8] == "70: -- -- -- -- -- -- 76 --                         "
