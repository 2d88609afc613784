"""examples/sensor-project's own suite, run exactly as a user would: linuxhw installed from its sdist
(not editable) into a fresh venv next to the example, then the example's pytest.  In the mock tier its
kernel runs skip (this kernel has no simulators); in the kernel tier (the VM) all of them run.

The guest has no network: pip installs only from a wheelhouse of the build and test requirements,
filled from the package index by a run outside the VM (the mock tier runs first in scripts/test).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "examples" / "sensor-project"
TIER = os.environ.get("LINUXHW_TEST_TIER", "mock")
CACHE = Path(os.environ.get("LINUXHW_CACHE") or Path.home() / ".cache" / "linuxhw")
WHEELHOUSE = CACHE / "example-wheels"
REQUIREMENTS = ["setuptools>=61", "wheel", "cffi>=1.15", "pytest>=7"]


def run(*args: str | Path, cwd: Path | None = None) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.timeout(1500)  # an sdist build and two installs; under emulation the C compile takes minutes
def test_example_suite_passes_from_the_sdist_in_a_fresh_venv(tmp_path: Path) -> None:
    if not (REPO / "setup.py").is_file() or not EXAMPLE.is_dir():
        pytest.skip("needs linuxhw's source tree and examples/ (scripts/platforms runs the suite on an sdist install)")
    if TIER != "kernel":
        run(sys.executable, "-m", "pip", "download", "-q", "--dest", WHEELHOUSE, *REQUIREMENTS)
    elif not WHEELHOUSE.is_dir():
        pytest.fail(f"{WHEELHOUSE} is missing: run this test in the mock tier first (it fills it from the index)")
    run(sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", tmp_path / "dist", REPO)
    (sdist,) = (tmp_path / "dist").glob("linuxhw-*.tar.gz")
    project = tmp_path / "sensor-project"
    shutil.copytree(EXAMPLE, project)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    pip: list[str | Path] = [
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "-q",
        "--no-cache-dir",  # the guest sees ~/.cache read-only
        "--no-index",
        "--find-links",
        WHEELHOUSE,
    ]
    run(*pip, *REQUIREMENTS)
    run(*pip, "--no-build-isolation", sdist, f"{project}[test]")
    assert "site-packages" in run(venv / "bin" / "python", "-c", "import linuxhw; print(linuxhw.__file__)", cwd=project)
    proc = subprocess.run(
        [venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    expected = "10 passed" if TIER == "kernel" else "5 passed, 5 skipped"
    assert proc.returncode == 0 and summary.startswith(expected), f"{summary}\n{proc.stdout}\n{proc.stderr}"
