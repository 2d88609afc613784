"""scripts/wheels' logic without its roots (scripts/_wheels.py): which root or interpreter builds each wheel,
the tag it gets, how auditwheel show's verdict is read, and which wheel a platform's wheel pass installs."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import _wheels  # noqa: E402

ROOTS = [
    _wheels.Root("trixie-amd64", "trixie", "amd64"),
    _wheels.Root("bookworm-arm64", "bookworm", "arm64"),
    _wheels.Root("bookworm-armhf", "bookworm", "armhf"),
    _wheels.Root("bullseye-amd64", "bullseye", "amd64"),
    _wheels.Root("bullseye-armhf", "bullseye", "armhf"),
]
PYENV = {v: f"/pyenv/{v}/bin/python{v}" for v in _wheels.PYTHONS}

# auditwheel 6.8's own words on a wheel of this project (wrapped as it prints them)
SHOW_OK = """
linuxhw-0.1.0-cp311-cp311-manylinux_2_31_x86_64.whl is consistent with
the following platform tag: "manylinux_2_12_x86_64".

The wheel references external versioned symbols in these
system-provided shared libraries: libc.so.6 with versions
{'GLIBC_2.2.5', 'GLIBC_2.7'}
"""


def where(builds: list[_wheels.Build]) -> dict[tuple[str, str], str]:
    return {(b.machine, b.python): b.where for b in builds}


def test_each_wheel_is_built_by_the_oldest_suite_that_has_its_python() -> None:
    builds, missing = _wheels.plan(ROOTS, "x86_64", "bookworm", PYENV)
    by = where(builds)
    assert by[("x86_64", "3.9")] == "bullseye-amd64"  # bullseye's glibc 2.31, not the host's pyenv 3.9
    assert by[("x86_64", "3.13")] == _wheels.HOST  # the bookworm host is older than the trixie root
    assert [by[("x86_64", v)] for v in ("3.10", "3.11", "3.12")] == [_wheels.HOST] * 3
    assert by[("armv7l", "3.9")] == "bullseye-armhf"
    assert by[("armv7l", "3.11")] == "bookworm-armhf"
    assert by[("aarch64", "3.11")] == "bookworm-arm64"
    # nothing here runs CPython 3.10 or 3.12 for arm, nor 3.9/3.13 for aarch64 without those roots
    assert sorted(missing) == sorted(
        [("aarch64", v) for v in ("3.9", "3.10", "3.12", "3.13")] + [("armv7l", v) for v in ("3.10", "3.12", "3.13")]
    )
    assert len(builds) + len(missing) == len(_wheels.MACHINES) * len(_wheels.PYTHONS)


def test_a_root_wins_over_a_host_of_its_suite_and_an_unknown_host_comes_last() -> None:
    builds, _ = _wheels.plan(ROOTS, "x86_64", "bullseye", PYENV)
    assert where(builds)[("x86_64", "3.9")] == "bullseye-amd64"
    builds, _ = _wheels.plan(ROOTS, "x86_64", "", PYENV)  # not Debian: after every root
    assert where(builds)[("x86_64", "3.13")] == "trixie-amd64"
    host = next(b for b in builds if b.where == _wheels.HOST and b.python == "3.10")
    assert host.interpreter == PYENV["3.10"]


def test_a_foreign_host_builds_only_its_own_machine() -> None:
    builds, _ = _wheels.plan([], "aarch64", "bookworm", {"3.12": "/usr/bin/python3.12"})
    assert [(b.machine, b.python, b.where) for b in builds] == [("aarch64", "3.12", _wheels.HOST)]


def test_tags_are_cpython_and_manylinux_2_31() -> None:
    assert _wheels.Build("armv7l", "3.11", "bookworm-armhf").tag == "cp311-cp311-manylinux_2_31_armv7l"
    assert _wheels.Build("x86_64", "3.9", "bullseye-amd64").tag == "cp39-cp39-manylinux_2_31_x86_64"


def test_the_host_suite_is_read_from_os_release() -> None:
    assert _wheels.host_suite('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\n') == "bookworm"
    assert _wheels.host_suite('ID=fedora\nVERSION_ID="40"\n') == ""


def test_host_pythons_prefers_pyenvs_newest_patch_release(tmp_path: Path) -> None:
    for version in ("3.12.1", "3.12.10", "3.12.9"):
        binary = tmp_path / "versions" / version / "bin" / "python3.12"
        binary.parent.mkdir(parents=True)
        binary.touch()
    found = _wheels.host_pythons(tmp_path, ["3.12"])
    assert found == {"3.12": str(tmp_path / "versions" / "3.12.10" / "bin" / "python3.12")}


def test_auditwheel_verdicts() -> None:
    assert _wheels.shown_tag(SHOW_OK) == "manylinux_2_12_x86_64"
    assert _wheels.check_show(SHOW_OK, "x86_64") is None  # a 2.12 floor allows the 2.31 tag
    too_new = SHOW_OK.replace("manylinux_2_12_x86_64", "manylinux_2_34_x86_64")
    assert "needs glibc 2.34" in str(_wheels.check_show(too_new, "x86_64"))
    outside = SHOW_OK.replace("manylinux_2_12_x86_64", "linux_x86_64")
    assert "not manylinux" in str(_wheels.check_show(outside, "x86_64"))
    assert "aarch64 wheel where x86_64" in str(_wheels.check_show(SHOW_OK.replace("x86_64", "aarch64"), "x86_64"))
    assert "named no platform tag" in str(_wheels.check_show("usage: auditwheel show WHEEL", "x86_64"))


def test_the_wheel_pass_finds_its_platforms_wheel(tmp_path: Path) -> None:
    (tmp_path / "linuxhw-0.1.0-cp311-cp311-manylinux_2_31_armv7l.whl").touch()
    (tmp_path / "linuxhw-0.1.0-cp311-cp311-manylinux_2_31_aarch64.whl").touch()
    found = _wheels.wheel_for(tmp_path, "armv7l", "3.11")
    assert found is not None
    assert found.name == "linuxhw-0.1.0-cp311-cp311-manylinux_2_31_armv7l.whl"
    assert _wheels.wheel_for(tmp_path, "armv7l", "3.9") is None
    (tmp_path / "linuxhw-0.2.0-cp311-cp311-manylinux_2_31_armv7l.whl").touch()
    with pytest.raises(ValueError, match="2 wheels tagged cp311-cp311-manylinux_2_31_armv7l"):
        _wheels.wheel_for(tmp_path, "armv7l", "3.11")


def test_scripts_wheels_plan_lists_every_wheel_or_why_not() -> None:
    """The script's own --plan (no root, nothing built): one line per machine and Python, builders named."""
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "wheels"), "--plan", "--machine", "armv7l"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = dict(line.split("\t", 1) for line in out.splitlines())
    assert lines["cp311-cp311-manylinux_2_31_armv7l"].startswith("bookworm-armhf\t")
    assert lines["cp39-cp39-manylinux_2_31_armv7l"].startswith("bullseye-armhf\t")
    assert lines["cp310-armv7l"] == "none\tno CPython 3.10 for armv7l here"
    assert len(lines) == len(_wheels.PYTHONS)


