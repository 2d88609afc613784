"""Run RPi.GPIO 0.7.1's own ``test/test.py --non_interactive``, unmodified from its sdist (fetched by
scripts/peer-tools into the cache), against linuxhw.compat.rpi_gpio on a board of rpi_gpio_wire.py.

``python -m tests.compat.rpi_gpio_suite SCRIPT ARGS...`` runs a script as python would, with its
``import RPi.GPIO`` answered by the face.
"""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.waiting import run_to_end

REPO = Path(__file__).resolve().parents[2]
# Seconds one run of the suite may take before its stacks are printed and it fails: it takes ~10 s on a
# quiet machine's mock, minutes under the kernel tier's emulation.
RUN_TIMEOUT = {"mock": 300, "kernel": 900}
ANSWERS = "y\ny\n"  # TestVersions asks whether RPI_INFO and VERSION are right, even non-interactively


def rpi_gpio_sdist() -> Path:
    """The unpacked RPi.GPIO 0.7.1 sdist; the test skips, naming why, where it cannot be fetched."""
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "peer-tools"), "--rpi-gpio-suite"],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"RPi.GPIO 0.7.1's sdist could not be had (PyPI unreachable?): {done.stderr.strip()[-500:]}")
    return Path(done.stdout.strip())


@dataclass
class SuiteRun:
    """What a run of the suite said: its tests' outcomes (``Class.method`` -> outcome), the report of
    each failure and error, and its output."""

    outcomes: dict[str, str]
    reports: dict[str, str]
    stdout: str
    stderr: str

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for outcome in self.outcomes.values():
            counted[outcome] = counted.get(outcome, 0) + 1
        return counted


_TEST = r"(\w+) \(__main__\.(\w+)(?:\.\w+)?\)"


def parse_unittest(stderr: str) -> tuple[dict[str, str], dict[str, str]]:
    """Outcomes from unittest's verbose report (every test run, then the failures and errors listed),
    and the report of each failure and error."""
    ran = re.search(r"^Ran (\d+) tests? in", stderr, re.M)
    if ran is None:
        raise AssertionError(f"RPi.GPIO's suite did not finish:\n{stderr[-4000:]}")
    outcomes = {f"{cls}.{name}": "passed" for name, cls in re.findall(rf"^{_TEST}", stderr, re.M)}
    for name, cls in re.findall(rf"^{_TEST}(?:\n[^\n]*)? \.\.\. skipped", stderr, re.M):
        outcomes[f"{cls}.{name}"] = "skipped"
    reports = {}
    for block in stderr[: ran.start()].split("=" * 70)[1:]:
        kind, name, cls = re.match(rf"\n(FAIL|ERROR): {_TEST}", block).groups()  # type: ignore[union-attr]
        outcomes[f"{cls}.{name}"] = "failed" if kind == "FAIL" else "error"
        reports[f"{cls}.{name}"] = block.strip()
    assert len(outcomes) == int(ran.group(1)), f"{len(outcomes)} outcomes read, {ran.group(1)} tests ran"
    return outcomes, reports


def run_suite(tier: str, work: Path, *tests: str) -> SuiteRun:
    """Run the suite on ``tier``'s board ("mock" or "kernel") in a process of its own: all of it, or the
    ``tests`` named (``Class`` or ``Class.method``, as unittest's command line takes them)."""
    script = rpi_gpio_sdist() / "test" / "test.py"
    env = {key: value for key, value in os.environ.items() if key not in ("LINUXHW_BOARD", "PYTEST_ADDOPTS")}
    env.update(LINUXHW_BACKEND=f"tests.compat.rpi_gpio_wire:{tier}_pi",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])))  # fmt: skip
    if tier == "kernel":
        env["LINUXHW_BOARD"] = "raspberrypi-4b"  # what the gpio-sim bank stands in for
    command = [sys.executable, "-m", "tests.compat.rpi_gpio_suite", str(script), "--non_interactive", "-v", *tests]
    done = run_to_end(command, "RPi.GPIO's suite", RUN_TIMEOUT[tier], input=ANSWERS, env=env, cwd=work)
    return SuiteRun(*parse_unittest(done.stderr), done.stdout, done.stderr)


def main(argv: list[str]) -> None:
    """Run the script ``argv[0]`` as ``__main__`` with ``RPi.GPIO`` answered by linuxhw.compat.rpi_gpio."""
    from linuxhw.compat import rpi_gpio

    package = types.ModuleType("RPi")
    package.__path__ = []
    package.GPIO = rpi_gpio  # type: ignore[attr-defined]
    sys.modules.update({"RPi": package, "RPi.GPIO": rpi_gpio})
    sys.argv = list(argv)
    sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
    runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
