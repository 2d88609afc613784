"""``linuxhw run``: run an unchanged Python program whose own imports (``import smbus2``, ``import spidev``,
``import smbus``, gpiozero's pin factory, ...) get linuxhw's faces, in that process only.

    linuxhw run [-q] [--backend SPEC] [--board ID] [--face NAME]... [--no-face NAME]... SCRIPT [ARGS...]
    linuxhw run [options] -m MODULE [ARGS...]

The program runs as ``python SCRIPT ARGS`` / ``python -m MODULE ARGS`` would run it — ``sys.argv``,
``sys.path[0]``, ``__main__``, its tracebacks, its exit status, dying of SIGINT after an unhandled Ctrl-C —
with every face of the table :data:`linuxhw.compat.faces.FACES` installed (``--face`` names the only
ones wanted, ``--no-face`` leaves some out). ``--backend`` is ``LINUXHW_BACKEND`` for the run (and for the
processes it starts): ``real``, ``mock`` or ``package.module:factory``; ``--board`` is ``LINUXHW_BOARD``
(the board whose header pin numbers the faces use).

A face answers its import even where the real package is installed: the first time the program imports
such a name, one line on stderr says which installed package it got linuxhw's face instead of, unless
that face was asked for by ``--face`` (or ``-q``). Exit status: the program's own; 2 for a usage error (an unknown
option or face, a backend that cannot be had) or a script that cannot be opened, as python's.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from linuxhw.cli.parser import USAGE_STATUS, CommandParser
from linuxhw.compat import faces as face_table
from linuxhw.compat.faces import FaceImports, Replaced
from linuxhw.compat.run import Program, ProgramNotFound, execute, prepare, program_directory, reraise

PROG = "linuxhw run"
_TAKES_VALUE = ("--backend", "--board", "--face", "--no-face")


def build_parser() -> CommandParser:
    listing = "\n".join(
        f"  {face.name:<10} {'import ' + ', '.join(face.modules) if face.modules else ''}"
        f"{', '.join(f'{k}={v}' for k, v in face.environment.items())}  ({face.stands_for})"
        for face in face_table.FACES
    )
    parser = CommandParser(
        prog=PROG,
        usage=f"{PROG} [-q] [--backend SPEC] [--board ID] [--face NAME]... [--no-face NAME]...\n"
        f"{' ' * len('usage: ' + PROG)} (SCRIPT | -m MODULE) [ARGS ...]",
        description="Run an unchanged Python program (as python SCRIPT / python -m MODULE would) whose own\n"
        "imports get linuxhw's faces, in that process only; LINUXHW_BACKEND and LINUXHW_BOARD are set for it.",
        epilog=f"faces:\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--backend",
        metavar="SPEC",
        help="real, mock or package.module:factory; LINUXHW_BACKEND for the run (default: $LINUXHW_BACKEND or real)",
    )
    parser.add_argument(
        "--board",
        metavar="ID",
        help="LINUXHW_BOARD for the run: the board whose header the faces' pin numbers mean "
        "(raspberrypi-4b, beaglebone-black, ...; default: $LINUXHW_BOARD, else the device tree)",
    )
    parser.add_argument("--face", action="append", metavar="NAME", help="install only this face (repeatable)")
    parser.add_argument("--no-face", action="append", default=[], metavar="NAME", help="leave this face out")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="do not say which installed packages the faces stood in for"
    )
    return parser


def split_command(argv: Sequence[str]) -> tuple[list[str], Program | None, list[str]]:
    """``linuxhw run``'s own options, the program, and the program's arguments (everything after it,
    untouched, as python takes them)."""
    for index, arg in enumerate(argv):
        if arg == "-m" or (arg.startswith("-m") and not arg.startswith("--")):
            module = arg[2:] or (argv[index + 1] if index + 1 < len(argv) else "")
            rest = argv[index + (1 if arg[2:] else 2) :]
            return list(argv[:index]), (Program(module, module=True) if module else None), list(rest)
        if arg == "--":
            after = argv[index + 1 :]
            return list(argv[:index]), (Program(after[0]) if after else None), list(after[1:])
        if not arg.startswith("-") or arg == "-":
            previous = argv[index - 1] if index else ""
            if previous in _TAKES_VALUE:
                continue  # the value of an option
            return list(argv[:index]), Program(arg), list(argv[index + 1 :])
    return list(argv), None, []


def main(argv: Sequence[str]) -> int:
    """Run ``linuxhw run ARGV``; returns the exit status when the program ends by itself, else raises what
    ended it for the interpreter to report (see :func:`linuxhw.compat.run.reraise`)."""
    parser = build_parser()
    options, program, args = split_command(argv)
    try:
        parsed = parser.parse_args(options)
        if program is None or program.target == "-":
            parser.error("give a SCRIPT (a file, or a directory or zip file with __main__.py) or -m MODULE")
        selected = face_table.select_faces(parsed.face, parsed.no_face)
        if parsed.board is not None:
            _select_board(parsed.board)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else USAGE_STATUS
    except (ValueError, LookupError) as exc:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return USAGE_STATUS
    try:
        run = prepare(program, args)
    except ProgramNotFound as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return USAGE_STATUS
    imports = FaceImports(selected, None if parsed.face or parsed.quiet else _say_replaced)
    imports.program_directory = program_directory()  # its own board.py is what its import board gets
    imports.install()  # for the rest of the process
    if parsed.backend is not None:
        error = _select_backend(parsed.backend)
        if error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return USAGE_STATUS
    ended = execute(run)
    if ended is None:
        return 0
    reraise(ended)


def _select_board(board_id: str) -> None:
    """Make ``board_id`` the program's ``LINUXHW_BOARD``; LookupError naming the boards linuxhw knows if
    it is none of them (linuxhw.boards is imported only then: it brings linuxhw.gpio)."""
    from linuxhw.boards import BOARD_VARIABLE, get

    try:
        get(board_id)
    except LookupError as exc:
        raise LookupError(f"--board: {exc.args[0]}") from None
    os.environ[BOARD_VARIABLE] = board_id


def _say_replaced(replaced: Replaced) -> None:
    keep = "" if replaced.own else f" (--no-face {replaced.face.name} keeps it)"
    print(f"{PROG}: {replaced}{keep}", file=sys.stderr, flush=True)


def _select_backend(spec: str) -> str | None:
    """Make ``spec`` the program's backend and its ``LINUXHW_BACKEND``; the reason it cannot be, else None."""
    import linuxhw
    from linuxhw.cli.backend_option import chosen_backend

    try:
        backend = chosen_backend(spec)
    except ValueError as exc:
        return str(exc)
    os.environ["LINUXHW_BACKEND"] = spec
    _export_search_root(spec)
    linuxhw.set_backend(backend)
    return None


def _export_search_root(spec: str) -> None:
    """Put the directory a factory's module came from first on ``PYTHONPATH`` where a child process would not
    find it otherwise (the current directory, the script's: not on a child python's path), so that the
    program's child processes resolve the same ``LINUXHW_BACKEND``."""
    from linuxhw._kernel.factory import is_factory_spec, search_root

    root = search_root(spec) if is_factory_spec(spec) else None
    inherited = {os.path.abspath(entry or os.curdir) for entry in sys.path[1:]}  # the interpreter's and $PYTHONPATH's
    if root is None or os.path.abspath(root) in inherited:
        return
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
