"""Build the simulator modules for the kernel that boots: gpio-sim and the IIO dummy driver (from Debian's
kernel source, which does not build them) and the project's own i2c-sim, spi-sim and pwm-sim (their sources
ship in ``kmod/``).

Builds are cached per kernel version under the cache dir and redone only when their inputs change.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
from pathlib import Path

from linuxhw.vm._host import EXIT_HOST_SETUP, Failure, digest, log, run

KMOD_SOURCES = Path(__file__).resolve().parent / "kmod"
"""One directory per module source tree, each with a Kbuild or Makefile (see kmod/README.md)."""

# gpio-sim is not built in Debian's kernel: build it (with the IRQ simulator it
# needs, also not built) from the matching linux-source tarball.
GPIO_SIM_SOURCES = {  # tarball member (below linux-source-X.Y/) -> file in the build dir
    "drivers/gpio/gpio-sim.c": "gpio-sim-core.c",
    "kernel/irq/irq_sim.c": "irq_sim.c",
    "drivers/gpio/gpiolib.h": "gpiolib.h",  # private header that 6.1's gpio-sim.c includes (unused by 6.12's)
}
GPIO_SIM_KBUILD = "obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-core.o irq_sim.o\n"
# irq_to_desc() is not exported to modules; generic_handle_irq() does the same.
IRQ_SIM_FIX = (r"handle_simple_irq\(irq_to_desc\((\w+)\)\)", r"generic_handle_irq(\1)")
# The IIO reference driver and the software-device core it registers through: neither is built by
# Debian (IIO_SIMPLE_DUMMY, IIO_SW_DEVICE); two modules, as in the kernel's tree. They need modules of
# the IIO core, so guest-run does not insmod them: linuxhw.sim.iiodummy loads them with those.
IIO_DUMMY_SOURCES = {
    "drivers/iio/industrialio-sw-device.c": "industrialio-sw-device.c",
    "drivers/iio/dummy/iio_simple_dummy.c": "iio_simple_dummy.c",
    "drivers/iio/dummy/iio_simple_dummy.h": "iio_simple_dummy.h",
    "drivers/iio/dummy/iio_simple_dummy_buffer.c": "iio_simple_dummy_buffer.c",
}
IIO_DUMMY_KBUILD = (
    "obj-m := industrialio-sw-device.o iio_dummy.o\n"
    "iio_dummy-y := iio_simple_dummy.o iio_simple_dummy_buffer.o\n"
    "ccflags-y += -DCONFIG_IIO_SIMPLE_DUMMY_BUFFER\n"
)
STAMP = ".linuxhw-stamp"  # in a build dir: digest of the inputs its .ko files were built from


def tree_digest(root: Path) -> list[bytes | str]:
    parts: list[bytes | str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        parts += [str(path.relative_to(root)), path.read_bytes()]
    return parts


def is_current(build_dir: Path, key: str) -> bool:
    """True when build_dir holds .ko files built from inputs whose digest is key."""
    stamp = build_dir / STAMP
    return stamp.is_file() and stamp.read_text() == key and any(build_dir.glob("*.ko"))


def make_modules(kver: str, build_dir: Path, key: str) -> list[Path]:
    """Build the out-of-tree module(s) in build_dir unless they are current."""
    if is_current(build_dir, key):
        return sorted(build_dir.glob("*.ko"))
    log(f"building {build_dir.name} for {kver}")
    (build_dir / STAMP).unlink(missing_ok=True)
    run(
        ["make", "-C", f"/lib/modules/{kver}/build", f"M={build_dir}", f"-j{os.cpu_count() or 1}", "modules"],
        what=f"building {build_dir.name}",
        logfile=build_dir / "make.log",
    )
    kos = sorted(build_dir.glob("*.ko"))
    if not kos:
        raise Failure(EXIT_HOST_SETUP, f"building {build_dir.name} produced no .ko")
    (build_dir / STAMP).write_text(key)
    return kos


def extract_sources(tarball: Path, build_dir: Path, sources: dict[str, str]) -> None:
    """A fresh build_dir holding the tarball members ``sources`` names (below linux-source-X.Y/), renamed."""
    shutil.rmtree(build_dir, ignore_errors=True)
    build_dir.mkdir(parents=True)
    log(f"extracting {', '.join(sources)} from {tarball}")
    found = 0
    with tarfile.open(tarball) as tar:
        for member in tar:
            rel = member.name.split("/", 1)[-1]
            if rel in sources and member.isfile():
                src = tar.extractfile(member)
                assert src is not None
                (build_dir / sources[rel]).write_bytes(src.read())
                found += 1
                if found == len(sources):
                    break
    missing = [name for name in sources.values() if not (build_dir / name).is_file()]
    if missing:
        raise Failure(EXIT_HOST_SETUP, f"{tarball} lacks {missing}")


def build_iio_dummy(kver: str, tarball: Path, kmod_root: Path) -> list[Path]:
    """industrialio-sw-device.ko and iio_dummy.ko (with its buffer part) where the kernel has the IIO
    configfs they are made through (6.12; not 6.1); none elsewhere."""
    config = Path(f"/boot/config-{kver}")
    if not config.is_file() or "CONFIG_IIO_CONFIGFS=m" not in config.read_text().splitlines():
        return []
    build_dir = kmod_root / "iio-dummy"
    tar_stat = tarball.stat()
    key = digest(kver, str(tar_stat.st_size), str(tar_stat.st_mtime_ns), repr(IIO_DUMMY_SOURCES), IIO_DUMMY_KBUILD)
    if is_current(build_dir, key):
        return sorted(build_dir.glob("*.ko"))
    extract_sources(tarball, build_dir, IIO_DUMMY_SOURCES)
    (build_dir / "Kbuild").write_text(IIO_DUMMY_KBUILD)
    return make_modules(kver, build_dir, key)


def build_gpio_sim(kver: str, tarball: Path, kmod_root: Path) -> list[Path]:
    build_dir = kmod_root / "gpio-sim"
    tar_stat = tarball.stat()
    key = digest(
        kver, str(tar_stat.st_size), str(tar_stat.st_mtime_ns), repr(GPIO_SIM_SOURCES), GPIO_SIM_KBUILD, *IRQ_SIM_FIX
    )
    if is_current(build_dir, key):
        return sorted(build_dir.glob("*.ko"))
    extract_sources(tarball, build_dir, GPIO_SIM_SOURCES)
    irq_sim = build_dir / "irq_sim.c"
    text, count = re.subn(IRQ_SIM_FIX[0], IRQ_SIM_FIX[1], irq_sim.read_text())
    if count == 0 and "irq_to_desc" in text:
        raise Failure(EXIT_HOST_SETUP, "irq_sim.c: the irq_to_desc() fix no longer applies; update IRQ_SIM_FIX")
    irq_sim.write_text(text)
    (build_dir / "Kbuild").write_text(GPIO_SIM_KBUILD)
    return make_modules(kver, build_dir, key)


def subdirs(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_dir()) if path.is_dir() else []


def build_project_modules(kver: str, kmod_root: Path) -> list[Path]:
    """Build every kmod/<name>/ that has a Kbuild or Makefile (see kmod/README.md)."""
    sources = [d for d in subdirs(KMOD_SOURCES) if (d / "Kbuild").is_file() or (d / "Makefile").is_file()]
    builds = kmod_root / "project"
    for gone in set(subdirs(builds)) - {builds / d.name for d in sources}:
        shutil.rmtree(gone)
    kos: list[Path] = []
    for src in sources:
        key = digest(kver, *tree_digest(src))
        build_dir = builds / src.name
        if not is_current(build_dir, key):
            shutil.rmtree(build_dir, ignore_errors=True)
            shutil.copytree(src, build_dir)
        kos += make_modules(kver, build_dir, key)
    return kos


def build_modules(kver: str, tarball: Path, cache: Path) -> Path:
    """Build all modules for kernel kver; copy them into one directory and return it (load order in load.list)."""
    kmod_root = cache / "kmod" / kver
    kos = build_gpio_sim(kver, tarball, kmod_root) + build_project_modules(kver, kmod_root)
    loaded_by_tests = build_iio_dummy(kver, tarball, kmod_root)
    ko_dir = kmod_root / "ko"
    shutil.rmtree(ko_dir, ignore_errors=True)
    ko_dir.mkdir(parents=True)
    for ko in kos + loaded_by_tests:
        if (ko_dir / ko.name).exists():
            raise Failure(EXIT_HOST_SETUP, f"two modules are named {ko.name}")
        shutil.copy2(ko, ko_dir / ko.name)
    (ko_dir / "load.list").write_text("".join(f"{ko.name}\n" for ko in kos))
    return ko_dir
