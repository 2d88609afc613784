"""Probe a board and poke its GPIO, I2C, SPI, PWM, IIO and DMA-BUF devices from the shell.

Exit status: 0 ok, 1 the operation failed, 2 usage error (gpio and i2c commands: 1, as libgpiod's
tools and i2c-tools; i2c get: 2 when the read fails, as i2cget), 130 stopped by Ctrl-C (SIGINT),
143 stopped by SIGTERM, 141 the reader of the output went away (SIGPIPE).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import linuxhw
from linuxhw._kernel import Backend
from linuxhw.cli.backend_option import chosen_backend
from linuxhw.cli.errors import OperationFailed, UsageError
from linuxhw.cli.output import describe_error, error
from linuxhw.cli.parser import USAGE_STATUS, CommandParser, Commands
from linuxhw.cli.stopping import Terminated, signals_stop_the_command

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, USAGE_STATUS
EXIT_SIGPIPE, EXIT_INTERRUPTED, EXIT_TERMINATED = 141, 130, 143

# Each command's module is imported only when that command runs (see Commands).
COMMANDS = {
    "linuxhw.cli.probe_cmd:register": {"probe": "list the hardware this library can drive"},
    "linuxhw.cli.gpio_cmd:register": {"gpio": "GPIO chips and lines"},
    "linuxhw.cli.i2c_cmd:register": {"i2c": "I2C adapters and devices"},
    "linuxhw.cli.spi_cmd:register": {"spi": "SPI devices (spidev)"},
    "linuxhw.cli.dma_cmd:register": {"dma": "DMA-BUF heaps and udmabuf"},
    "linuxhw.cli.pwm_cmd:register": {"pwm": "PWM chips and channels (sysfs)"},
    "linuxhw.cli.iio_cmd:register": {"iio": "IIO devices: ADCs, DACs, sensors (values, buffered capture)"},
    "linuxhw.cli.main:register_vm": {
        "vm": "run a command in a VM with the kernel's GPIO/I2C/SPI simulators: vm -- pytest"
    },
    "linuxhw.cli.main:register_run": {
        "run": "run a Python script whose own imports (smbus, smbus2, spidev, ...) get linuxhw's faces"
    },
}


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``argv``: in full for the command it names, by name and help for the others."""
    parser = CommandParser(prog="linuxhw", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--backend",
        metavar="BACKEND",
        help="real (the kernel), mock (the demo board) or package.module:factory (a callable returning a "
        "mock.Board with your parts; the current directory is on the path); default: $LINUXHW_BACKEND or real",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON (JSON lines for streams)")
    parser.add_argument("--version", action="version", version=f"linuxhw {linuxhw.__version__}")
    # Read commands also take --json after the command; SUPPRESS keeps the global one when absent.
    json_option = argparse.ArgumentParser(add_help=False)
    json_option.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    commands = Commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"), COMMANDS, argv)
    commands.add(json_option)
    return parser


def register_vm(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    # main() hands `linuxhw vm ...` to linuxhw.vm before parsing; after global options it only says how
    vm = commands.add_parser("vm", add_help=False)
    vm.set_defaults(run=lambda args: vm_usage())


def register_run(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    # main() hands `linuxhw run ...` over before parsing, as it does `vm`: the program's arguments and
    # exceptions are not the CLI's to touch; after global options other than --backend it only says how
    run = commands.add_parser("run", add_help=False)
    run.add_argument("program", nargs=argparse.REMAINDER)
    run.set_defaults(run=lambda args: run_usage())


def run_usage() -> int:
    """`linuxhw --json run ...` and the like: the program's options cannot follow the CLI's."""
    error(None, "run takes its options after it: linuxhw run [--backend SPEC] [--face NAME] SCRIPT [ARGS]")
    return EXIT_USAGE


def vm_usage() -> int:
    from linuxhw.vm.cli import main as vm_main

    return vm_main([])  # a usage error naming the right form: linuxhw vm -- COMMAND


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def run(args: argparse.Namespace) -> int:
    """Run the parsed command and map its outcome to an exit status."""
    try:
        with signals_stop_the_command():
            return int(args.run(args) or EXIT_OK)
    except (UsageError, ValueError, TypeError) as exc:  # bad arguments, caught before any syscall
        error(args, str(exc))
        return int(getattr(args, "usage_status", USAGE_STATUS))
    except OperationFailed as exc:
        error(args, str(exc))
        return exc.status
    except LookupError as exc:  # a named line, chip or device that is not there
        error(args, str(exc.args[0]) if exc.args else str(exc))
        return EXIT_FAILED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_SIGPIPE
    except OSError as exc:  # DeviceError and friends: the kernel said no
        error(args, describe_error(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated:
        return EXIT_TERMINATED


def main(argv: Sequence[str] | None = None, *, backend: Backend | None = None) -> int:
    """Run ``linuxhw`` with ``argv`` (default: sys.argv[1:]) and return the exit status.

    ``backend`` replaces the one --backend names (tests pass a prepared mock board).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--backend"] and argv[2:3] == ["run"]:  # linuxhw --backend mock run ...
        argv = ["run", "--backend", *argv[1:2], *argv[3:]]
    elif argv[:1] and argv[0].startswith("--backend=") and argv[1:2] == ["run"]:
        argv = ["run", *argv[:1], *argv[2:]]
    if argv[:1] == ["run"]:
        from linuxhw.cli.run_cmd import main as run_main

        return run_main(argv[1:])
    if argv[:1] == ["vm"]:  # its own options, and a command after -- that argparse must not touch
        from linuxhw.vm.cli import main as vm_main

        return vm_main(argv[1:])
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if backend is None:
        try:
            backend = chosen_backend(args.backend)
        except ValueError as exc:
            error(None, str(exc))
            return EXIT_USAGE
    with linuxhw.use_backend(backend):
        return run(args)
