"""Argument parsing, backend selection and exit codes shared by every subcommand."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, Callable

import linuxhw
from linuxhw.cli import gpio_cmd, probe_cmd
from linuxhw.errors import DeviceError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linuxhw", description=__doc__)
    parser.add_argument(
        "--backend",
        choices=("real", "mock"),
        default=os.environ.get("LINUXHW_BACKEND") or "real",
        help="talk to the kernel (real) or to the demo board (mock); default: $LINUXHW_BACKEND or real",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    probe_cmd.register(commands)
    gpio_cmd.register(commands)
    return parser


def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str]) -> None:
    """Print ``data`` as JSON with --json, else as the text ``text(data)`` renders."""
    print(json.dumps(data, indent=2) if args.json else text(data))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 ok, 1 the operation failed, 2 usage error."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    linuxhw.set_backend(args.backend)
    try:
        return int(args.run(args) or EXIT_OK)
    except (ValueError, TypeError, LookupError) as exc:
        print(f"linuxhw: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DeviceError, OSError) as exc:
        print(f"linuxhw: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
