"""What scripts/wheels builds and where, the tag each wheel gets, and how auditwheel's verdict on it is read:
the logic, apart from the roots and interpreters it runs (so the mock tier tests it without either).

One wheel per CPython version and machine (cp39 ... cp313), not one abi3 wheel per machine: linuxhw._fastpath
is written against the full C API (METH_FASTCALL, joined the limited API in 3.10; Py_buffer, 3.11; vectorcall,
3.12; static types), so a 3.9 floor of the limited API would move every hot-path call to tuple-packed
arguments. Each wheel is built by the Debian Python of the oldest root of its machine that has that version
(bullseye's glibc 2.31 where there is one), else by an interpreter of this host when the host is that machine,
and is tagged manylinux_2_31: auditwheel must find it needs no newer glibc symbols than that.
"""

from __future__ import annotations

import re
import shutil
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")  # pyproject's requires-python, up to the newest CPython here
MACHINES = {"amd64": "x86_64", "arm64": "aarch64", "armhf": "armv7l"}  # Debian's arch: the wheel's machine
DEBIAN_PYTHON = {"bullseye": "3.9", "bookworm": "3.11", "trixie": "3.13"}  # each suite's python3
SUITES = tuple(DEBIAN_PYTHON)  # oldest first
GLIBC = (2, 31)  # bullseye's: the oldest glibc a wheel claims (a manylinux_2_31 wheel runs on 2.31 and newer)
HOST = "host"
# The Debian packages a wheel pass (scripts/platforms --wheels) purges from its root before installing the wheel,
# by name (grep -E): the compilers, binutils and every package of headers; never gcc-N-base (libgcc-s1 needs it).
NO_COMPILER = r"-dev$|^(gcc|cpp|g\+\+)(-[0-9]+)?(-[a-z0-9_-]*linux-gnu[a-z]*)?$|^binutils(-|$)"


@dataclass(frozen=True)
class Root:
    """A Debian root that can build wheels (scripts/platforms makes it): its name, suite and arch."""

    name: str
    suite: str
    arch: str


@dataclass(frozen=True)
class Build:
    """One wheel: its machine and CPython version, and who builds it (a root's name, or HOST with the
    interpreter's path)."""

    machine: str
    python: str
    where: str
    interpreter: str = "python3"

    @property
    def tag(self) -> str:
        cp = "cp" + self.python.replace(".", "")
        return f"{cp}-{cp}-{platform_tag(self.machine)}"


def platform_tag(machine: str) -> str:
    return f"manylinux_{GLIBC[0]}_{GLIBC[1]}_{machine}"


def plan(
    roots: Iterable[Root], host_machine: str, host_suite: str, host_pythons: Mapping[str, str]
) -> tuple[list[Build], list[tuple[str, str]]]:
    """Every (machine, Python) wheel and who builds it, and the pairs nothing here can build.

    The builder is the oldest (by Debian suite) that has that Python for that machine: a root's python3, or one of
    ``host_pythons`` (version: interpreter) when the host, of ``host_machine`` and ``host_suite``, is that machine.
    A root wins over the host of the same suite; a host that is not a known Debian suite comes last.
    """

    def age(suite: str) -> int:
        return SUITES.index(suite) if suite in SUITES else len(SUITES)

    candidates: list[tuple[int, str, str, Mapping[str, str]]] = [  # (age, machine, who, version: interpreter)
        (age(r.suite), MACHINES[r.arch], r.name, {DEBIAN_PYTHON[r.suite]: "python3"})
        for r in roots
        if r.arch in MACHINES and r.suite in DEBIAN_PYTHON
    ]
    candidates.append((age(host_suite), host_machine, HOST, host_pythons))
    candidates.sort(key=lambda c: (c[0], c[2] == HOST))
    builds: list[Build] = []
    missing: list[tuple[str, str]] = []
    for machine in MACHINES.values():
        for python in PYTHONS:
            who = next(((c[2], c[3][python]) for c in candidates if c[1] == machine and python in c[3]), None)
            if who is None:
                missing.append((machine, python))
            else:
                builds.append(Build(machine, python, *who))
    return builds, missing


