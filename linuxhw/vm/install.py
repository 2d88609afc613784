"""What the kernel tier needs on the host, installed with apt (Debian kernels, QEMU) and pip (virtme-ng).

It says what it installs before doing so, in one apt-get update and one install (linuxhw/vm/apt.py); as an
ordinary user it installs nothing with apt but names the exact command to run first.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from linuxhw.vm._host import EXIT_HOST_SETUP, Failure, log, run
from linuxhw.vm.apt import Apt

VNG_SPEC = os.environ.get("LINUXHW_VNG_SPEC", "virtme-ng==1.42")
# Host tools the guest needs, by the Debian package that provides them.
HOST_TOOLS = {
    "qemu-system-x86_64": "qemu-system-x86",
    "busybox": "busybox-static",  # virtme-ng builds its initramfs from it
    "modprobe": "kmod",
    "insmod": "kmod",
    "make": "make",  # building the simulator modules
}
TOOL_DIRS = ("/usr/bin", "/usr/sbin", "/bin", "/sbin")
ROOT = Path("/")  # where installed things are looked for (tests look in a bare tree instead)


@dataclasses.dataclass(frozen=True)
class KernelSeries:
    """One kernel series the tier boots: how Debian names its kernel versions and source package."""

    series: str  # "6.12"
    kver_re: str  # matches a whole kernel version (uname -r) of the series; also a POSIX ERE for apt-cache

    @property
    def source_pkg(self) -> str:
        return f"linux-source-{self.series}"

    @property
    def tarball(self) -> Path:
        return Path(f"/usr/src/{self.source_pkg}.tar.xz")


KERNELS = {
    k.series: k
    for k in (
        KernelSeries("6.12", r"6\.12\.[0-9]+\+deb12-amd64"),  # e.g. 6.12.117+deb12-amd64 (the default)
        KernelSeries("6.1", r"6\.1\.0-[0-9]+-amd64"),  # bookworm's own, e.g. 6.1.0-56-amd64
    )
}
DEFAULT_KERNEL = "6.12"


def version_key(kver: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", kver))


def installed_kernel(kernel: KernelSeries, root: Path = ROOT) -> str | None:
    """Newest Debian kernel of the series whose image, headers and source are all installed (below ``root``)."""
    if not (root / kernel.tarball.relative_to("/")).is_file():
        return None
    found = []
    for image in glob.glob(f"{root / 'boot'}/vmlinuz-{kernel.series}.*"):
        kver = Path(image).name[len("vmlinuz-") :]
        if re.fullmatch(kernel.kver_re, kver) and (root / f"lib/modules/{kver}/build/Makefile").is_file():
            found.append(kver)
    return max(found, key=version_key, default=None)


def newest_kernel_in_apt(kernel: KernelSeries, apt: Apt) -> str:
    """Newest kernel version of the series for which apt has both an image and headers."""
    out = apt.query(
        ["search", "--names-only", f"^linux-(image|headers)-{kernel.kver_re}$"], "looking up kernel packages"
    )
    found: dict[str, set[str]] = {}
    for line in out.splitlines():
        if line.strip():
            _, kind, kver = line.split()[0].split("-", 2)
            found.setdefault(kver, set()).add(kind)
    kvers = [kver for kver, kinds in found.items() if kinds == {"image", "headers"}]
    if not kvers:
        raise Failure(
            EXIT_HOST_SETUP,
            f"apt has no linux-image and linux-headers packages for Debian's {kernel.series} kernel "
            f"({kernel.kver_re}): the kernel tier boots Debian bookworm's kernels, so it needs bookworm's "
            "archive (bookworm-security for 6.12) in apt's sources — run it on Debian bookworm or in a "
            "debian:bookworm container",
        )
    return max(kvers, key=version_key)


def apt_version(pkg: str, apt: Apt) -> str:
    match = re.search(r"Candidate:\s*(\S+)", apt.query(["policy", pkg], f"looking up {pkg}"))
    if not match or match.group(1) == "(none)":
        raise Failure(EXIT_HOST_SETUP, f"apt has no installable {pkg}")
    return match.group(1)


def missing_tools(tools: Mapping[str, str], root: Path = ROOT) -> list[str]:
    return [t for t in tools if not any((root / d.lstrip("/") / t).exists() for d in TOOL_DIRS)]


def kernel_packages(kernel: KernelSeries, apt: Apt) -> list[str]:
    """The newest kernel of the series apt offers: its image, headers and the matching source."""
    kver = newest_kernel_in_apt(kernel, apt)
    image_version = apt_version(f"linux-image-{kver}", apt)
    pkgs = [f"linux-image-{kver}", f"linux-headers-{kver}"]
    if apt_version(kernel.source_pkg, apt) == image_version:
        pkgs.append(kernel.source_pkg)
    else:  # the mirror may still carry the matching source as an older version
        pkgs.append(f"{kernel.source_pkg}={image_version}")
    return pkgs


def host_packages(
    kernels: Sequence[KernelSeries],
    tools: Mapping[str, str],
    apt: Apt,
    extra_packages: Sequence[str] = (),
    root: Path = ROOT,
) -> list[str]:
    """The Debian packages this host lacks to boot ``kernels`` with ``tools`` (program: package), plus
    ``extra_packages``. A kernel's packages are looked up after apt's update (as root), since a fresh
    machine's package lists may be missing or stale."""
    pkgs = sorted({tools[t] for t in missing_tools(tools, root)}) + list(extra_packages)
    absent = [kernel for kernel in kernels if installed_kernel(kernel, root) is None]
    if absent and apt.root:
        apt.update()
    for kernel in absent:
        pkgs += kernel_packages(kernel, apt)
    return list(dict.fromkeys(pkgs))


