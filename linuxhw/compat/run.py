"""Run a script or a module as ``__main__``, the way ``python script.py`` and ``python -m module`` do.

``linuxhw run`` and the pytest plugin's ``linuxhw_faces`` run a user's program with this, so the
program cannot tell it from python itself: ``sys.argv`` (the script as given, or the module's path),
``sys.path[0]`` (the script's real directory, or the current directory for ``-m``; left alone under
``python -P``), a fresh ``__main__`` module with python's globals, the source compiled with the
absolute path as its file name. :func:`prepare` sets that up; :func:`execute` runs it and returns
what ended the program, with a traceback that starts where python's would (the script's first
frame; runpy's two frames for ``-m``, as python shows them), for :func:`exit_status` (a test) or
:func:`reraise` (``linuxhw run``, which leaves the printing, the exit status and dying of SIGINT
after Ctrl-C to the interpreter itself).
"""

from __future__ import annotations

import builtins
import os
import runpy
import signal
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.machinery import BuiltinImporter, SourceFileLoader
from types import ModuleType, TracebackType
from typing import Any, Callable, NoReturn

__all__ = ["Program", "ProgramNotFound", "execute", "exit_status", "prepare", "program_directory", "reraise"]

ExceptHook = Callable[[type[BaseException], BaseException, "TracebackType | None"], Any]


class ProgramNotFound(OSError):
    """The script file cannot be opened (python: "can't open file ...", exit status 2)."""


@dataclass(frozen=True)
class Program:
    """A script path (a file, or a directory or zip file with a ``__main__.py``) or, with ``module``, a module name."""

    target: str
    module: bool = False

    def __str__(self) -> str:
        return f"-m {self.target}" if self.module else self.target


def prepare(program: Program, args: Sequence[str]) -> Callable[[], None]:
    """Set ``sys.argv``, ``sys.path[0]`` and (for a script) ``__main__`` for ``program`` with ``args`` after
    its name, as python does before it runs anything; return what runs it, for :func:`execute`.
    ProgramNotFound when a script cannot be opened (then nothing was changed)."""
    return _module_runner(program.target, args) if program.module else _script_runner(program.target, args)


def program_directory() -> str | None:
    """The directory :func:`prepare` put first on ``sys.path`` for the program (the script's, the current
    one for ``-m``), whose modules its imports find first; None under ``python -P``, which puts none there."""
    return None if getattr(sys.flags, "safe_path", False) or not sys.path else sys.path[0]


def execute(runner: Callable[[], None]) -> BaseException | None:
    """Run what :func:`prepare` returned; None when the program ran to its end, else the exception that
    ended it (SystemExit included), its ``__traceback__`` starting at the program's code."""
    try:
        runner()
    except BaseException as exc:  # what ended the program: theirs to report, as python would
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == _THIS_FILE:  # not the frames of this module
            tb = tb.tb_next
        exc.__traceback__ = tb
        return exc
    return None


def _set_path0(entry: str) -> None:
    """``sys.path[0]`` as python sets it for the program (python -P / PYTHONSAFEPATH: none at all)."""
    if getattr(sys.flags, "safe_path", False):
        return
    if sys.path:
        sys.path[0] = entry
    else:
        sys.path.insert(0, entry)


def _fresh_main(**attributes: object) -> ModuleType:
    """A new ``__main__`` module in ``sys.modules``, with the globals python gives its own."""
    main = ModuleType("__main__")
    main.__dict__.update(__builtins__=builtins, __annotations__={}, **attributes)
    sys.modules["__main__"] = main
    return main


def _script_runner(script: str, args: Sequence[str]) -> Callable[[], None]:
    path = os.path.join(os.getcwd(), script)  # python's absolute path is not normalised: "/here/./x.py"
    if os.path.isdir(path) or zipfile.is_zipfile(path):  # python DIR / python APP.zip: its __main__.py
        sys.argv = [script, *args]
        _set_path0(path)
        _fresh_main(__loader__=BuiltinImporter)
        return lambda: _run_module_as_main("__main__", alter_argv=False)
    try:
        with open(path, "rb") as file:
            source = file.read()
    except OSError as exc:
        raise ProgramNotFound(f"can't open file {path!r}: [Errno {exc.errno}] {exc.strerror}") from None
    sys.argv = [script, *args]
    _set_path0(os.path.dirname(os.path.realpath(path)))
    main = _fresh_main(__file__=path, __cached__=None, __loader__=SourceFileLoader("__main__", path))

    def run() -> None:
        code = compile(source, path, "exec", dont_inherit=True)
        exec(code, main.__dict__)

    return run


def _module_runner(module: str, args: Sequence[str]) -> Callable[[], None]:
    sys.argv = ["-m", *args]  # until runpy finds the module: python's own placeholder
    _set_path0(os.getcwd())
    _fresh_main(__loader__=BuiltinImporter)
    return lambda: _run_module_as_main(module, alter_argv=True)


def _run_module_as_main(module: str, alter_argv: bool) -> None:
    """What ``python -m`` itself calls: runpy's ``_run_module_as_main`` (its frames are in python's tracebacks)."""
    run: Any = runpy._run_module_as_main  # type: ignore[attr-defined]
    run(module, alter_argv=alter_argv)


def exit_status(ended: BaseException | None) -> int:
    """The exit status ``python`` would end with after ``ended`` (from :func:`execute`), reporting it as
    python does: SystemExit's code (a message printed to stderr: 1), a traceback through ``sys.excepthook``
    and 1 — or 130 after KeyboardInterrupt, as a shell shows python dying of SIGINT."""
    if ended is None:
        return 0
    if isinstance(ended, SystemExit):
        code = ended.code
        if code is None or isinstance(code, int):
            return int(code or 0)
        print(code, file=sys.stderr)
        return 1
    sys.excepthook(type(ended), ended, ended.__traceback__)
    return 128 + signal.SIGINT if isinstance(ended, KeyboardInterrupt) else 1


def reraise(ended: BaseException) -> NoReturn:
    """Raise what ended the program from here, for the interpreter to report and exit with as for
    ``python script.py`` (SIGINT death after an unhandled KeyboardInterrupt included); its traceback is
    printed from the program's first frame, through whatever ``sys.excepthook`` the program left."""
    if not isinstance(ended, SystemExit):
        sys.excepthook = _TracebackFromProgram(ended, ended.__traceback__, sys.excepthook)
    raise ended


_THIS_FILE = execute.__code__.co_filename


class _TracebackFromProgram:
    """An excepthook that hands ``hook`` the program's own traceback for ``ended``, without the frames
    the exception gained on its way up through linuxhw's."""

    def __init__(self, ended: BaseException, start: TracebackType | None, hook: ExceptHook) -> None:
        self.ended, self.start, self.hook = ended, start, hook

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> Any:
        if value is self.ended:  # python's own hook prints value.__traceback__ whatever tb it is given
            tb = value.__traceback__ = self.start
        return self.hook(kind, value, tb)
