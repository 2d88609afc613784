"""Every host package the test suite needs, tier by tier, in one place. scripts/host-packages installs them
all in one step (one apt-get update, one apt-get install) before any tier starts; scripts/test runs it first,
so no tier installs while another runs, and each tier's own check (for when it is run alone) finds nothing
missing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from linuxhw.vm.apt import Apt
from linuxhw.vm.install import HOST_TOOLS, KERNELS, ROOT, host_packages

# Tools the kernel tier compares linuxhw's CLI with, by the Debian package that provides them.
PEER_TOOLS = {"i2cdetect": "i2c-tools", "gpioinfo": "gpiod"}
PEER_TOOLS_KERNEL = KERNELS["6.12"]  # scripts/peer-tools builds spidev_test from its source, whichever kernel boots
# scripts/platforms: debootstrap and unshare make and enter the roots; qemu-user, registered with binfmt_misc,
# runs the foreign arches' (arm64, armhf).
PLATFORM_TOOLS = {"debootstrap": "debootstrap", "unshare": "util-linux"}
FOREIGN_ARCH_TOOLS = {"qemu-aarch64-static": "qemu-user-static", "update-binfmts": "binfmt-support"}


def peer_tools_source(root: Path = ROOT) -> list[str]:
    """scripts/peer-tools needs the 6.12 kernel's source whichever kernel boots."""
    return [] if (root / PEER_TOOLS_KERNEL.tarball.relative_to("/")).is_file() else [PEER_TOOLS_KERNEL.source_pkg]


def platform_tools(foreign: bool) -> dict[str, str]:
    return {**PLATFORM_TOOLS, **(FOREIGN_ARCH_TOOLS if foreign else {})}


def suite_packages(kernels: Sequence[str], platforms: bool, apt: Apt, root: Path = ROOT) -> list[str]:
    """What this host lacks for the kernel tier on ``kernels`` (series names) and, with ``platforms``, for
    scripts/platforms on every platform (foreign arches included)."""
    tools = {**HOST_TOOLS, **PEER_TOOLS} if kernels else {}
    if platforms:
        tools |= platform_tools(foreign=True)
    extra = peer_tools_source(root) if kernels else []
    return host_packages([KERNELS[k] for k in kernels], tools, apt, extra, root)
