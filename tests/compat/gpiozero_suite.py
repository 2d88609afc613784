"""Run gpiozero's own ``tests/test_real_pins.py``, unmodified from the sdist of the installed gpiozero
(fetched by scripts/peer-tools), against the linuxhw pin factory."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.waiting import run_to_end

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 900  # seconds for the whole suite: the kernel tier runs under emulation


def gpiozero_sdist() -> Path:
    """The unpacked sdist of the installed gpiozero, fetched once by scripts/peer-tools into the cache."""
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "peer-tools"), "--gpiozero-suite"],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"scripts/peer-tools could not fetch gpiozero's test suite:\n{done.stderr[-2000:]}")
    return Path(done.stdout.strip())


def run_real_pins(tier: str, work: Path) -> dict[str, str]:
    """Run the suite with the jumper of ``tier`` ("mock" or "kernel"); ``{test id: outcome}``."""
    sdist = gpiozero_sdist()
    ini, junit = work / "pytest.ini", work / "junit.xml"
    ini.write_text("[pytest]\n")  # not the sdist's setup.cfg: it asks for pytest-cov
    env = {key: value for key, value in os.environ.items() if key not in ("LINUXHW_BACKEND", "PYTEST_ADDOPTS")}
    env.update(
        GPIOZERO_PIN_FACTORY="linuxhw",
        GPIOZERO_TEST_PIN="GPIO22",
        GPIOZERO_TEST_INPUT_PIN="GPIO27",
        GPIOZERO_TEST_LOCK=str(work / "real_pins_lock"),
        LINUXHW_GPIOZERO_WIRE=tier,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    command = [sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(sdist), "-p", "no:cacheprovider",
               "-p", "tests.compat.gpiozero_wire", "-o", "timeout=170", "-q", "-rfEs", "--junitxml", str(junit),
               str(sdist / "tests" / "test_real_pins.py")]  # fmt: skip
    done = run_to_end(command, "gpiozero's suite", RUN_TIMEOUT, env=env, cwd=work)
    print(done.stdout[-6000:], done.stderr[-2000:])
    if not junit.exists():
        pytest.fail(f"gpiozero's suite did not run:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[case.get("name", "?")] = kinds[0] if kinds else "passed"
    return outcomes