def host_suite(os_release: str) -> str:
    """The Debian suite /etc/os-release names (VERSION_CODENAME), or "" when it names none."""
    found = re.search(r"^VERSION_CODENAME=\"?(\w*)", os_release, re.M)
    return found.group(1) if found else ""


def host_pythons(pyenv_root: Path, versions: Iterable[str] = PYTHONS) -> dict[str, str]:
    """This host's CPython interpreters by version: pyenv's (newest patch release) before the one on PATH."""
    found: dict[str, str] = {}
    for version in versions:
        installed = sorted(
            pyenv_root.glob(f"versions/{version}.*/bin/python{version}"),
            key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)],
        )
        on_path = shutil.which(f"python{version}", path="/usr/local/bin:/usr/bin")
        if installed:
            found[version] = str(installed[-1])
        elif on_path:
            found[version] = on_path
    return found


def shown_tag(show_output: str) -> str:
    """The platform tag ``auditwheel show`` says a wheel is consistent with.

    Raises ValueError when the output says none (it is reworded between auditwheel's versions, and wrapped).
    """
    text = " ".join(show_output.split())
    found = re.search(r'is consistent with the following platform tag: "([^"]+)"', text)
    if found is None:
        raise ValueError(f"auditwheel show named no platform tag: {text[:300]}")
    return found.group(1)


def check_show(show_output: str, machine: str) -> str | None:
    """Why auditwheel's verdict does not allow this machine's manylinux_2_31 tag, or None when it does: the
    wheel must be manylinux for this machine with a glibc floor no newer than 2.31."""
    try:
        tag = shown_tag(show_output)
    except ValueError as exc:
        return str(exc)
    found = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", tag)
    if found is None:
        return f"auditwheel finds the wheel is {tag}, not manylinux (a library outside the policy, or too new)"
    glibc, arch = (int(found.group(1)), int(found.group(2))), found.group(3)
    if arch != machine:
        return f"auditwheel finds a {arch} wheel where {machine} was built"
    if glibc > GLIBC:
        return f"auditwheel finds the wheel needs glibc {glibc[0]}.{glibc[1]} (newer than {GLIBC[0]}.{GLIBC[1]})"
    return None


def platform_wheel(suite: str, arch: str) -> tuple[str, str]:
    """The (machine, Python) of the wheel a Debian root of this suite and arch installs: its python3's."""
    return MACHINES[arch], DEBIAN_PYTHON[suite]


def stale_sources(wheel: Path, sdist: Path) -> list[str]:
    """The package's Python files that a wheel and an sdist do not share byte for byte (changed, or in one
    only): a wheel built from another tree than the one whose tests are about to run from it."""
    with zipfile.ZipFile(wheel) as built:
        in_wheel = {n: built.read(n) for n in built.namelist() if n.startswith("linuxhw/") and n.endswith(".py")}
    in_sdist: dict[str, bytes] = {}
    with tarfile.open(sdist) as source:
        for member in source.getmembers():
            name = member.name.partition("/")[2]  # below linuxhw-X/
            handle = source.extractfile(member) if member.isfile() else None
            if handle is not None and name.startswith("linuxhw/") and name.endswith(".py"):
                in_sdist[name] = handle.read()
    return sorted(n for n in in_wheel.keys() | in_sdist.keys() if in_wheel.get(n) != in_sdist.get(n))


def wheel_for(wheels: Path, machine: str, python: str) -> Path | None:
    """The wheel in ``wheels`` for this machine and CPython version, if scripts/wheels made one (ValueError when
    there are several: versions of linuxhw that a run did not clear)."""
    tag = Build(machine, python, HOST).tag
    found = sorted(wheels.glob(f"linuxhw-*-{tag}.whl"))
    if len(found) > 1:
        raise ValueError(f"{wheels} has {len(found)} wheels tagged {tag}: {', '.join(p.name for p in found)}")
    return found[0] if found else None
