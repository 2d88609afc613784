"""``linuxhw vm [options] -- COMMAND...``: run COMMAND in a VM booted on a Debian kernel with the GPIO, I2C, SPI
and PWM simulators loaded (gpio-sim, i2c-dev, i2c-stub, linuxhw's i2c-sim, spi-sim and pwm-sim), in this
directory.

The first run installs QEMU and the kernel packages with apt (it names them first; as an ordinary user it
prints the command to run), installs virtme-ng with pip and builds the simulator modules; all of it is cached
(${LINUXHW_CACHE:-~/.cache/linuxhw}), so later runs only boot.  The guest sees the host's files (read-only,
with throwaway overlays on /tmp, /etc, /usr, /var, /home, /opt, /srv); the current directory is shared
writable.  COMMAND runs as root with LINUXHW_TEST_TIER=kernel, so linuxhw's pytest fixtures fail rather
than skip if a simulator is missing.  Its output and exit status are the command's.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from linuxhw.vm._host import EXIT_GUEST_LOST, EXIT_GUEST_SETUP, EXIT_HOST_SETUP, EXIT_TIMEOUT
from linuxhw.vm.boot import ICOUNT_OPTS, BootOptions
from linuxhw.vm.install import DEFAULT_KERNEL, KERNELS, version_key
from linuxhw.vm.run import VmRun, execute


def exit_codes() -> str:
    return (
        f"Exit codes besides the command's: {EXIT_HOST_SETUP} host install/build failed or needs you to install "
        f"first, {EXIT_GUEST_SETUP} guest setup failed, {EXIT_GUEST_LOST} guest died (panic), {EXIT_TIMEOUT} timeout."
    )


def add_vm_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every kernel-tier run takes (``linuxhw vm`` and scripts/vmtest)."""
    parser.add_argument(
        "--kernel",
        choices=sorted(KERNELS, key=version_key),
        default=DEFAULT_KERNEL,
        help=f"the Debian kernel series to boot (default {DEFAULT_KERNEL}); each is installed and built for once",
    )
    parser.add_argument(
        "--timeout",
        metavar="S",
        type=float,
        default=BootOptions.timeout,
        help=f"kill the guest after S seconds (default {BootOptions.timeout:g}); a test stuck past its own "
        "timeout is killed sooner",
    )
    parser.add_argument(
        "--cpus",
        type=int,
        default=1,
        help="guest CPUs (default 1: then a gpio-sim edge event is queued before set_pull() returns)",
    )
    parser.add_argument("--memory", default="1G", help="guest memory (default 1G)")
    parser.add_argument("--boot-console", action="store_true", help="show the guest kernel's console")
    parser.add_argument(
        "--append",
        metavar="ARG",
        action="append",
        default=[],
        help="add ARG to the guest kernel's command line, e.g. spidev.bufsiz=65536 (repeatable)",
    )
    parser.add_argument(
        "--icount",
        action="store_true",
        help=f"clock the guest by instructions (QEMU {ICOUNT_OPTS}): 1 guest µs = 1000 instructions, "
        "reproducible whatever the host's load; for benchmarks (tests keep real time)",
    )
    parser.add_argument("--prepare-only", action="store_true", help="install and build, do not boot")


def boot_options(args: argparse.Namespace) -> BootOptions:
    if args.cpus < 1:
        raise SystemExit(f"--cpus must be at least 1, not {args.cpus}")
    return BootOptions(args.timeout, args.cpus, args.memory, list(args.append), args.boot_console, args.icount)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="linuxhw vm",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=exit_codes(),
        usage="linuxhw vm [options] -- COMMAND [ARG...]",
    )
    add_vm_arguments(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run in the guest, after --")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command and not args.prepare_only:
        parser.error("give the command to run in the guest after --, e.g. linuxhw vm -- pytest -q")
    spec = VmRun(
        command=command,
        workdir=Path(os.getcwd()),
        kernel=args.kernel,
        boot=boot_options(args),
        prepare_only=args.prepare_only,
        guest_env={"LINUXHW_VM_QUIET": "1"},
    )
    return execute(spec)
