"""What the ``linuxhw_faces`` fixture gives a test: ``linuxhw run``'s faces in the test's own process, and
a way to run an unchanged script or module there, as ``linuxhw run`` does, on the test's backend."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from linuxhw._handle import open_handles
from linuxhw.compat.faces import FaceImports, Replaced
from linuxhw.compat.run import Program, execute, exit_status, prepare, program_directory

__all__ = ["Faces"]


class Faces:
    """The faces installed for one test (see :class:`linuxhw.compat.faces.FaceImports`): imports made
    during the test get linuxhw's modules; :meth:`run` and :meth:`run_module` run a program as
    ``linuxhw run`` would, in this process, so the test then looks at the mock board it drove. A program's
    end is as in its own process, but for the ``atexit`` hooks it registers (they run when the test
    process ends): the faces' cleanups (gpiozero's pin factory closed, as gpiozero's exit hook would),
    then the linuxhw handles it left open are closed, silently, as its process's end would close them."""

    def __init__(self, imports: FaceImports) -> None:
        self._imports = imports

    @property
    def names(self) -> list[str]:
        """The faces installed."""
        return [face.name for face in self._imports.faces]

    @property
    def replaced(self) -> list[Replaced]:
        """The installed packages that an import got a face instead of, so far."""
        return list(self._imports.replaced)

    def run(self, script: str, *args: str) -> int:
        """Run ``script`` (a file, or a directory or zip file with ``__main__.py``) with ``args`` as
        ``linuxhw run`` would; return the exit status python would end with (a traceback printed to
        stderr: 1; Ctrl-C: 130). ``FileNotFoundError`` if it cannot be opened."""
        return self._run(Program(script), args)

    def run_module(self, module: str, *args: str) -> int:
        """Run ``module`` as ``linuxhw run -m MODULE ARGS`` would; the exit status as :meth:`run`'s."""
        return self._run(Program(module, module=True), args)

    def _run(self, program: Program, args: Sequence[str]) -> int:
        with _interpreter_state_kept():
            try:
                runner = prepare(program, args)
            except OSError as exc:
                raise FileNotFoundError(str(exc)) from None
            before = set(open_handles())
            self._imports.program_directory = program_directory()  # its own board.py wins over the face
            ended = execute(runner)
            self._imports.program_directory = None
            try:  # the program's end: its peers' exit hooks, then its process would close every fd
                self._imports.program_ended()
            finally:
                for handle in set(open_handles()) - before:
                    handle.close()
            return exit_status(ended)


@contextmanager
def _interpreter_state_kept() -> Iterator[None]:
    """Put back what running a program as ``__main__`` changes: sys.argv, sys.path and ``__main__``."""
    argv, path, main = list(sys.argv), list(sys.path), sys.modules.get("__main__")
    try:
        yield
    finally:
        sys.argv = argv
        sys.path[:] = path
        if main is not None:
            sys.modules["__main__"] = main
