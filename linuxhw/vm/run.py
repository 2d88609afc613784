"""One kernel-tier run: install, build, boot, run the command; the exit status is the command's or a setup code."""

from __future__ import annotations

import dataclasses
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from linuxhw.vm._host import Failure, cache_dir, log, phase, single_vm_lock
from linuxhw.vm.boot import BootOptions, boot
from linuxhw.vm.build import build_modules
from linuxhw.vm.install import DEFAULT_KERNEL, KERNELS, check_bootable, ensure_installed, ensure_vng


@dataclasses.dataclass
class VmRun:
    """What to run in the guest, where, and a caller's extra needs (scripts/vmtest adds its peer tools)."""

    command: list[str]
    workdir: Path
    kernel: str = DEFAULT_KERNEL
    boot: BootOptions = dataclasses.field(default_factory=BootOptions)
    prepare_only: bool = False
    guest_env: dict[str, str] = dataclasses.field(default_factory=dict)
    extra_tools: Mapping[str, str] = dataclasses.field(default_factory=dict)
    extra_packages: Callable[[], list[str]] = list
    """Called before installing: more Debian packages the caller needs (e.g. another kernel's source)."""
    before_boot: Callable[[], None] = lambda: None
    """Called after the build phase, under the lock (e.g. to build tools the command uses)."""


def execute(spec: VmRun) -> int:
    """Run it; a :class:`Failure` becomes its message on stderr and its exit code."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # unwinds, killing the VM
    cache = cache_dir()
    try:
        with single_vm_lock(cache):
            with phase("install"):
                kernel = KERNELS[spec.kernel]
                kver = ensure_installed(kernel, cache, spec.extra_tools, spec.extra_packages())
                check_bootable(kver)
                vng_bin = ensure_vng(cache)
            with phase("build"):
                ko_dir = build_modules(kver, kernel.tarball, cache)
                spec.before_boot()
            if spec.prepare_only:
                return 0
            with phase("boot+run"):
                status = boot(kver, vng_bin, ko_dir, cache, spec.workdir, spec.command, spec.boot, spec.guest_env)
    except Failure as exc:
        log(f"error: {exc}")
        return exc.status
    log(f"guest command exited with status {status}")
    return status
