"""The README's examples run as doctests on the mock board, so the tour stays true."""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import linuxhw

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples() -> None:
    previous = linuxhw.get_backend()
    try:
        result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    finally:
        linuxhw.set_backend(previous)
    assert result.attempted > 20
    assert result.failed == 0


def test_module_docstring_examples() -> None:
    import linuxhw.mock

    result = doctest.testmod(linuxhw.mock)
    assert result.attempted > 0
    assert result.failed == 0


def test_readme_linuxhw_run_examples(tmp_path: Path) -> None:
    """The README's ``linuxhw run`` examples: its files (``# name.py`` blocks) in one directory, each
    console command run there, its output as the README shows it; its example test passes."""
    text = README.read_text()
    blocks = [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]
    for block in blocks:
        name = re.match(r"# (\w+\.py)\b", block)
        if name:
            (tmp_path / name.group(1)).write_text(block)
    consoles = [block.split("```", 1)[0] for block in text.split("```console\n")[1:] if "$ linuxhw run" in block]
    assert consoles, "the README shows no linuxhw run"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LINUXHW_", "GPIOZERO_"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    for console in consoles:
        for command, expected in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", console, re.M):
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                                  timeout=120, check=False)  # fmt: skip
            assert done.stdout == expected, f"{command}\n{done.stderr}"
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_level.py"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_readme_probe_pwm_and_iio_commands() -> None:
    """The README's ``linuxhw probe``, ``linuxhw pwm`` and ``linuxhw iio`` blocks on the demo board (a fresh one
    per command), each command's output (stdout and stderr, as a terminal shows them) as the README shows it."""
    text = README.read_text()
    consoles = [block.split("```", 1)[0] for block in text.split("```console\n")[1:]]
    chosen = [c for c in consoles if c.startswith(("$ linuxhw probe\n", "$ linuxhw pwm ", "$ linuxhw iio "))]
    assert len(chosen) == 3, "the README's probe, pwm and iio blocks"
    env = {key: value for key, value in os.environ.items() if not key.startswith("LINUXHW_")}
    env["LINUXHW_BACKEND"] = "mock"
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    for console in chosen:
        for command, expected in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", console, re.M):
            done = subprocess.run(["bash", "-c", command], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=120, check=False)  # fmt: skip
            assert done.stdout == expected, command
