"""``--backend``: the backend a command (or ``linuxhw run``'s program) uses."""

from __future__ import annotations

import os
import sys

from linuxhw._kernel import Backend, resolve_backend
from linuxhw._kernel.factory import cwd_on_path, is_factory_spec

__all__ = ["chosen_backend"]


def chosen_backend(option: str | None) -> Backend:
    """The backend ``--backend`` names, else ``$LINUXHW_BACKEND``, else the kernel. A factory's module is
    looked for in the current directory too (after sys.path), as ``python -m`` would find it; sys.path is
    as it was afterwards (a program run after it sees the path python would give it)."""
    spec, source = (option, "--backend") if option else (os.environ.get("LINUXHW_BACKEND") or "real", "LINUXHW_BACKEND")
    if not is_factory_spec(spec) or cwd_on_path():
        return resolve_backend(spec, source)
    here = os.getcwd()
    sys.path.append(here)
    try:
        return resolve_backend(spec, source)
    finally:
        for index in reversed(range(len(sys.path))):  # the entry appended, whatever the factory added meanwhile
            if sys.path[index] == here:
                del sys.path[index]
                break
