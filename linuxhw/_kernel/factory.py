"""A backend named from outside the program: ``package.module:factory``, as in ``LINUXHW_BACKEND``.

The factory is a callable taking no arguments that returns a :class:`Backend` (typically a
``linuxhw.mock.Board`` with the user's parts), or a Backend itself; the attribute may be dotted
(``linuxhw.mock:Board.raspberry_pi``), as in an entry point. So an unchanged script, the CLI or a
test suite runs on a board made elsewhere. Each resolution calls the factory again: a fresh board,
as ``"mock"`` gives a fresh demo board.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from types import ModuleType

from linuxhw._kernel.backend import Backend

__all__ = ["ALLOWED", "cwd_on_path", "is_factory_spec", "load_factory", "search_root"]

ALLOWED = (
    "'real' (the kernel), 'mock' (the demo board), or 'package.module:factory' "
    "(a callable in an importable module returning a Backend such as a linuxhw.mock.Board)"
)


def is_factory_spec(spec: str) -> bool:
    """Whether ``spec`` has the ``module:attribute`` form (not whether it can be loaded)."""
    return ":" in spec


def load_factory(spec: str, source: str = "backend") -> Backend:
    """The Backend that ``spec`` (``package.module:factory``) makes; ValueError naming ``source`` and the
    spec when the module cannot be imported, the attribute is missing, or it is not a factory of Backends.
    An exception raised inside the user's module or factory propagates unchanged: it is the user's bug."""
    module_name, _, attribute = spec.partition(":")
    if not _dotted(module_name) or not _dotted(attribute):
        raise ValueError(f"{source}={spec!r}: a factory is named 'package.module:factory'; {source} must be {ALLOWED}")
    module = _import(module_name, spec, source)
    target: object = module
    for depth, part in enumerate(attribute.split(".")):
        if not hasattr(target, part):
            owner = module_name if depth == 0 else f"{module_name}:{'.'.join(attribute.split('.')[:depth])}"
            raise ValueError(f"{source}={spec!r}: {owner} has no attribute {part!r}{_suggestion(target, part)}")
        target = getattr(target, part)
    if isinstance(target, Backend):
        return target
    if not callable(target):
        raise ValueError(
            f"{source}={spec!r}: {module_name}:{attribute} is {_a(target)}, not a callable returning a Backend"
        )
    backend = target()
    if not isinstance(backend, Backend):
        raise ValueError(
            f"{source}={spec!r}: {module_name}:{attribute}() returned {_a(backend)}, not a linuxhw Backend "
            "(return a linuxhw.mock.Board, or name 'real' or 'mock' instead)"
        )
    return backend


def _dotted(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def _import(module_name: str, spec: str, source: str) -> ModuleType:
    """Import the spec's module; a module that is not there (not one its own imports lack) is the spec's fault."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if not (module_name == missing or module_name.startswith(missing + ".")):
            raise  # the user's module was found and one of its own imports failed
        raise ValueError(
            f"{source}={spec!r}: no module named {missing!r} on sys.path {_path_hint()}; {source} must be {ALLOWED}"
        ) from None


def search_root(spec: str) -> str | None:
    """The directory the module of ``spec``, already loaded, was imported from (the ``sys.path`` entry holding
    its top-level package), for a child process's PYTHONPATH; None for a module with no file (built in)."""
    module = sys.modules.get(spec.partition(":")[0].partition(".")[0])
    if module is None:
        return None
    locations = list(getattr(module, "__path__", None) or [])  # a package, namespace packages included
    where = locations[0] if locations else getattr(module, "__file__", None)
    return os.path.dirname(where) if where else None


def cwd_on_path() -> bool:
    """Whether the current directory is on sys.path (python -m puts it there; a console script does not)."""
    here = os.getcwd()
    return any(os.path.abspath(entry or os.curdir) == here for entry in sys.path)


def _path_hint() -> str:
    return (
        "(the current directory is on it)"
        if cwd_on_path()
        else "(the current directory is not: PYTHONPATH=. puts it there)"
    )


def _suggestion(target: object, name: str) -> str:
    close = difflib.get_close_matches(name, [n for n in dir(target) if not n.startswith("_")], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _a(value: object) -> str:
    kind = type(value).__name__
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind} ({value!r:.60})"
