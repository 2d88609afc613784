"""Check that this kernel offers what the kernel test tier needs, and say how to fix what is missing.

The kernel tier (``scripts/vmtest``) runs the tests against the kernel's own
simulators; when one is missing the tests must fail with this report, not skip.
Optional features (the DMA-BUF devices, which e.g. Debian's 6.1 kernel lacks)
are reported too, but only the tests that need them skip when they are absent.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from . import gpiosim, i2cstub
from ._files import SimulatorUnavailableError

__all__ = ["Check", "EnvironmentReport", "check_kernel_tier"]


@dataclass(frozen=True)
class Check:
    """One requirement: whether it is met, what was seen, and how to meet it (optional ones may be absent)."""

    name: str
    ok: bool
    detail: str
    hint: str = ""
    required: bool = True


@dataclass(frozen=True)
class EnvironmentReport:
    """All checks of :func:`check_kernel_tier`; ``str()`` gives a readable report."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Every required check is met (optional features may be absent)."""
        return not self.missing

    @property
    def missing(self) -> tuple[Check, ...]:
        """Required checks that are not met."""
        return tuple(c for c in self.checks if c.required and not c.ok)

    @property
    def absent(self) -> tuple[Check, ...]:
        """Optional features this kernel does not offer."""
        return tuple(c for c in self.checks if not c.required and not c.ok)

    def __str__(self) -> str:
        lines = []
        for c in self.checks:
            state = "ok" if c.ok else "MISSING" if c.required else "absent (optional)"
            lines.append(f"[{state}] {c.name}: {c.detail}")
            if not c.ok and c.hint:
                lines.append(f"    hint: {c.hint}")
        return "\n".join(lines)

    def require(self) -> None:
        """Raise :class:`SimulatorUnavailableError` with the report if anything is missing."""
        if not self.ok:
            raise SimulatorUnavailableError(f"the kernel test tier is not available here:\n{self}")


def _directory(name: str, path: Path, hint: str) -> Check:
    found = path.is_dir()
    return Check(name, found, f"{path} {'exists' if found else 'is missing'}", hint)


def _char_device(path: Path, hint: str, *, required: bool) -> Check:
    try:
        is_chr = stat.S_ISCHR(path.stat().st_mode)
    except OSError as exc:
        return Check(str(path), False, exc.strerror or str(exc), hint, required)
    return Check(str(path), is_chr, "character device" if is_chr else "not a character device", hint, required)


def _i2c_stub() -> Check:
    stub = i2cstub.find_stub_adapter()
    if stub is None:
        detail = f"no I2C adapter named {i2cstub.STUB_ADAPTER_NAME!r}"
        return Check("i2c-stub", False, detail, "modprobe i2c-stub chip_addr=0x1c,0x50")
    node = stub.dev_path.exists()
    detail = f"adapter i2c-{stub.number}, {stub.dev_path} {'exists' if node else 'is missing'}"
    return Check("i2c-stub", node, detail, "modprobe i2c-dev")


def check_kernel_tier() -> EnvironmentReport:
    """Check configfs, gpio-sim, i2c-dev, i2c-stub (required) and the optional ``/dev/dma_heap/system``
    and ``/dev/udmabuf``."""
    configfs = gpiosim.CONFIGFS_DIR.parent
    mounted = os.path.ismount(configfs)
    return EnvironmentReport(
        (
            Check(
                "configfs",
                mounted,
                f"{'mounted' if mounted else 'not mounted'} at {configfs}",
                f"modprobe configfs; mount -t configfs none {configfs}",
            ),
            _directory(
                "gpio-sim",
                gpiosim.CONFIGFS_DIR,
                "modprobe gpio-sim (Debian's kernel lacks it: scripts/vmtest builds gpio-sim.ko)",
            ),
            _directory("i2c-dev", Path("/sys/class/i2c-dev"), "modprobe i2c-dev"),
            _i2c_stub(),
            _char_device(Path("/dev/dma_heap/system"), "needs CONFIG_DMABUF_HEAPS_SYSTEM=y", required=False),
            _char_device(Path("/dev/udmabuf"), "needs CONFIG_UDMABUF (modprobe udmabuf)", required=False),
        )
    )
