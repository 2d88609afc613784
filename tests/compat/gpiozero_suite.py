"""Fetch gpiozero's sdist (the installed version) into the project cache and run its
``tests/test_real_pins.py``, unmodified, against the linuxhw pin factory."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("LINUXHW_CACHE") or Path.home() / ".cache" / "linuxhw") / "peers"
RUN_TIMEOUT = 900  # seconds for the whole suite: the kernel tier runs under emulation


def gpiozero_sdist() -> Path:
    """The unpacked sdist of the installed gpiozero, downloaded once with pip."""
    release = version("gpiozero")
    unpacked = CACHE / f"gpiozero-{release}"
    if (unpacked / "tests" / "test_real_pins.py").exists():
        return unpacked
    CACHE.mkdir(parents=True, exist_ok=True)
    fetch = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", f"gpiozero=={release}",
         "-d", str(CACHE)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    archives = sorted(CACHE.glob(f"gpiozero-{release}*.tar.gz"))
    if not archives:
        pytest.fail(f"could not download gpiozero {release}'s sdist into {CACHE}:\n{fetch.stderr[-2000:]}")
    with tarfile.open(archives[-1]) as archive:
        top = archive.getnames()[0].split("/")[0]
        archive.extractall(CACHE, filter="data") if sys.version_info >= (3, 12) else archive.extractall(CACHE)
    (CACHE / top).rename(unpacked) if top != unpacked.name else None
    return unpacked


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
    done = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    print(done.stdout[-6000:], done.stderr[-2000:])
    if not junit.exists():
        pytest.fail(f"gpiozero's suite did not run:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[case.get("name", "?")] = kinds[0] if kinds else "passed"
    return outcomes