def test_the_readme_lists_the_wheels_the_plan_builds_on_a_bookworm_host_with_pyenv() -> None:
    """The README's table of wheels is scripts/wheels' plan for this project's roots and CI's kind of host."""
    loader = importlib.machinery.SourceFileLoader("scripts_wheels", str(REPO / "scripts" / "wheels"))
    spec = importlib.util.spec_from_loader("scripts_wheels", loader)
    assert spec is not None
    wheels = importlib.util.module_from_spec(spec)
    sys.modules["scripts_wheels"] = wheels  # its dataclasses look their module up there
    loader.exec_module(wheels)
    builds, missing = _wheels.plan(wheels.roots(), "x86_64", "bookworm", PYENV)
    readme = (REPO / "README.md").read_text()
    table = readme.split("## Installing on a board or a machine", 1)[1].split("\n\n")
    rows = next(block for block in table if block.startswith("| wheel |")).splitlines()[2:]
    listed = {re.search(r"`linuxhw-[^-]+-(\S+)\.whl`", row).group(1) for row in rows}  # type: ignore[union-attr]
    assert listed == {b.tag for b in builds}
    assert set(missing) == {(m, v) for m in ("aarch64", "armv7l") for v in ("3.10", "3.12")}
    assert "CPython 3.10 and 3.12 for aarch64 and armv7l have no interpreter here" in " ".join(readme.split())


@pytest.mark.parametrize(
    ("package", "purged"),
    [
        *[(p, True) for p in ("gcc", "gcc-12", "cpp-14", "gcc-14-x86-64-linux-gnu", "cpp-14-aarch64-linux-gnu")],
        *[(p, True) for p in ("binutils", "binutils-arm-linux-gnueabihf", "python3.11-dev", "linux-libc-dev")],
        *[(p, True) for p in ("libc6-dev", "libffi-dev", "libpython3.13-dev", "g++-12")],
        *[(p, False) for p in ("gcc-12-base", "gcc-14-base", "libgcc-s1", "python3-cffi", "python3-venv", "libc6")],
        *[(p, False) for p in ("python3.11", "libffi8", "libbinutils", "cpp-doc")],
    ],
)
def test_the_wheel_pass_purges_compilers_and_headers_and_keeps_the_runtime(package: str, purged: bool) -> None:
    assert bool(re.search(_wheels.NO_COMPILER, package)) is purged


def test_a_wheel_from_another_tree_is_told_from_this_trees_sdist(tmp_path: Path) -> None:
    files = {"linuxhw/__init__.py": b"x = 1\n", "linuxhw/gpio/__init__.py": b"y = 2\n"}

    def wheel(contents: dict[str, bytes]) -> Path:
        path = tmp_path / f"w{len(list(tmp_path.iterdir()))}.whl"
        with zipfile.ZipFile(path, "w") as out:
            for name, data in {**contents, "linuxhw-0.1.0.dist-info/RECORD": b""}.items():
                out.writestr(name, data)
        return path

    sdist = tmp_path / "linuxhw-0.1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as out:
        for name, data in {**files, "setup.py": b"", "linuxhw/_ext/gpio.c": b""}.items():
            member = tarfile.TarInfo(f"linuxhw-0.1.0/{name}")
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    assert _wheels.stale_sources(wheel(files), sdist) == []
    changed = {**files, "linuxhw/gpio/__init__.py": b"y = 3\n"}
    assert _wheels.stale_sources(wheel(changed), sdist) == ["linuxhw/gpio/__init__.py"]
    older = {"linuxhw/__init__.py": files["linuxhw/__init__.py"]}  # built before gpio/ was added
    assert _wheels.stale_sources(wheel(older), sdist) == ["linuxhw/gpio/__init__.py"]
