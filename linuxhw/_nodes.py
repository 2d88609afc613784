"""Turning what users type — a number, a path or a name — into a device node path."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable

from linuxhw.errors import device_error


def node_path(spec: int | str | os.PathLike[str], prefix: str, what: str) -> str | None:
    """``/dev/<prefix>N`` for a number, the path itself for a path, None for a name to look up."""
    if isinstance(spec, bool) or not isinstance(spec, (int, str, os.PathLike)) or spec == "":
        raise TypeError(f"{what} must be a number, a path or a name, not {spec!r}")
    if isinstance(spec, int):
        if spec < 0:
            raise ValueError(f"{what} number must be >= 0, not {spec}")
        return f"/dev/{prefix}{spec}"
    path = os.fspath(spec)
    return path if isinstance(spec, os.PathLike) or "/" in path else None


def unique_by_name(name: str, candidates: Iterable[tuple[str, str]], what: str) -> str:
    """The one path among ``(path, name)`` candidates whose name is ``name``; else a clear error."""
    seen, matches = [], []
    for path, candidate in candidates:
        seen.append(candidate)
        if candidate == name:
            matches.append(path)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(f"{what} name {name!r} is not unique: {', '.join(matches)}")
    here = ", ".join(repr(n) for n in seen) or "none"
    raise device_error(errno.ENOENT, name, f"find {what}", f"no {what} named {name!r}; here: {here}")
