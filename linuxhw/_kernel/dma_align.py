"""ARCH_DMA_MINALIGN of the running kernel's architecture: spidev rounds each transfer's length up to
it when it sums a message against bufsiz. A fact about the kernel, used by linuxhw.spi's checks and by
the mock board's spidev alike."""

from __future__ import annotations

import os

__all__ = ["DMA_MINALIGN", "MACHINE", "UNKNOWN_DMA_MINALIGN", "dma_minalign"]

MACHINE = os.uname().machine
"""This machine's architecture, as ``uname -m`` says (``platform.machine()`` too, at a module's import)."""

# ARCH_DMA_MINALIGN by `uname -m`, from each architecture's asm/cache.h in Linux 6.12 (the generic
# default is __alignof__(unsigned long long), 8). It is not in the uapi headers, so this is a table.
# Where the kernel's configuration decides, the value is the one the usual distribution kernels build
# (arm: 1 << CONFIG_ARM_L1_CACHE_SHIFT, 64 on every ARMv7 kernel unless built for UniPhier, 32 on
# ARMv5/ARMv6-only ones) or the larger one (riscv64 with non-coherent DMA, mips with non-coherent DMA).
_DMA_MINALIGN = {"x86_64": 8, "i386": 8, "i486": 8, "i586": 8, "i686": 8, "aarch64": 128, "arm64": 128,
                 "armv8l": 128, "armv8b": 128, "armv7l": 64, "armv7b": 64, "armv6l": 32, "armv5tel": 32,
                 "armv5tejl": 32, "riscv64": 64, "loongarch64": 16, "ppc64le": 8, "ppc64": 8, "s390x": 8,
                 "sparc64": 8, "alpha": 8, "mips": 128, "mips64": 128}  # fmt: skip
UNKNOWN_DMA_MINALIGN = 128  # the largest any architecture has: what passes the check passes the kernel


def dma_minalign(machine: str | None = None) -> int:
    """ARCH_DMA_MINALIGN of the kernel on ``machine`` (this one's, :data:`MACHINE`, by default): spidev
    rounds each transfer's length up to it when it sums a message against bufsiz."""
    machine = MACHINE if machine is None else machine
    return _DMA_MINALIGN.get(machine, UNKNOWN_DMA_MINALIGN)


DMA_MINALIGN = dma_minalign()
"""This machine's value."""