def ensure_installed(
    kernel: KernelSeries,
    cache: Path,
    extra_tools: Mapping[str, str] | None = None,
    extra_packages: list[str] | None = None,
) -> str:
    """Install what is missing (as root) or say how to (otherwise); return the kernel version to boot.
    ``extra_tools`` (program: package) and ``extra_packages`` are a caller's own needs."""
    tools = {**HOST_TOOLS, **(extra_tools or {})}
    apt = Apt(logfile=cache / "apt-install.log")
    pkgs = host_packages([kernel], tools, apt, extra_packages or [])
    if pkgs:
        apt.install(pkgs, f"the kernel tier (QEMU, its tools and Debian's {kernel.series} kernel to boot)")
    kver = installed_kernel(kernel)
    if kver is None:
        raise Failure(EXIT_HOST_SETUP, f"Debian's {kernel.series} kernel is not complete after apt-get install")
    return kver


def ensure_vng(cache: Path) -> Path:
    """virtme-ng in a venv of its own inside the cache; return its bin/ dir."""
    venv = cache / "venv"
    stamp = venv / ".linuxhw-spec"
    if stamp.is_file() and stamp.read_text() == VNG_SPEC and (venv / "bin" / "vng").exists():
        return venv / "bin"
    log(f"installing {VNG_SPEC} (boots the kernel in QEMU) into {venv} with pip")
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(venv)], what="creating the virtme-ng venv")
    run([str(venv / "bin" / "pip"), "install", "-q", VNG_SPEC], what="pip install virtme-ng")
    stamp.write_text(VNG_SPEC)
    return venv / "bin"


def check_bootable(kver: str) -> None:
    """The kernel image must be readable by this user (Ubuntu keeps /boot/vmlinuz-* root-only)."""
    image = Path(f"/boot/vmlinuz-{kver}")
    if not os.access(image, os.R_OK):
        raise Failure(EXIT_HOST_SETUP, f"{image} is not readable by this user: run `sudo chmod a+r {image}` first")
    if shutil.which("qemu-system-x86_64") is None and not Path("/usr/bin/qemu-system-x86_64").exists():
        raise Failure(EXIT_HOST_SETUP, "qemu-system-x86_64 is missing: install Debian's qemu-system-x86")
