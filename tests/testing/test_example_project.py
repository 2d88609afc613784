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
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "examples" / "sensor-project"
TIER = os.environ.get("LINUXHW_TEST_TIER", "mock")
CACHE = Path(os.environ.get("LINUXHW_CACHE") or Path.home() / ".cache" / "linuxhw")
WHEELHOUSE = CACHE / "example-wheels"
# The wheels the mock tier built from a tree's sdist, one folder per tree (named by its sources' digest): every
# checkout on this machine shares the wheelhouse, and one's mock tier must not replace the wheel another's
# guest is about to install (a CI proof's guest once found a helper tree's wheel there).
LINUXHW_WHEELS = WHEELHOUSE / "linuxhw"
STALE = 24 * 3600  # seconds after which another tree's wheel is removed when a wheel is built
REQUIREMENTS = ["setuptools>=61", "wheel", "cffi>=1.15", "pytest>=7"]
SOURCES = ["setup.py", "pyproject.toml", "MANIFEST.in", "cdefs", "linuxhw"]


def source_digest() -> str:
    """What the wheel is built from: every source file of the package (git's list, untracked ones included)."""
    files = run("git", "-C", REPO, "ls-files", "-co", "--exclude-standard", *SOURCES).split()
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + (REPO / name).read_bytes() + b"\0")
    return digest.hexdigest()


def tree_wheels() -> Path:
    """This tree's folder in the shared wheelhouse."""
    return LINUXHW_WHEELS / source_digest()[:16]


def build_wheel(python: Path, work: Path) -> Path:
    """The mock tier: linuxhw's sdist, then a wheel built from it by the fresh venv's pip, as a user's pip does,
    kept in the wheelhouse for the guest."""
    run(sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", work / "dist", REPO)
    (sdist,) = (work / "dist").glob("linuxhw-*.tar.gz")
    offline: list[str | Path] = ["--no-index", "--find-links", WHEELHOUSE, "--no-cache-dir", "--no-deps"]
    target = tree_wheels()
    # Two runs of one tree at once: one of them at a time replaces its wheel (two at once once left a file
    # where the folder goes), and this test installs its own copy.
    with open(WHEELHOUSE / ".linuxhw.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        LINUXHW_WHEELS.mkdir(exist_ok=True)
        for old in LINUXHW_WHEELS.iterdir():  # files of the old one-folder layout, other trees' old wheels
            if old.is_file():
                old.unlink()
            elif old != target and time.time() - old.stat().st_mtime > STALE:
                shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(target, ignore_errors=True)
        run(python, "-m", "pip", "wheel", "-q", *offline, "--no-build-isolation", "-w", target, sdist)
        (wheel,) = target.glob("linuxhw-*.whl")
        return Path(shutil.copy2(wheel, work))


def built_wheel() -> Path:
    """The guest: the wheel the mock tier built from this tree."""
    wheels = sorted(tree_wheels().glob("linuxhw-*.whl"))
    if len(wheels) != 1:
        pytest.fail(f"{tree_wheels()} holds no wheel of this tree: run this test in the mock tier first (it builds it)")
    return wheels[0]


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
