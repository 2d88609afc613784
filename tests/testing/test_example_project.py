"""examples/sensor-project's own suite, run exactly as a user would: linuxhw installed (not editable) into a
fresh venv next to the example, then the example's pytest.  In the mock tier its kernel runs skip (this kernel
has no simulators); in the kernel tier (the VM) all of them run.

The mock tier builds linuxhw's sdist and a wheel from it, as pip does for a user, and installs that wheel; the
guest installs the same wheel (built from this very tree: a digest of its sources says so), so it compiles
nothing under emulation.  The guest has no network: pip installs only from a wheelhouse of the build and test
requirements, filled from the package index by the mock tier (which runs first in scripts/test).
"""

from __future__ import annotations

import fcntl
import hashlib
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
LINUXHW_WHEEL = WHEELHOUSE / "linuxhw"  # the wheel the mock tier built from this tree's sdist, and its SOURCES
REQUIREMENTS = ["setuptools>=61", "wheel", "cffi>=1.15", "pytest>=7"]
SOURCES = ["setup.py", "pyproject.toml", "MANIFEST.in", "cdefs", "linuxhw"]


def source_digest() -> str:
    """What the wheel is built from: every source file of the package (git's list, untracked ones included)."""
    files = run("git", "-C", REPO, "ls-files", "-co", "--exclude-standard", *SOURCES).split()
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + (REPO / name).read_bytes() + b"\0")
    return digest.hexdigest()


def build_wheel(python: Path, work: Path) -> Path:
    """The mock tier: linuxhw's sdist, then a wheel built from it by the fresh venv's pip, as a user's pip does,
    kept in the wheelhouse for the guest."""
    run(sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", work / "dist", REPO)
    (sdist,) = (work / "dist").glob("linuxhw-*.tar.gz")
    offline: list[str | Path] = ["--no-index", "--find-links", WHEELHOUSE, "--no-cache-dir", "--no-deps"]
    # The wheelhouse is shared by every tree's mock tier on this machine: one of them at a time replaces the
    # wheel (two at once once left a file where the folder goes: one removed it while the other's pip copied
    # into it), and this test installs its own copy.
    with open(WHEELHOUSE / ".linuxhw.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if LINUXHW_WHEEL.is_file():
            LINUXHW_WHEEL.unlink()
        shutil.rmtree(LINUXHW_WHEEL, ignore_errors=True)
        run(python, "-m", "pip", "wheel", "-q", *offline, "--no-build-isolation", "-w", LINUXHW_WHEEL, sdist)
        (LINUXHW_WHEEL / "SOURCES").write_text(source_digest())
        (wheel,) = LINUXHW_WHEEL.glob("linuxhw-*.whl")
        return Path(shutil.copy2(wheel, work))


def built_wheel() -> Path:
    """The guest: the wheel the mock tier built, if it was built from this tree."""
    stamp = LINUXHW_WHEEL / "SOURCES"
    if not stamp.is_file() or stamp.read_text() != source_digest():
        pytest.fail(f"{LINUXHW_WHEEL} holds no wheel of this tree: run this test in the mock tier first (it builds it)")
    (wheel,) = LINUXHW_WHEEL.glob("linuxhw-*.whl")
    return wheel


def run(*args: str | Path, cwd: Path | None = None) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.guest  # in the guest, the example project's own kernel tests run too
@pytest.mark.timeout(900)  # an sdist and a wheel built (mock tier), two installs; all slow under emulation
def test_example_suite_passes_from_the_sdist_in_a_fresh_venv(tmp_path: Path) -> None:
    if not (REPO / "setup.py").is_file() or not (REPO / ".git").exists() or not EXAMPLE.is_dir():
        pytest.skip("needs linuxhw's git tree and examples/ (scripts/platforms runs the suite on an sdist install)")
    if TIER != "kernel":
        run(sys.executable, "-m", "pip", "download", "-q", "--dest", WHEELHOUSE, *REQUIREMENTS)
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
    wheel = build_wheel(venv / "bin" / "python", tmp_path) if TIER != "kernel" else built_wheel()
    run(*pip, "--no-build-isolation", wheel, f"{project}[test]")
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
